import Foundation
import Testing
import QuantLabCLI
import Tuner

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

    static let tinyModel = ["--model", "builtin", "--threads", "1", "--max-candidates", "3", "--option", "repetitions=2",
                            "--option", "finalists=2", "--verify-repetitions", "2", "--prompt-tokens", "8", "--gen-tokens", "2"]

    /// tune --model: the model's own products, each decision marked with the model, verified end to end; the model
    /// commands then say the database covers the model and what the verification found.
    @Test func tunesAModelVerifiesItAndTheModelCommandsSaySo() throws {
        let db = Self.database()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let tuned = quantlab(["tune"] + Self.tinyModel + ["--db", db, "--json"])
        try #require(tuned.status == 0, "\(tuned.errors)")
        let report = try json(tuned.output)
        #expect(JSONKeyTests.badKeys(report).isEmpty, "verifications in snake_case too: \(JSONKeyTests.badKeys(report))")
        let workload = try #require(report["workload"] as? String)
        let decisions = try #require(report["decisions"] as? [[String: Any]])
        #expect(decisions.count == 9, "five shapes of the built-in model: four layer shapes at N 1 and 8, the output at N 1")
        #expect(decisions.allSatisfy { $0["workload"] as? String == workload })
        let verifications = try #require(report["verifications"] as? [[String: Any]])
        #expect(Set(verifications.compactMap { $0["test"] as? String }) == ["pp8", "tg2"])
        for v in verifications where (v["kept"] as? Bool) == false && (v["decisions_tested"] as? Int ?? 0) > 0 {
            let batch = v["batch"] as? Int
            let group = decisions.filter { ($0["bucket"] as? [String: Any])?["n_class"] as? Int == batch }
            #expect(group.allSatisfy { $0["verdict"] as? String != "faster" }, "a group that failed end to end keeps the defaults")
        }

        let bench = quantlab("bench-model", "builtin", "--db", "none,\(db)", "--threads", "1", "--prompt-tokens", "8",
                             "--gen-tokens", "2", "--repetitions", "2", "--json")
        try #require(bench.status == 0, "\(bench.errors)")
        #expect(bench.errors.contains("kernels: --db none: the kernels' defaults"))
        #expect(bench.errors.contains("tuning database \(db)") && bench.errors.contains("tuned for this model")
                && bench.errors.contains("verified on this model"), "\(bench.errors)")
        let rows = try #require(try json(bench.output)["rows"] as? [[String: Any]])
        #expect(rows.count == 4 && rows.filter { $0["db"] as? String == "none" }.allSatisfy { $0["ratio_to_first"] as? Double == 1 })

        let again = quantlab(["tune"] + Self.tinyModel + ["--db", db])
        #expect(again.status == 0 && again.errors.contains("9 of 9 bucket(s) taken from the database"), "\(again.errors)")
    }

    /// A database from another machine (its CPU key differs) is ignored with a message; a corrupt or old one is an
    /// error naming the file.
    @Test func foreignCorruptAndOldDatabasesAreIgnoredOrRefused() throws {
        let db = Self.database()
        defer { try? FileManager.default.removeItem(atPath: db) }
        #expect(quantlab(["tune"] + Self.tiny + ["--db", db]).status == 0)
        let text = try String(contentsOfFile: db, encoding: .utf8)
        let foreign = try #require(text.range(of: "\"cpu\" : \"")).upperBound
        try (String(text[..<foreign]) + "Another CPU " + String(text[foreign...])).write(toFile: db, atomically: true, encoding: .utf8)
        let other = quantlab("generate", "--db", db, "--prompt", "Hi", "-n", "1", "--threads", "1")
        #expect(other.status == 0 && other.errors.contains("has no results for this CPU and build"), "\(other.errors)")

        try text.replacingOccurrences(of: "\"version\" : \(TuningDatabase.currentVersion)", with: "\"version\" : 1").write(toFile: db, atomically: true, encoding: .utf8)
        let old = quantlab("bench-model", "--db", db, "--prompt-tokens", "4", "--gen-tokens", "0", "--repetitions", "1")
        #expect(old.status == 1 && old.errors.contains("version 1") && old.errors.contains(db), "\(old.errors)")

        try Data("{\"version\": \(TuningDatabase.currentVersion), \"entries\": [".utf8).write(to: URL(fileURLWithPath: db))
        let corrupt = quantlab("compare", "--db", db, "--positions", "4")
        #expect(corrupt.status == 1 && corrupt.errors.contains("corrupt"), "\(corrupt.errors)")
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(quantlab("tune", "--model", "builtin", "--shape", "64x256").status == 2)
        #expect(quantlab("tune", "--default-rule", "fastest").status == 2)
        #expect(quantlab("tune", "--db", "none").status == 2)
        #expect(quantlab("bench-model", "--db", "none,none", "--default-rule", "widest,portable,widest").status == 2)
        #expect(quantlab("tune", "--model", "/no/such/model.gguf").status == 1)
        #expect(quantlab("tune", "--strategy", "annealing").status == 2)
        #expect(quantlab("tune", "--option", "bogus=1").status == 2)
        #expect(quantlab("tune", "--option", "eta").status == 2)
        #expect(quantlab("tune", "--max-candidates", "0").status == 2)
    }
}
