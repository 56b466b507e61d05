import Foundation
import Testing
import TestSupport

/// `quantlab check`: the JSON contract, the baseline round trip, bad baselines, and the whole check as CI runs it.
struct CheckCommandTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("quantlab-check-\(getpid())-\(name)").path
    }

    @Test func jsonContract() throws {
        let result = quantlab("check", "--format", "q4_0", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.count > 50)
        for key in ["variant", "format", "shape", "nmse", "max_abs", "tolerance", "passed"] {
            #expect(cases.allSatisfy { $0[key] != nil }, "every case has \(key)")
        }
        #expect(cases.allSatisfy { $0["format"] as? String == "q4_0" && $0["passed"] as? Bool == true })
        #expect(report["failures"] as? Int == 0)
    }

    @Test func baselineRoundTrip() throws {
        let kernels = Self.temporaryPath("baseline.json")
        defer { try? FileManager.default.removeItem(atPath: kernels) }
        let first = quantlab("check", "--format", "q8_0", "--skip-models", "--baseline", kernels, "--json")
        #expect(first.status == 0)
        #expect(try json(first.output)["new"] as? Int ?? 0 > 0, "an empty baseline makes every case new")
        #expect(quantlab("check", "--format", "q8_0", "--skip-models", "--baseline", kernels, "--update-baseline").status == 0)
        let again = try json(quantlab("check", "--format", "q8_0", "--skip-models", "--baseline", kernels, "--json").output)
        #expect(again["new"] as? Int == 0 && again["failures"] as? Int == 0)
    }

    @Test func corruptBaselineIsAClearError() throws {
        let path = Self.temporaryPath("corrupt.json")
        try Data("{\"entries\": [1, 2".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = quantlab("check", "--format", "q4_0", "--baseline", path)
        #expect(result.status == 1)
        #expect(result.errors.contains(path))
    }

    /// The whole check, kernels and models (SmolLM2 too when fetched), against the committed baselines: what CI runs.
    @Test func committedBaselinesPass() throws {
        let result = quantlab("check", "--json")
        let report = try json(result.output)
        let models = try #require(report["models"] as? [[String: Any]])
        #expect(models.count >= 2)
        for m in models where m["passed"] as? Bool != true { Issue.record("model check failed: \(m["message"] ?? m)") }
        #expect(result.status == 0, "\(result.errors.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(10))")
    }
}
