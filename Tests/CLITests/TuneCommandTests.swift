import Foundation
import Testing
import QuantLabCLI

/// The tune command end to end on a tiny shape set (timings are measured but never asserted).
@Suite(.serialized) struct TuneCommandTests {
    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tune-\(UUID()).json").path
    }

    static let tiny = ["--format", "q4_0", "--shape", "64x256", "--n", "1,3", "--threads", "1", "--no-heldout",
                       "--max-candidates", "6", "--option", "repetitions=2", "--option", "finalists=2"]

    @Test func tunesStoresReusesAndFeedsBench() throws {
        let db = Self.database()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let first = quantlab(["tune"] + Self.tiny + ["--db", db, "--json"])
        try #require(first.status == 0, "\(first.errors)")
        let report = try json(first.output)
        let decisions = try #require(report["decisions"] as? [[String: Any]])
        #expect(decisions.count == 2, "one decision per N class")
        #expect(decisions.allSatisfy { ($0["samples"] as? [Any])?.isEmpty == false }, "raw samples kept")
        #expect(first.errors.contains("tune: database \(db)"), "the database path is printed")
        #expect(FileManager.default.fileExists(atPath: db))

        let second = quantlab(["tune"] + Self.tiny + ["--db", db])
        #expect(second.status == 0)
        #expect(second.errors.contains("2 of 2 bucket(s) taken from the database without measuring"))

        let bench = quantlab("bench", "--format", "q4_0", "--shape", "64x256", "--n", "1", "--threads", "1", "--variant", "tuned",
                             "--db", db, "--repetitions", "1", "--min-seconds", "0", "--no-roofline", "--json")
        try #require(bench.status == 0, "\(bench.errors)")
        let rows = try #require(try json(bench.output)["rows"] as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["kind"] as? String == "tuned")
    }

    @Test func corruptDatabaseIsRefused() throws {
        let db = Self.database()
        defer { try? FileManager.default.removeItem(atPath: db) }
        try Data("{\"version\": 1, \"entries\": [{\"oops\"".utf8).write(to: URL(fileURLWithPath: db))
        let result = quantlab(["tune"] + Self.tiny + ["--db", db])
        #expect(result.status == 1)
        #expect(result.errors.contains("corrupt") && result.errors.contains(db), "\(result.errors)")
        let bench = quantlab("bench", "--db", db, "--no-roofline", "--shape", "64x256", "--n", "1")
        #expect(bench.status == 1)
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(quantlab("tune", "--strategy", "annealing").status == 2)
        #expect(quantlab("tune", "--option", "bogus=1").status == 2)
        #expect(quantlab("tune", "--option", "eta").status == 2)
        #expect(quantlab("tune", "--max-candidates", "0").status == 2)
    }
}
