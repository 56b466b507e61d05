import KernelCore

/// llama-bench's two tests, run on several kernel configurations (databases, default rules) side by side: every
/// repetition runs each configuration once, in alternating order, so a slow moment hits them alike and a ratio
/// between configurations is measured, not inferred from two runs at different times.
public struct ModelBenchmark {
    public enum Test: Sendable, Hashable, CustomStringConvertible {
        /// ppN: N random tokens in one batch from an empty cache.
        case prompt(Int)
        /// tgN: N tokens decoded one at a time from an empty cache.
        case generation(Int)

        public var description: String {
            switch self {
            case .prompt(let n): "pp\(n)"
            case .generation(let n): "tg\(n)"
            }
        }
        public var tokens: Int {
            switch self {
            case .prompt(let n), .generation(let n): n
            }
        }
        /// The N class of the products the test's time is made of (the output layer aside).
        public var batch: BatchClass {
            switch self {
            case .prompt(let n): BatchClass(n: n)
            case .generation: .decode
            }
        }
    }

    public let sessions: [InferenceSession]
    let tokens: [Int]

    /// One session per configuration, each prepared (weights repacked) for the tests' batch sizes.
    public init(sessions: [InferenceSession], tests: [Test], seed: UInt64 = 42) throws {
        precondition(!sessions.isEmpty, "nothing to measure")
        let model = sessions[0].model
        var rng = SplitMix64(seed: seed)
        tokens = (0..<max(1, tests.map(\.tokens).max() ?? 1)).map { _ in Int(rng.next() % UInt64(model.config.vocabularySize)) }
        self.sessions = sessions
        let batches = Set(tests.map { if case .prompt(let n) = $0 { min(n, sessions[0].batchSize) } else { 1 } } + [1])
        for s in sessions { try s.prepareKernels(batches: Array(batches)) }
    }

    /// One run of `test` on `session`.
    public func run(_ test: Test, on session: InferenceSession) throws {
        session.reset()
        switch test {
        case .prompt(let n):
            _ = try session.evaluate(Array(tokens.prefix(n)), outputs: [n - 1])
        case .generation(let n):
            for t in tokens.prefix(n) { _ = try session.evaluate([t], outputs: [0]) }
        }
    }

    /// Seconds per run, `[configuration][repetition]`, after one warm-up run of each configuration.
    public func measure(_ test: Test, repetitions: Int, progress: (Int) -> Void = { _ in }) throws -> [[Double]] {
        for s in sessions { try run(test, on: s) }
        var samples = [[Double]](repeating: [], count: sessions.count)
        for r in 0..<repetitions {
            let order = r % 2 == 0 ? Array(sessions.indices) : sessions.indices.reversed()
            for i in order {
                let start = Stopwatch.now()
                try run(test, on: sessions[i])
                samples[i].append(Double(Stopwatch.now() - start) / 1e9)
            }
            progress(r + 1)
        }
        return samples
    }
}
