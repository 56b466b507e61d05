import Foundation
import KernelCatalog
import KernelCore
import QuantFormats
import Tuner

/// `quantlab tune`: the lab's main job on a new CPU. Verifies and times every candidate per shape bucket, keeps the
/// winners in a database keyed to this CPU and build, and reports what tuning buys.
enum TuneCommand: Command {
    static let name = "tune"
    static let summary = "autotune kernel choices for this CPU and store them in the tuning database"
    static let usage = """
        quantlab tune [--format q4_0,q8_0,q4_K] [--shape MxK,...] [--n 1,128] [--threads 1,2] [--db PATH]
                      [--resume] [--fresh] [--strategy halving|exhaustive] [--option NAME=VALUE]...
                      [--export PATH] [--import PATH] [--no-heldout] [--json]

        Default shapes: the decode and prefill matrices of the built-in default model and of SmolLM2-135M.
        Each candidate (variant x parameter values) is verified against the f64 reference before it is timed;
        timings are interleaved in shuffled rounds with a baseline re-timed around each round, and rounds where
        the baseline drifts are discarded and redone. A decision is recorded as soon as its bucket is done, so a
        killed run continues where it stopped; decisions under the same CPU and build key are reused (--fresh
        re-measures). Results under another key are never used.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.option("--format", value: "LIST", "weight formats (default q4_0,q8_0,q4_K)")
        s.option("--shape", value: "LIST", "MxK shapes (default: built-in model and SmolLM2-135M)")
        s.option("--n", value: "LIST", "activation columns: decode 1, prefill (default 1,128)")
        s.option("--threads", value: "LIST", "thread budgets (default 1 and 2, at most the cores)")
        s.option("--db", value: "PATH", "tuning database (default $QUANTLAB_TUNING_DB or ~/.cache/quantlab/tuning.json)")
        s.flag("--resume", "continue an interrupted run (decisions already made are kept; this is also the default)")
        s.flag("--fresh", "re-measure buckets that already have decisions")
        s.option("--strategy", value: "NAME", "search strategy: halving (default) or exhaustive")
        s.option("--option", value: "NAME=VALUE", "strategy option, e.g. eta=3, finalists=4, repetitions=7", repeatable: true)
        s.option("--max-candidates", value: "N", "candidates per bucket at most; larger spaces are sampled (default 48)")
        s.option("--export", value: "PATH", "after tuning, write the database to PATH")
        s.option("--import", value: "PATH", "merge another database (e.g. from another machine) before tuning")
        s.flag("--no-heldout", "skip the held-out regret measurement")
        s.flag("--compare-fixed", "also time the best single fixed choice per format against the tuned choices")
        s.flag("--json", "print the decisions and regret as JSON")
        return s
    }

    /// Matrix shapes (M x K) of the built-in default model and of SmolLM2-135M: attention q/o, k/v, ffn gate/up,
    /// ffn down, output.
    static let defaultShapes = ["512x512", "256x512", "1536x512", "512x1536", "4096x512",
                                "576x576", "192x576", "1536x576", "576x1536", "49152x576"]
    /// Shapes never tuned, for the regret of answering them from the nearest bucket.
    static let heldOutShapes = [(1024, 1024, 1), (768, 3072, 1), (2048, 768, 16), (1024, 2048, 128)]

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let cores = HostCPU.current.logicalCores
        let formats = try (arguments.value("--format") ?? "q4_0,q8_0,q4_K").split(separator: ",").map { try parseType(String($0)) }
        let shapes = try (arguments.value("--shape").map { $0.split(separator: ",").map(String.init) } ?? defaultShapes).map(BenchCommand.parseShape)
        let ns = try parseIntList(arguments.value("--n") ?? "1,128", option: "--n")
        let threads = try arguments.value("--threads").map { try parseIntList($0, option: "--threads") } ?? Array(Set([1, min(2, cores)])).sorted()
        let path = arguments.value("--db") ?? TuningDatabase.defaultPath
        var options: [String: Int] = [:]
        for item in arguments.values("--option") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let v = Int(parts[1]) else { throw UsageError("--option expects NAME=INTEGER, got '\(item)'") }
            options[String(parts[0])] = v
        }
        let strategy: any SearchStrategy
        do { strategy = try SearchStrategies.make(arguments.value("--strategy") ?? "halving", options: options) } catch let e as TunerError {
            throw UsageError(e.description)
        }
        for f in formats where FormatTraits.of(f)?.isWeightFormat != true {
            throw InputError("\(f.name) is not a weight format; weight formats: \(FormatTraits.weightFormats.map(\.name).joined(separator: ", "))")
        }

        var database = try TuningDatabase.load(path)
        if let other = arguments.value("--import") {
            guard FileManager.default.fileExists(atPath: other) else { throw InputError("--import: no file at \(other)") }
            database.merge(try TuningDatabase.load(other))
            try database.save(path)
            console.printError("tune: imported \(other) into \(path)")
        }
        console.printError("tune: database \(path)")
        let key = TuningKey.current
        console.printError("tune: key \(key)")

        var problems: [TuningProblem] = []
        for format in formats {
            for (m, k) in shapes {
                guard k % format.blockSize == 0 else { continue }
                for n in ns { for t in threads { problems.append(TuningProblem(format: format.name, m: m, k: k, n: n, threads: t)) } }
            }
        }
        // One problem per bucket: the first shape that lands in it.
        var seen = Set<ShapeBucket>()
        problems = problems.filter { seen.insert(ShapeBucket(format: $0.format, m: $0.m, k: $0.k, n: $0.n, threads: $0.threads)).inserted }
        guard !problems.isEmpty else { throw InputError("no shape fits the formats' block sizes; nothing to tune") }

        let context = KernelContext(pool: ThreadPool(capacity: max(threads.max()!, cores)))
        let runner = KernelRunner(registry: KernelCatalog.registry, context: context)
        let tuner = Tuner(registry: KernelCatalog.registry, runner: runner, strategy: strategy, key: key)
        tuner.maxCandidates = try arguments.int("--max-candidates", default: 48, in: 1...100_000)
        var lastReport = Date.distantPast
        tuner.progress = { p in
            guard Date().timeIntervalSince(lastReport) > 0.5 else { return }
            lastReport = Date()
            let eta = p.remaining.map { String(format: ", about %.0f s left", $0) } ?? ""
            console.printError(String(format: "tune: [%d/%d] %@: %@ (%.0f s elapsed%@)", p.problemIndex, p.problemCount,
                                      p.problem.description, p.stage, p.elapsed, eta))
        }
        let outcomes = try tuner.tune(problems, database: &database, fresh: arguments.has("--fresh")) { try $0.save(path) }
        let reused = outcomes.filter(\.reused).count
        if reused > 0 { console.printError("tune: \(reused) of \(outcomes.count) bucket(s) taken from the database without measuring") }

        var regret: [RegretRow] = []
        if !arguments.has("--no-heldout") {
            regret = try measureRegret(formats: formats, threads: threads, database: database, key: key, runner: runner)
        }
        var fixed: FixedChoiceComparison?
        if arguments.has("--compare-fixed") {
            fixed = try FixedChoiceComparison.measure(outcomes.map(\.decision), runner: runner) { console.printError("tune: \($0)") }
        }
        if let export = arguments.value("--export") {
            try database.save(export)
            console.printError("tune: exported to \(export)")
        }
        if arguments.has("--json") {
            struct Report: Encodable {
                let database: String, key: TuningKey, decisions: [TuningDecision], reused: Int, regret: [RegretRow]
                let fixed: FixedChoiceComparison?
            }
            return try console.printJSON(Report(database: path, key: key, decisions: outcomes.map(\.decision), reused: reused,
                                                regret: regret, fixed: fixed))
        }
        printTables(outcomes.map(\.decision), console: console)
        if !regret.isEmpty {
            console.print("\nheld-out shapes (answered from the nearest tuned bucket):")
            console.print(formatTable(header: ["shape", "nearest bucket", "choice", "choice ms", "best ms", "regret"], rows: regret.map {
                [$0.problem.description, $0.bucket, $0.choice, String(format: "%.3f", $0.choiceSeconds * 1e3),
                 String(format: "%.3f", $0.bestSeconds * 1e3), String(format: "%.1f%%", $0.regret * 100)]
            }))
        }
        if let fixed {
            console.print("\nwhat tuning buys over the best single fixed choice (geometric mean over buckets):")
            console.print(formatTable(header: ["format", "threads", "buckets", "best fixed choice", "tuned speedup", "worst bucket"], rows: fixed.rows.map {
                [$0.format, String($0.threads), String($0.buckets), $0.bestFixed, String(format: "%.2fx", $0.tunedSpeedup),
                 String(format: "%.2fx", $0.worstCase)]
            }))
        }
        console.print("\ndatabase: \(path)")
    }

    static func printTables(_ decisions: [TuningDecision], console: Console) {
        for format in Array(Set(decisions.map(\.bucket.format))).sorted() {
            let rows = decisions.filter { $0.bucket.format == format }.sorted { $0.bucket < $1.bucket }
            console.print("\n\(format):")
            console.print(formatTable(
                header: ["bucket", "shape", "winner", "ms", "vs reference", "vs default", "vs runner-up", "noise", "rejected"],
                rows: rows.map { d in
                    ["M~\(d.bucket.mClass) K~\(d.bucket.kClass) N~\(d.bucket.nClass) t\(d.bucket.threads)",
                     "\(d.problem.m)x\(d.problem.k)x\(d.problem.n)", d.winner.description,
                     String(format: "%.3f", d.winnerSeconds * 1e3),
                     d.referenceSeconds.map { String(format: "%.1fx", $0 / d.winnerSeconds) } ?? "-",
                     String(format: "%.2fx", d.defaultSeconds / d.winnerSeconds),
                     d.runnerUpSeconds.map { String(format: "%.2fx", $0 / d.winnerSeconds) } ?? "-",
                     String(format: "%.1f%%", d.noise * 100) + (d.noisy ? " (drift)" : ""),
                     "\(d.rejected.count)/\(d.candidatesConsidered) of \(d.searchSpaceSize)"]
                }))
        }
    }

    struct RegretRow: Encodable {
        let problem: TuningProblem, bucket: String, choice: String
        let choiceSeconds: Double, bestSeconds: Double, best: String, regret: Double
    }

    /// For shapes that were not tuned: the table's answer (nearest bucket) against the best of that bucket's
    /// finalists and default, all re-timed at the held-out shape.
    static func measureRegret(formats: [GGMLType], threads: [Int], database: TuningDatabase, key: TuningKey,
                              runner: KernelRunner) throws -> [RegretRow] {
        var rows: [RegretRow] = []
        for format in formats {
            for (m, k, n) in heldOutShapes where k % format.blockSize == 0 {
                for t in threads {
                    guard let (decision, _) = database.lookup(format: format.name, m: m, k: k, n: n, threads: t, key: key) else { continue }
                    let problem = TuningProblem(format: format.name, m: m, k: k, n: n, threads: t)
                    try runner.begin(problem)
                    defer { runner.end() }
                    var contenders = [decision.winner, decision.defaultCandidate]
                    for c in decision.samples.map(\.candidate) where !contenders.contains(c) { contenders.append(c) }
                    contenders = contenders.filter { runner.verify($0) == nil }
                    guard contenders.contains(decision.winner) else { continue }
                    var times: [Candidate: [Double]] = [:]
                    for _ in 0..<5 { for c in contenders { times[c, default: []].append(runner.time(c)) } }
                    func med(_ c: Candidate) -> Double { times[c]!.sorted()[2] }
                    let best = contenders.min { med($0) < med($1) }!
                    rows.append(RegretRow(problem: problem, bucket: decision.bucket.description, choice: decision.winner.description,
                                          choiceSeconds: med(decision.winner), bestSeconds: med(best), best: best.description,
                                          regret: med(decision.winner) / med(best) - 1))
                }
            }
        }
        return rows
    }
}
