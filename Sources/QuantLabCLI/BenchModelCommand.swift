import Foundation
import KernelCore
import Model
import Tuner

/// `quantlab bench-model`: prompt processing and generation speed, measured as llama-bench measures them, on one or
/// several kernel configurations side by side.
enum BenchModelCommand: Command {
    static let name = "bench-model"
    static let summary = "prompt-processing and generation tokens per second of a model, as llama-bench reports"
    static let usage = """
        quantlab bench-model [MODEL] [--prompt-tokens N] [--gen-tokens N] [--threads N[,N...]] [--repetitions R]
                             [--db PATH|none[,...]] [--default-rule RULE[,...]] [--profile] [--json]

        As llama-bench -p N -n N: ppN evaluates N random tokens in one batch from an empty cache; tgN decodes N tokens
        one at a time from an empty cache. Each test runs once to warm up, then R times (default 5); the report gives
        the median, mean and spread in tokens per second. --profile adds the time per operation of one decoded token
        and of one prompt batch.

        With several databases (--db none,PATH), every repetition runs each configuration once, alternating their
        order, and each row gives its speed relative to the first configuration (the median over repetitions of
        the paired time ratio): a side-by-side comparison measured in one run.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s, threads: false, databases: true)
        ThreadCounts.add(to: &s)
        s.option("--prompt-tokens", value: "N", "tokens of the pp test, 0 to skip (default 512)")
        s.option("--gen-tokens", value: "N", "tokens of the tg test, 0 to skip (default 128)")
        s.option("--repetitions", value: "R", "timed runs per test and configuration (default 5)")
        s.flag("--profile", "add a per-operation time profile of each test")
        s.flag("--json", "print {\"rows\": [{\"test\", \"threads\", \"db\", \"tokens_per_second\", \"ratio_to_first\", ...}]}")
        return s
    }

    struct Row: Encodable {
        let test: String, threads: Int, db: String, default_rule: String, tokens_per_second: Double, mean_tokens_per_second: Double
        let relative_spread: Double, samples_seconds: [Double]
        /// Median over repetitions of (first configuration's time / this one's): above 1, faster than the first.
        let ratio_to_first: Double
        let profile: [ProfileEntry]?
    }
    struct ProfileEntry: Encodable { let operation: String, seconds: Double, share: Double, calls: Int }
    struct Report: Encodable {
        let model: String, formats: String, parameters: Int, weight_bytes: Int, cpu: String
        let rows: [Row]
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let promptTokens = try arguments.int("--prompt-tokens", default: 512, in: 0...1_000_000)
        let genTokens = try arguments.int("--gen-tokens", default: 128, in: 0...1_000_000)
        let repetitions = try arguments.int("--repetitions", default: 5, in: 1...1000)
        let threadList = try ThreadCounts.parse(arguments)
        guard promptTokens + genTokens > 0 else { throw UsageError("nothing to measure: --prompt-tokens and --gen-tokens are both 0") }
        let configurations = try kernelConfigurations(arguments)
        let model = try ModelOptions.open(ModelOptions.modelName(arguments))
        guard max(promptTokens, genTokens) <= model.config.contextLength else {
            throw UsageError("the model's context is \(model.config.contextLength) tokens; ask for fewer")
        }
        let json = arguments.has("--json"), profiling = arguments.has("--profile")
        let tests: [ModelBenchmark.Test] = (promptTokens > 0 ? [.prompt(promptTokens)] : []) + (genTokens > 0 ? [.generation(genTokens)] : [])
        var rows: [Row] = []
        for threads in threadList {
            let sessions = try configurations.map { kernels in
                console.printError(kernels.describe(model, threads: threads, promptBatch: max(promptTokens, 1)))
                return try InferenceSession(model: model, dispatch: MatmulDispatch(threads: threads, database: kernels.database, defaultRule: kernels.rule),
                                            capacity: max(promptTokens, genTokens, 1))
            }
            let bench = try ModelBenchmark(sessions: sessions, tests: tests)
            for test in tests {
                if !json { console.printError("\(test), \(threads) threads: warm-up and \(repetitions) runs of \(sessions.count) configuration(s) ...") }
                let samples = try bench.measure(test, repetitions: repetitions)
                for (i, kernels) in configurations.enumerated() {
                    var profile: [ProfileEntry]?
                    if profiling {
                        sessions[i].resetProfile()
                        try bench.run(test, on: sessions[i])
                        let p = sessions[i].profile, total = p.total
                        profile = p.seconds.sorted { $0.value > $1.value }.map {
                            ProfileEntry(operation: $0.key, seconds: $0.value, share: $0.value / total, calls: p.calls[$0.key] ?? 0)
                        }
                    }
                    let summary = TimingSummary(samples[i])
                    let mean = samples[i].map { Double(test.tokens) / $0 }.reduce(0, +) / Double(samples[i].count)
                    let ratio = TimingSummary(zip(samples[0], samples[i]).map { $0 / $1 }).median
                    rows.append(Row(test: test.description, threads: threads, db: kernels.name, default_rule: kernels.rule.rawValue,
                                    tokens_per_second: Double(test.tokens) / summary.median, mean_tokens_per_second: mean,
                                    relative_spread: summary.relativeSpread, samples_seconds: samples[i], ratio_to_first: ratio, profile: profile))
                }
            }
        }
        let report = Report(model: model.source, formats: model.formatSummary, parameters: model.parameterCount,
                            weight_bytes: model.weights.weightBytes, cpu: HostCPU.current.model, rows: rows)
        if json { return try console.printJSON(report) }
        console.print("\(model.source): \(model.formatSummary); \(String(format: "%.1f", Double(model.parameterCount) / 1e6))M parameters, \(formatBytes(model.weights.weightBytes))")
        let several = configurations.count > 1
        console.print(formatTable(header: ["test", "threads"] + (several ? ["db", "rule"] : []) + ["tokens/s (median)", "mean", "spread"] + (several ? ["vs first"] : []), rows: rows.map {
            [$0.test, String($0.threads)] + (several ? [$0.db, $0.default_rule] : [])
                + [String(format: "%.1f", $0.tokens_per_second), String(format: "%.1f", $0.mean_tokens_per_second),
                   String(format: "±%.1f%%", 100 * $0.relative_spread)] + (several ? [String(format: "%.3fx", $0.ratio_to_first)] : [])
        }))
        for row in rows where row.profile != nil {
            console.print("\nprofile of \(row.test), \(row.threads) threads\(several ? ", db \(row.db)" : "") (one run):")
            console.print(formatTable(header: ["operation", "ms", "share", "calls"], rows: row.profile!.map {
                [$0.operation, String(format: "%.3f", $0.seconds * 1e3), String(format: "%.1f%%", 100 * $0.share), String($0.calls)]
            }))
        }
    }

    /// `--db A,B` with `--default-rule R` (one for all) or `R1,R2` (one per database).
    static func kernelConfigurations(_ arguments: ParsedArguments) throws -> [ModelOptions.Kernels] {
        let names = (arguments.value("--db") ?? TuningDatabase.defaultPath).split(separator: ",").map(String.init)
        let rules = try (arguments.value("--default-rule") ?? "widest").split(separator: ",").map { try TuneCommand.defaultRule(String($0)) }
        guard !names.isEmpty, !rules.isEmpty else { throw UsageError("--db and --default-rule need at least one value") }
        guard rules.count == 1 || rules.count == names.count else {
            throw UsageError("--default-rule has \(rules.count) values for \(names.count) databases; give one, or one per database")
        }
        return try names.enumerated().map { i, name in try ModelOptions.Kernels(name, rule: rules.count == 1 ? rules[0] : rules[i]) }
    }
}
