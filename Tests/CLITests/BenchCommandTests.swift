import Foundation
import Testing
import QuantLabCLI

/// A database path that does not exist, so local tuning never leaks into these tests.
let noDatabase = FileManager.default.temporaryDirectory.appendingPathComponent("no-tuning-\(UUID()).json").path

@Suite struct BenchCommandTests {
    @Test func benchJSONFollowsTheContract() throws {
        let result = quantlab("bench", "--format", "q4_0,q8_0", "--shape", "64x256,3x64", "--n", "1,3", "--threads", "1,2",
                              "--variant", "all", "--repetitions", "2", "--min-seconds", "0", "--no-roofline", "--db", noDatabase, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        #expect(report["machine"] is [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count >= 8, "every variant, shape and N")
        for row in rows {
            for key in ["variant", "format", "m", "k", "n", "threads", "seconds", "gflops", "weight_gbps"] {
                #expect(row[key] != nil, "row lacks \(key)")
            }
            #expect((row["seconds"] as? Double ?? 0) > 0)
            #expect((row["verify_nmse"] as? Double ?? 1) < 1e-3)
        }
        #expect(result.errors.contains("case 1/"), "progress on standard error")
    }

    @Test func shapesThatDoNotFitAFormatAreSkippedWithANote() throws {
        let result = quantlab("bench", "--format", "q4_K", "--shape", "8x576", "--n", "1", "--threads", "1",
                              "--repetitions", "1", "--min-seconds", "0", "--no-roofline", "--db", noDatabase, "--json")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("K = 576 is not a multiple of q4_K's block of 256"))
        #expect((try json(result.output)["rows"] as? [Any])?.isEmpty == true)
    }

    @Test func badArgumentsAreRefused() {
        #expect(quantlab("bench", "--shape", "12").status == 2)
        #expect(quantlab("bench", "--n", "0").status == 2)
        #expect(quantlab("bench", "--threads", "a").status == 2)
        #expect(quantlab("bench", "--format", "q9_9").status == 1)
        #expect(quantlab("bench", "--format", "q8_1", "--no-roofline").status == 1)
        #expect(quantlab("bench", "--variant", "nope", "--no-roofline").status == 1)
    }
}
