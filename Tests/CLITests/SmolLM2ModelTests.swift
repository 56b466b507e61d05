import Foundation
import Testing
import TestSupport

/// The transformer on the real SmolLM2-135M-Instruct (fetched by .ci/run): fast path against the reference in four
/// llama.cpp mixes, perplexity against llama.cpp's figures, and a greedy chat answer.
@Suite(.enabled(if: RealModels.smolLM2Path != nil), .serialized)
struct SmolLM2ModelTests {
    /// The shipped Q4_1 file and llama.cpp-style requantizations of it, made once per test run.
    static let models: [String: String] = {
        let shipped = RealModels.smolLM2Path!
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quantlab-smollm2-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var paths = ["Q4_1": shipped]
        for mix in ["Q8_0", "Q4_0", "Q4_K_M"] {
            let path = directory.appendingPathComponent("smollm2-\(mix).gguf").path
            let result = quantlab("quantize", shipped, path, "--mix", mix)
            precondition(result.status == 0, "quantize --mix \(mix) failed: \(result.errors)")
            paths[mix] = path
        }
        return paths
    }()

    /// Against the f64 reference: with exact kernels (no activation rounding) the session must
    /// agree to rounding; with the fast kernels the distance is q8 activation rounding (as ggml's), bounded loosely.
    @Test(arguments: ["Q4_1", "Q8_0", "Q4_0", "Q4_K_M"])
    func fastAgreesWithReference(mix: String) throws {
        func compare(_ kernels: String, positions: Int) throws -> (top1: Double, kl: Double) {
            let result = quantlab("compare", Self.models[mix]!, "--file", Golden.apacheLicensePath, "--positions", "\(positions)",
                                  "--threads", "2", "--kernels", kernels, "--json")
            #expect(result.status == 0, "\(result.errors)")
            let report = try json(result.output)
            return (try #require(report["top1_agreement"] as? Double), try #require(report["mean_kl"] as? Double))
        }
        // Exact kernels are slow (f64 sums per product): 64 positions suffice to show the session is right.
        let exact = try compare("exact", positions: 64), fast = try compare("fast", positions: 256)
        print("SmolLM2 \(mix): fast top-1 \(fast.top1), mean KL \(fast.kl); exact kernels top-1 \(exact.top1), KL \(exact.kl)")
        #expect(exact.top1 >= 0.99 && exact.kl < 1e-6, "\(mix) exact kernels: \(exact)")
        #expect(fast.top1 >= 0.93 && fast.kl < 0.02, "\(mix) fast kernels: \(fast)")
    }

    /// llama-perplexity -c 512 on the Apache License: within 1% of llama.cpp's figure for the same file.
    @Test(arguments: ["Q4_1", "Q8_0", "Q4_0", "Q4_K_M"])
    func perplexityMatchesLlamaCpp(mix: String) throws {
        let result = quantlab("perplexity", Self.models[mix]!, "--file", Golden.apacheLicensePath, "--ctx", "512", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let ppl = try #require(report["ppl"] as? Double), expected = Golden.smolLM2Perplexity[mix]!
        print("SmolLM2 \(mix): PPL \(ppl), llama.cpp \(expected)")
        #expect(report["chunks"] as? Int == 4)
        #expect(abs(ppl / expected - 1) < 0.01, "\(mix): PPL \(ppl) against llama.cpp's \(expected)")
    }

    @Test func greedyChatAnswerIsEnglish() throws {
        let result = quantlab("generate", Self.models["Q4_1"]!, "--chat", "--prompt", "Write one sentence about cats.",
                              "-n", "32", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let text = try #require(try json(result.output)["text"] as? String)
        print("SmolLM2 greedy answer: \(text)")
        let words = text.lowercased().split { !$0.isLetter }
        #expect(words.contains("cat") || words.contains("cats"), "answer: \(text)")
        #expect(words.count >= 5)
    }

    @Test func tokenizeContract() throws {
        let result = quantlab("tokenize", Self.models["Q4_1"]!, "--text", "Hello world!", "--json")
        #expect(result.status == 0)
        #expect(try json(result.output)["ids"] as? [Int] == [19556, 905, 17])
    }

    @Test func benchModelContract() throws {
        let result = quantlab("bench-model", Self.models["Q4_0"]!, "--prompt-tokens", "64", "--gen-tokens", "8",
                              "--threads", "1", "--repetitions", "1", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let rows = try #require(try json(result.output)["rows"] as? [[String: Any]])
        #expect(rows.map { $0["test"] as? String } == ["pp64", "tg8"])
        #expect(rows.allSatisfy { ($0["tokens_per_second"] as? Double ?? 0) > 0 && $0["threads"] as? Int == 1 })
    }
}
