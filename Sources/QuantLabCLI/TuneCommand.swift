import Foundation
import KernelCatalog
import KernelCore
import Model
import QuantFormats
import Tuner

/// `quantlab tune`: the lab's main job on a new CPU. Verifies and times every candidate per shape bucket, keeps the
/// winners in a database keyed to this CPU and build, and reports what tuning buys.
enum TuneCommand: Command {
    static let name = "tune"
    static let summary = "autotune kernel choices for this CPU (or for one model) and store them in the tuning database"
    static let usage = """
        quantlab tune [--model FILE.gguf] [--threads 1,2] [--db PATH] [--fresh] [--default-rule widest|portable]
                      [--format q4_0,q8_0,q4_K] [--shape MxK,...] [--n 1,128] [--strategy halving|exhaustive]
                      [--option NAME=VALUE]... [--export PATH] [--import PATH] [--no-heldout] [--json]

        With --model, the workload is the model's own: every distinct (format, M x K) among its weight matrices at
        N 1 and at its prefill batch (--prompt-tokens), the output layer at N 1, at each thread count; after tuning,
        the model's ppN and tgN run with the new decisions against the defaults, interleaved (--verify-repetitions),
        and decisions that do not make the model faster beyond the noise are dropped (the defaults stay).
        Without --model: the decode and prefill matrices of the built-in model and of SmolLM2-135M.

        Candidates (variant x parameter values) are verified against the f64 reference, then timed as the model runs
        them: cycling through copies of the weights that together exceed the last-level cache (--hot-cache times one
        matrix over and over instead). Rounds are shuffled and interleaved; the default is timed twice per round,
        and the disagreement of the two is the noise: a candidate replaces the default only when it wins by more
        than twice the noise (and at least 3%; above 8% noise, four times it), else the default stays. Where other
        processes hold the cores a thread count needs (read from /proc/stat while it is timed), nothing is decided
        at that thread count: the verdict is "busy" and the default stays; tune again on an idle machine.
        A decision is saved as soon as it is made, under a lock and merged into the file on disk, so a killed run
        continues where it stopped and two runs on one database lose neither's decisions. Results under another
        CPU or build key are never used.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.option("--model", value: "FILE", "tune this model's own matrices and verify the decisions end to end on it (also builtin, builtin-qwen2)")
        s.option("--format", value: "LIST", "weight formats (default q4_0,q8_0,q4_K; not with --model)")
        s.option("--shape", value: "LIST", "MxK shapes (default: built-in model and SmolLM2-135M; not with --model)")
        s.option("--n", value: "LIST", "activation columns: decode 1, prefill (default 1,128; not with --model)")
        ThreadCounts.add(to: &s, what: "thread budgets")
        s.option("--db", value: "PATH", "tuning database (default $QUANTLAB_TUNING_DB or ~/.cache/quantlab/tuning.json)")
        s.option("--prompt-tokens", value: "N", "with --model: the prefill batch tuned and the ppN test verified (default 512)")
        s.option("--gen-tokens", value: "N", "with --model: the tgN test verified (default 128)")
        s.option("--verify-repetitions", value: "R", "with --model: interleaved runs per configuration in the verification (default 5)")
        s.flag("--no-verify", "with --model: keep the decisions without the end-to-end verification")
        s.option("--default-rule", value: "RULE", "what candidates must beat: widest (the dispatcher's default) or portable (the documented handicap: portable SIMD kernels)")
        s.flag("--hot-cache", "time one matrix with hot caches instead of cycling through copies larger than the last-level cache")
        s.flag("--fresh", "re-measure buckets that already have decisions")
        s.option("--strategy", value: "NAME", "search strategy: halving (default) or exhaustive")
        s.option("--option", value: "NAME=VALUE", "strategy option, e.g. eta=3, finalists=4, repetitions=7", repeatable: true)
        s.option("--max-candidates", value: "N", "candidates per bucket at most; larger spaces are sampled (default 48)")
        s.option("--export", value: "PATH", "after tuning, write the database to PATH")
        s.option("--import", value: "PATH", "merge another database (e.g. from another machine) before tuning")
        s.flag("--no-heldout", "skip the held-out regret measurement (always skipped with --model)")
        s.flag("--compare-fixed", "also time the best single fixed choice per format against the tuned choices")
        s.flag("--json", "print the decisions, verifications and regret as JSON")
        return s
    }

    /// Matrix shapes (M x K) of the built-in default model and of SmolLM2-135M: attention q/o, k/v, ffn gate/up,
    /// ffn down, output.
    static let defaultShapes = ["512x512", "256x512", "1536x512", "512x1536", "4096x512",
                                "576x576", "192x576", "1536x576", "576x1536", "49152x576"]
    /// Shapes never tuned, for the regret of answering them from the nearest bucket.
    static let heldOutShapes = [(1024, 1024, 1), (768, 3072, 1), (2048, 768, 16), (1024, 2048, 128)]

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let threads = try ThreadCounts.parse(arguments)
        let path = arguments.value("--db") ?? TuningDatabase.defaultPath
        guard path != "none" else { throw UsageError("tune needs a database to write; --db none only applies to the model commands") }
        let rule = try defaultRule(arguments.value("--default-rule"))
        let strategy = try makeStrategy(arguments)
        let model = try arguments.value("--model").map(ModelOptions.open)
        let promptTokens = try arguments.int("--prompt-tokens", default: 512, in: 1...1_000_000)
        let genTokens = try arguments.int("--gen-tokens", default: 128, in: 1...1_000_000)
        let workload = model.map { ModelWorkload(model: $0, promptBatch: promptTokens) }
        let problems = try workload.map { w in
            for option in ["--format", "--shape", "--n"] where arguments.value(option) != nil {
                throw UsageError("\(option) does not go with --model: the model's own matrices are tuned")
            }
            return w.problems(threads: threads)
        } ?? builtInProblems(arguments, threads: threads)

        if let other = arguments.value("--import") {
            guard FileManager.default.fileExists(atPath: other) else { throw InputError("--import: no file at \(other)") }
            let imported = try TuningDatabase.load(other)
            try TuningDatabase.update(path) { $0.merge(imported) }
            console.printError("tune: imported \(other) into \(path)")
        }
        var database = try TuningDatabase.load(path)
        let key = TuningKey.current
        console.printError("tune: database \(path)")
        console.printError("tune: key \(key)")
        if let workload { console.printError("tune: workload \(workload.id): \(workload.products.count) distinct products, \(problems.count) problems at \(threads.count) thread count(s)") }
        if rule != .widest { console.printError("tune: default rule \(rule.rawValue) (a handicap: candidates must beat the portable kernels)") }

        let context = threads.max()! <= ThreadPool.shared.capacity ? KernelContext.shared : KernelContext(pool: ThreadPool(capacity: threads.max()!))
        let runner = KernelRunner(registry: KernelCatalog.registry, context: context,
                                  coldBytes: arguments.has("--hot-cache") ? nil : KernelRunner.inContextBytes)
        let tuner = Tuner(registry: KernelCatalog.registry, runner: runner, strategy: strategy, key: key)
        tuner.maxCandidates = try arguments.int("--max-candidates", default: 48, in: 1...100_000)
        tuner.defaultRule = rule
        tuner.workload = workload?.id
        var lastReport = Date.distantPast
        tuner.progress = { p in
            guard Date().timeIntervalSince(lastReport) > 0.5 else { return }
            lastReport = Date()
            let eta = p.remaining.map { String(format: ", about %.0f s left", $0) } ?? ""
            console.printError(String(format: "tune: [%d/%d] %@: %@ (%.0f s elapsed%@)", p.problemIndex, p.problemCount,
                                      p.problem.description, p.stage, p.elapsed, eta))
        }
        var outcomes = try tuner.tune(problems, database: &database, fresh: arguments.has("--fresh")) { decision in
            try TuningDatabase.update(path) { $0.record(decision, key: key) }
            if decision.verdict == .busy, let others = decision.otherCores {
                console.printError("tune: \(decision.problem): \(MachineLoad.describe(otherCores: others)) while it was timed; "
                                   + "the default stays (the next tune measures it again)")
            }
        }
        let reused = outcomes.filter(\.reused).count
        if reused > 0 { console.printError("tune: \(reused) of \(outcomes.count) bucket(s) taken from the database without measuring") }

        var verifications: [EndToEndVerification] = []
        if let model, let workload, !arguments.has("--no-verify") {
            let verifier = TuningVerifier(model: model, workload: workload, key: key, defaultRule: rule,
                                          tests: [.prompt(promptTokens), .generation(genTokens)],
                                          repetitions: try arguments.int("--verify-repetitions", default: 5, in: 2...1000))
            (outcomes, verifications) = try verify(outcomes, with: verifier, threads: threads, database: path,
                                                   fresh: arguments.has("--fresh"), console: console)
        }

        var regret: [TuneReport.Regret] = []
        if workload == nil && !arguments.has("--no-heldout") {
            regret = try measureRegret(problems: problems, threads: threads, database: try TuningDatabase.load(path), key: key, runner: runner)
        }
        var fixed: FixedChoiceComparison?
        if arguments.has("--compare-fixed") {
            fixed = try FixedChoiceComparison.measure(outcomes.map(\.decision), runner: runner) { console.printError("tune: \($0)") }
        }
        if let export = arguments.value("--export") {
            try TuningDatabase.load(path).save(export)
            console.printError("tune: exported to \(export)")
        }
        if arguments.has("--json") {
            return try console.printJSON(TuneReport(database: path, key: key, workload: workload?.id, decisions: outcomes.map(\.decision),
                                                reused: reused, verifications: verifications, regret: regret, fixed: fixed))
        }
        printTables(outcomes.map(\.decision), console: console)
        if !verifications.isEmpty { printVerifications(verifications, console: console) }
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

    static func defaultRule(_ text: String?) throws -> DefaultKernelRule {
        guard let text else { return .widest }
        guard let rule = DefaultKernelRule(rawValue: text) else {
            throw UsageError("--default-rule expects \(DefaultKernelRule.allCases.map(\.rawValue).joined(separator: " or ")), got '\(text)'")
        }
        return rule
    }

    static func makeStrategy(_ arguments: ParsedArguments) throws -> any SearchStrategy {
        var options: [String: Int] = [:]
        for item in arguments.values("--option") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let v = Int(parts[1]) else { throw UsageError("--option expects NAME=INTEGER, got '\(item)'") }
            options[String(parts[0])] = v
        }
        do { return try SearchStrategies.make(arguments.value("--strategy") ?? "halving", options: options) } catch let e as TunerError {
            throw UsageError(e.description)
        }
    }

    /// The built-in shape set (or --format, --shape, --n), one problem per bucket: the first shape that lands in it.
    static func builtInProblems(_ arguments: ParsedArguments, threads: [Int]) throws -> [TuningProblem] {
        let formats = try (arguments.value("--format") ?? "q4_0,q8_0,q4_K").split(separator: ",").map { try parseType(String($0)) }
        let shapes = try ShapeArguments.list(arguments, defaults: defaultShapes)
        let ns = try parseIntList(arguments.value("--n") ?? "1,128", option: "--n")
        for f in formats where FormatTraits.of(f)?.isWeightFormat != true {
            throw InputError("\(f.name) is not a weight format; weight formats: \(FormatTraits.weightFormats.map(\.name).joined(separator: ", "))")
        }
        var problems: [TuningProblem] = []
        for format in formats {
            for (m, k) in shapes where k % format.blockSize == 0 {
                for n in ns { for t in threads { problems.append(TuningProblem(format: format.name, m: m, k: k, n: n, threads: t)) } }
            }
        }
        var seen = Set<ShapeBucket>()
        problems = problems.filter { seen.insert(ShapeBucket(format: $0.format, m: $0.m, k: $0.k, n: $0.n, threads: $0.threads)).inserted }
        guard !problems.isEmpty else { throw InputError("no shape fits the formats' block sizes; nothing to tune") }
        return problems
    }

    static func printTables(_ decisions: [TuningDecision], console: Console) {
        for format in Array(Set(decisions.map(\.bucket.format))).sorted() {
            let rows = decisions.filter { $0.bucket.format == format }.sorted { $0.bucket < $1.bucket }
            console.print("\n\(format):")
            console.print(formatTable(
                header: ["bucket", "shape", "runs", "verdict", "best vs default", "noise", "ms", "vs reference", "rejected"],
                rows: rows.map { d in
                    ["M~\(d.bucket.mClass) K~\(d.bucket.kClass) \(d.bucket.batch) t\(d.bucket.threads)",
                     "\(d.problem.m)x\(d.problem.k)x\(d.problem.n)", d.winner.description, d.verdict.rawValue,
                     String(format: "%+.1f%%", d.margin * 100), String(format: "%.1f%%", d.noise * 100) + (d.noisy ? " (drift)" : ""),
                     String(format: "%.3f", d.winnerSeconds * 1e3),
                     d.referenceSeconds.map { String(format: "%.1fx", $0 / d.winnerSeconds) } ?? "-",
                     "\(d.rejected.count)/\(d.candidatesConsidered) of \(d.searchSpaceSize)"]
                }))
        }
    }

    /// For shapes that were not tuned: the table's answer (nearest bucket) against the best of that bucket's
    /// finalists and default, all re-timed at the held-out shape.
    static func measureRegret(problems: [TuningProblem], threads: [Int], database: TuningDatabase, key: TuningKey,
                              runner: KernelRunner) throws -> [TuneReport.Regret] {
        var rows: [TuneReport.Regret] = []
        for format in Array(Set(problems.map(\.format))).sorted() {
            guard let type = GGMLType(name: format) else { continue }
            for (m, k, n) in heldOutShapes where k % type.blockSize == 0 {
                for t in threads {
                    guard let (decision, _) = database.lookup(format: format, m: m, k: k, n: n, threads: t, key: key) else { continue }
                    let problem = TuningProblem(format: format, m: m, k: k, n: n, threads: t)
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
                    rows.append(TuneReport.Regret(problem: problem, bucket: decision.bucket.description, choice: decision.winner.description,
                                          choiceSeconds: med(decision.winner), bestSeconds: med(best), best: best.description,
                                          regret: med(decision.winner) / med(best) - 1))
                }
            }
        }
        return rows
    }
}
