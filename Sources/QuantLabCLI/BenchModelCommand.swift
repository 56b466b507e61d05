import Foundation
import KernelCore
import Model

/// `quantlab bench-model`: prompt processing and generation speed, measured as llama-bench measures them.
enum BenchModelCommand: Command {
    static let name = "bench-model"
    static let summary = "prompt-processing and generation tokens per second of a model, as llama-bench reports"
    static let usage = """
        quantlab bench-model [MODEL] [--prompt-tokens N] [--gen-tokens N] [--threads N[,N...]] [--repetitions R] [--profile] [--json]

        As llama-bench -p N -n N: ppN evaluates N random tokens in one batch from an empty cache; tgN decodes N tokens
        one at a time from an empty cache. Each test runs once to warm up, then R times (default 5); the report gives
        the median, mean and spread in tokens per second. --profile adds the time per operation of one decoded token
        and of one prompt batch.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s, threads: false)
        s.option("--threads", value: "N,...", "thread counts, comma-separated (default: every core, \(HostCPU.current.logicalCores))")
        s.option("--prompt-tokens", value: "N", "tokens of the pp test, 0 to skip (default 512)")
        s.option("--gen-tokens", value: "N", "tokens of the tg test, 0 to skip (default 128)")
        s.option("--repetitions", value: "R", "timed runs per test (default 5)")
        s.flag("--profile", "add a per-operation time profile of each test")
        s.flag("--json", "print {\"rows\": [{\"test\", \"threads\", \"tokens_per_second\", ...}]}")
        return s
    }

    struct Row: Encodable {
        let test: String, threads: Int, tokens_per_second: Double, mean_tokens_per_second: Double
        let relative_spread: Double, samples_seconds: [Double]
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
        let threadList = try threadCounts(arguments.value("--threads"))
        guard promptTokens + genTokens > 0 else { throw UsageError("nothing to measure: --prompt-tokens and --gen-tokens are both 0") }
        let model = try ModelOptions.open(ModelOptions.modelName(arguments))
        guard max(promptTokens, genTokens) <= model.config.contextLength else {
            throw UsageError("the model's context is \(model.config.contextLength) tokens; ask for fewer")
        }
        let json = arguments.has("--json"), profiling = arguments.has("--profile")
        var rng = SplitMix64(seed: 42)
        let randomTokens = (0..<max(promptTokens, genTokens)).map { _ in Int(rng.next() % UInt64(model.config.vocabularySize)) }
        var rows: [Row] = []
        for threads in threadList {
            let session = try ModelOptions.session(model, arguments, threads: threads, capacity: max(promptTokens, genTokens, 1))
            try session.prepareKernels(batches: [1, promptTokens].filter { $0 > 0 })
            if promptTokens > 0 {
                let tokens = Array(randomTokens.prefix(promptTokens))
                rows.append(try measure("pp\(promptTokens)", threads: threads, tokens: promptTokens, repetitions: repetitions,
                                        session: session, profiling: profiling, console: console, quiet: json) {
                    session.reset()
                    _ = try session.evaluate(tokens, outputs: [tokens.count - 1])
                })
            }
            if genTokens > 0 {
                rows.append(try measure("tg\(genTokens)", threads: threads, tokens: genTokens, repetitions: repetitions,
                                        session: session, profiling: profiling, console: console, quiet: json) {
                    session.reset()
                    for t in randomTokens.prefix(genTokens) { _ = try session.evaluate([t], outputs: [0]) }
                })
            }
        }
        let report = Report(model: model.source, formats: model.formatSummary, parameters: model.parameterCount,
                            weight_bytes: model.weights.weightBytes, cpu: HostCPU.current.model, rows: rows)
        if json { return try console.printJSON(report) }
        console.print("\(model.source): \(model.formatSummary); \(String(format: "%.1f", Double(model.parameterCount) / 1e6))M parameters, \(formatBytes(model.weights.weightBytes))")
        console.print(formatTable(header: ["test", "threads", "tokens/s (median)", "mean", "spread"], rows: rows.map {
            [$0.test, String($0.threads), String(format: "%.1f", $0.tokens_per_second), String(format: "%.1f", $0.mean_tokens_per_second),
             String(format: "±%.1f%%", 100 * $0.relative_spread)]
        }))
        for row in rows where row.profile != nil {
            console.print("\nprofile of \(row.test), \(row.threads) threads (one run):")
            console.print(formatTable(header: ["operation", "ms", "share", "calls"], rows: row.profile!.map {
                [$0.operation, String(format: "%.3f", $0.seconds * 1e3), String(format: "%.1f%%", 100 * $0.share), String($0.calls)]
            }))
        }
    }

    static func measure(_ test: String, threads: Int, tokens: Int, repetitions: Int, session: InferenceSession,
                        profiling: Bool, console: Console, quiet: Bool, _ body: () throws -> Void) throws -> Row {
        if !quiet { console.printError("\(test), \(threads) threads: warm-up and \(repetitions) runs ...") }
        try body()
        var samples: [Double] = []
        for _ in 0..<repetitions {
            let start = Stopwatch.now()
            try body()
            samples.append(Double(Stopwatch.now() - start) / 1e9)
        }
        var profile: [ProfileEntry]?
        if profiling {
            session.resetProfile()
            try body()
            let p = session.profile, total = p.total
            profile = p.seconds.sorted { $0.value > $1.value }.map {
                ProfileEntry(operation: $0.key, seconds: $0.value, share: $0.value / total, calls: p.calls[$0.key] ?? 0)
            }
        }
        let summary = TimingSummary(samples)
        let mean = samples.map { Double(tokens) / $0 }.reduce(0, +) / Double(samples.count)
        return Row(test: test, threads: threads, tokens_per_second: Double(tokens) / summary.median,
                   mean_tokens_per_second: mean, relative_spread: summary.relativeSpread, samples_seconds: samples,
                   profile: profile)
    }

    static func threadCounts(_ text: String?) throws -> [Int] {
        guard let text else { return [HostCPU.current.logicalCores] }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 1024 }) else {
            throw UsageError("--threads expects positive integers separated by commas, got '\(text)'")
        }
        return values.map { $0! }
    }
}
