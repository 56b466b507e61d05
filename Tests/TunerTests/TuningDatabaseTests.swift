import Foundation
import Testing
import KernelCore
import Tuner

@Suite struct TuningDatabaseTests {
    static func tempPath() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("tuning-\(UUID()).json").path }

    static func tuned(key: TuningKey = TunerDecisionTests.key, problems: [TuningProblem]) throws -> (TuningDatabase, ReplayRunner) {
        var db = TuningDatabase()
        let runner = ReplayRunner(TunerDecisionTests.times)
        _ = try TunerDecisionTests.tune(runner, registry: TunerDecisionTests.registry, problems: problems, database: &db, key: key)
        return (db, runner)
    }

    @Test func sameKeyIsReusedWithoutMeasuring() throws {
        var (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        let again = ReplayRunner(TunerDecisionTests.times)
        let outcomes = try TunerDecisionTests.tune(again, registry: TunerDecisionTests.registry, database: &db)
        #expect(outcomes.allSatisfy { $0.reused })
        #expect(again.begun.isEmpty && again.timedRuns == 0)
    }

    @Test func aChangedFingerprintForcesRetuning() throws {
        var (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        let otherKey = TuningKey(cpu: "another cpu", build: "replay build")
        #expect(db.lookup(format: "q4_0", m: 512, k: 512, n: 1, threads: 1, key: otherKey) == nil)
        let runner = ReplayRunner(TunerDecisionTests.times)
        let outcomes = try TunerDecisionTests.tune(runner, registry: TunerDecisionTests.registry, database: &db, key: otherKey)
        #expect(!outcomes[0].reused && runner.begun.count == 1)
        #expect(db.keys.count == 2)
    }

    /// A run killed after its first bucket: the next run measures only the missing one.
    @Test func resumeMeasuresOnlyWhatIsMissing() throws {
        let p1 = TunerDecisionTests.problem
        let p2 = TuningProblem(format: "q4_0", m: 4096, k: 4096, n: 128, threads: 1)
        var (db, _) = try Self.tuned(problems: [p1])
        let runner = ReplayRunner(TunerDecisionTests.times)
        let outcomes = try TunerDecisionTests.tune(runner, registry: TunerDecisionTests.registry, problems: [p1, p2], database: &db)
        #expect(outcomes.map(\.reused) == [true, false])
        #expect(runner.begun == [p2])
    }

    @Test func untunedShapesAreAnsweredFromTheNearestBucket() throws {
        let (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem, TuningProblem(format: "q4_0", m: 4096, k: 4096, n: 128, threads: 1)])
        let near = try #require(db.lookup(format: "q4_0", m: 600, k: 600, n: 1, threads: 1, key: TunerDecisionTests.key))
        #expect(near.exact && near.decision.problem.m == 512)
        let far = try #require(db.lookup(format: "q4_0", m: 8192, k: 4096, n: 512, threads: 1, key: TunerDecisionTests.key))
        #expect(!far.exact && far.decision.problem.m == 4096)
        #expect(db.lookup(format: "q8_0", m: 512, k: 512, n: 1, threads: 1, key: TunerDecisionTests.key) == nil)
    }

    @Test func saveLoadExportImportRoundTrip() throws {
        let (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        let path = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try db.save(path)
        let loaded = try TuningDatabase.load(path)
        #expect(loaded.entries.map(\.decisions) == db.entries.map(\.decisions))
        var merged = TuningDatabase()
        merged.merge(loaded)
        #expect(merged.decision(for: loaded.entries[0].decisions[0].bucket, key: TunerDecisionTests.key) != nil)
    }

    @Test func corruptFilesAreRefusedWhole() throws {
        let (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        let encoder = JSONEncoder()
        let good = String(decoding: try encoder.encode(db), as: UTF8.self)
        let version = "\"version\":\(TuningDatabase.currentVersion)"
        let cases: [(String, String)] = [
            ("not json", "not valid JSON"),
            (String(good.prefix(good.count / 2)), "not valid JSON"),
            (good.replacingOccurrences(of: version, with: "\"version\":99"), "version 99"),
            (good.replacingOccurrences(of: version, with: "\"version\":1"), "run quantlab tune again"),
            // A version 2 file: camelCase keys. Refused for its version, not called corrupt.
            (good.replacingOccurrences(of: version, with: "\"version\":2").replacingOccurrences(of: "winner_seconds", with: "winnerSeconds"),
             "has version 2; this build reads version \(TuningDatabase.currentVersion)"),
            (good.replacingOccurrences(of: "\"n_class\":1", with: "\"n_class\":7"), "N class 7"),
            (good.replacingOccurrences(of: "\"verdict\":\"faster\"", with: "\"verdict\":\"tie\""), "keeps the default"),
            (good.replacingOccurrences(of: "\"winner_seconds\":", with: "\"winner_seconds\":-"), "positive"),
            ("{\(version)}", "missing 'entries'"),
        ]
        for (text, expected) in cases {
            let path = Self.tempPath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try TuningDatabase.load(path)
                Issue.record("accepted a corrupt database: \(text.prefix(60))")
            } catch let error as TunerError {
                #expect(error.description.contains(path), "names the file: \(error)")
                #expect(error.description.contains(expected), "says what is wrong (\(expected)): \(error)")
            }
        }
    }

    /// A decode decision never answers a prefill (the default rule itself changes kernels between the classes).
    @Test func lookupsStayInTheirNClassAndThreadCount() throws {
        let (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        #expect(db.lookup(format: "q4_0", m: 512, k: 512, n: 1, threads: 1, key: TunerDecisionTests.key)?.exact == true)
        #expect(db.lookup(format: "q4_0", m: 512, k: 512, n: 2, threads: 1, key: TunerDecisionTests.key) == nil)
        #expect(db.lookup(format: "q4_0", m: 512, k: 512, n: 512, threads: 1, key: TunerDecisionTests.key) == nil)
        #expect(db.lookup(format: "q4_0", m: 512, k: 512, n: 1, threads: 2, key: TunerDecisionTests.key) == nil)
    }

    /// Two writers on one file, each recording its own decisions under the lock: neither loses any.
    @Test func concurrentUpdatesLoseNothing() throws {
        let path = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: path + ".lock") }
        let (db, _) = try Self.tuned(problems: [TunerDecisionTests.problem])
        let template = db.entries[0].decisions[0]
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for i in 0..<12 {
                var d = template
                d.problem.m = 1 << (writer * 12 + i)
                d.bucket = ShapeBucket(format: "q4_0", m: d.problem.m, k: 512, n: 1, threads: 1)
                do { try TuningDatabase.update(path) { $0.record(d, key: TunerDecisionTests.key) } } catch { failures.add("\(error)") }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try TuningDatabase.load(path).entries.flatMap(\.decisions).count == 24)
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
