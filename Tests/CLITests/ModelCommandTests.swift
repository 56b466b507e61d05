import Foundation
import Testing
import TestSupport

/// The model commands on the built-in synthetic model: no download needed.
struct ModelCommandTests {
    @Test func compareBuiltinAgrees() throws {
        let result = quantlab("compare", "--positions", "64", "--threads", "2", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        #expect(report["model"] as? String == "builtin")
        // q8 activation rounding flips near-tied tokens of this random model (see BuiltinModelTests).
        #expect((report["top1_agreement"] as? Double ?? 0) >= 0.9)
        #expect((report["mean_kl"] as? Double ?? 1) < 0.01)
        #expect((report["per_position"] as? [Any])?.count == 64)
    }

    @Test func perplexityReportsTheContract() throws {
        let result = quantlab("perplexity", "builtin-qwen2", "--file", Golden.apacheLicensePath, "--ctx", "128",
                              "--chunks", "2", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let ppl = try #require(report["ppl"] as? Double)
        #expect(ppl.isFinite && ppl > 1)
        #expect(report["chunks"] as? Int == 2)
    }

    @Test func generateStreamsAndStops() throws {
        let streamed = quantlab("generate", "--prompt", "Once upon a time", "-n", "12", "--threads", "1")
        #expect(streamed.status == 0, "\(streamed.errors)")
        #expect(streamed.errors.contains("12 generated") || streamed.errors.contains("end of generation"))
        let report = try json(quantlab("generate", "--prompt", "Once upon a time", "-n", "12", "--threads", "1", "--json").output)
        // Greedy generation is deterministic: the streamed text is the reported text.
        #expect(streamed.output.hasPrefix(report["text"] as? String ?? "<none>"))
        let sampled = quantlab("generate", "--prompt", "Once", "-n", "8", "--temp", "0.8", "--seed", "3", "--json")
        let again = quantlab("generate", "--prompt", "Once", "-n", "8", "--temp", "0.8", "--seed", "3", "--json")
        #expect(sampled.status == 0)
        #expect(try json(sampled.output)["tokens"] as? [Int] == json(again.output)["tokens"] as? [Int])
        #expect(((try json(sampled.output)["tokens"] as? [Int])?.count ?? 0) > 0)
    }

    @Test func benchModelReportsRows() throws {
        let result = quantlab("bench-model", "--prompt-tokens", "32", "--gen-tokens", "4", "--threads", "1,2",
                              "--repetitions", "1", "--profile", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let rows = try #require(try json(result.output)["rows"] as? [[String: Any]])
        #expect(rows.map { "\($0["test"]!)/\($0["threads"]!)" } == ["pp32/1", "tg4/1", "pp32/2", "tg4/2"])
        let profile = try #require(rows[1]["profile"] as? [[String: Any]])
        #expect(profile.contains { $0["operation"] as? String == "attention" })
    }

    @Test(arguments: [
        (["compare", "/nonexistent.gguf"], 1, "no model file"),
        (["generate", "--prompt", "x", "--temp", "warm"], 2, "--temp"),
        (["generate", "--prompt", "x", "--top-p", "1.5"], 1, "top-p"),
        (["perplexity"], 2, "--file"),
        (["perplexity", "--file", "/nonexistent.txt"], 1, "cannot read"),
        (["perplexity", "--file", "/etc/hostname", "--ctx", "4096"], 2, "context length"),
        (["bench-model", "--threads", "0"], 2, "--threads"),
        (["compare", "--mode", "sideways"], 2, "--mode"),
        (["generate"], 2, "--prompt"),
    ])
    func badInputIsAOneLineError(arguments: [String], status: Int32, fragment: String) {
        let result = quantlab(arguments)
        #expect(result.status == status, "\(arguments): \(result.errors)")
        #expect(result.errors.contains(fragment), "\(arguments): \(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1, "\(arguments): \(result.errors)")
    }
}
