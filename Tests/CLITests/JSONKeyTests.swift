import Foundation
import Testing
import QuantLabCLI
import TestSupport

/// Every command's `--json` report spells its keys in snake_case, at every depth. Keys that are data rather than
/// schema (GGUF metadata names such as `general.architecture`) are the only ones exempt, and they contain a dot.
@Suite(.serialized) struct JSONKeyTests {
    static let database = FileManager.default.temporaryDirectory.appendingPathComponent("json-keys-\(UUID()).json").path

    /// One cheap invocation per command that has `--json`; `files` are written first and removed after.
    static func invocations(model: String, quantized: String) -> [(command: String, arguments: [String])] {
        [
            ("cpu", []),
            ("list", []),
            ("inspect", [model]),
            ("quantize", [model, quantized, "--type", "q8_0"]),
            ("matmul", ["--type", "q8_0", "--shape", "16x256", "--n", "2"]),
            ("roofline", ["--threads", "1", "--buffer-mib", "8"]),
            ("bench", ["--format", "q8_0", "--shape", "64x256", "--n", "1", "--threads", "1", "--variant", "best",
                       "--repetitions", "1", "--min-seconds", "0", "--no-roofline", "--db", database]),
            ("tune", ["--format", "q4_0", "--shape", "64x256", "--n", "1", "--threads", "1", "--compare-fixed", "--max-candidates", "3",
                      "--option", "repetitions=2", "--option", "finalists=2", "--db", database]),
            ("compare", ["--positions", "16", "--threads", "1", "--db", "none"]),
            ("perplexity", ["--file", Golden.apacheLicensePath, "--ctx", "64", "--chunks", "1", "--threads", "1", "--db", "none"]),
            ("generate", ["--prompt", "Once", "-n", "2", "--threads", "1", "--db", "none"]),
            ("bench-model", ["--prompt-tokens", "4", "--gen-tokens", "2", "--threads", "1", "--repetitions", "1", "--profile", "--db", "none"]),
            ("tokenize", ["builtin", "--text", "Hello world"]),
            ("check", ["--variant", "q8_0xq8_0.portable.rows", "--skip-models"]),
        ]
    }

    /// The keys that are not snake_case, with their paths.
    static func badKeys(_ value: Any, path: String = "") -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, child -> [String] in
                let schema = !key.contains(".")
                let snake = key.range(of: "^[a-z0-9]+(_[a-z0-9]+)*$", options: .regularExpression) != nil
                return (schema && !snake ? ["\(path)/\(key)"] : []) + badKeys(child, path: "\(path)/\(key)")
            }
        }
        if let array = value as? [Any] { return array.enumerated().flatMap { badKeys($1, path: "\(path)[\($0)]") } }
        return []
    }

    @Test func everyReportIsSnakeCase() throws {
        let (model, _) = try QuantizeCommandTests.writeF32Model(format: "q8_0")
        let quantized = model + ".q8_0.gguf"
        defer { for f in [model, quantized, Self.database] { try? FileManager.default.removeItem(atPath: f) } }
        let invocations = Self.invocations(model: model, quantized: quantized)
        #expect(Set(invocations.map(\.command)) == Set(QuantLabCommandLine.jsonCommandNames),
                "every command with --json is exercised")
        for (command, arguments) in invocations {
            let result = quantlab([command] + arguments + ["--json"])
            #expect(result.status == 0, "\(command): \(result.errors)")
            guard result.status == 0 else { continue }
            let report = try JSONSerialization.jsonObject(with: Data(result.output.utf8), options: [.fragmentsAllowed])
            let bad = Self.badKeys(report)
            #expect(bad.isEmpty, "\(command): \(bad)")
        }
    }
}
