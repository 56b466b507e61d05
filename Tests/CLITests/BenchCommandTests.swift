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

    /// A shape that does not fit one format is skipped with a note and the others run; when nothing fits, it is an
    /// error (an empty report would look like a success).
    @Test func shapesThatDoNotFitAFormatAreSkippedWithANote() throws {
        let mixed = quantlab("bench", "--format", "q4_K,q4_0", "--shape", "8x576", "--n", "1", "--threads", "1",
                             "--repetitions", "1", "--min-seconds", "0", "--no-roofline", "--db", noDatabase, "--json")
        #expect(mixed.status == 0, "\(mixed.errors)")
        #expect(mixed.errors.contains("K = 576 is not a multiple of q4_K's block of 256"))
        let rows = try #require(try json(mixed.output)["rows"] as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["format"] as? String == "q4_0" })
        let none = quantlab("bench", "--format", "q4_K", "--shape", "8x576", "--n", "1", "--threads", "1",
                            "--repetitions", "1", "--min-seconds", "0", "--no-roofline", "--db", noDatabase, "--json")
        #expect(none.status == 1)
        #expect(none.errors.contains("K = 576 is not a multiple of q4_K's block of 256"))
        #expect(none.errors.contains("no case could run"))
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
