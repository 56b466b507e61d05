import Model

extension BottleneckExperiment {
    enum Phase: String, Codable, Sendable {
        /// tgN: one token at a time; every weight streamed per token.
        case decode
        /// ppN: one batch; each weight is used for every token of the batch.
        case prefill
    }

    /// One measured (model, format, threads, phase): its speed and how close it came to the machine's limit.
    struct Point: Codable, Equatable {
        /// The rung label ("42M") or the real model's name.
        let model: String
        let real: Bool
        /// The weight format; for the real model's shipped file, its formats as bench-model reports them.
        let format: String
        let footprint: Footprint
        let threads: Int
        let phase: Phase
        let tokensPerSecond: Double
        let relativeSpread: Double
        /// Decode: GB/s of weights and cache read. Prefill: Gop/s of useful arithmetic.
        let achieved: Double
        /// Decode: the measured read bandwidth; prefill: the measured int8 peak; both at this thread count.
        let limit: Double
        /// achieved / limit: the share of the machine's limit this test reached.
        let share: Double

        init(model: String, real: Bool, format: String, footprint: Footprint, threads: Int, phase: Phase,
             tokensPerSecond: Double, relativeSpread: Double, achieved: Double, limit: Double) {
            self.model = model
            self.real = real
            self.format = format
            self.footprint = footprint
            self.threads = threads
            self.phase = phase
            self.tokensPerSecond = tokensPerSecond
            self.relativeSpread = relativeSpread
            self.achieved = achieved
            self.limit = limit
            share = achieved / limit
        }

        /// The same measurement against another limit.
        func against(_ newLimit: Double) -> Point {
            Point(model: model, real: real, format: format, footprint: footprint, threads: threads, phase: phase,
                  tokensPerSecond: tokensPerSecond, relativeSpread: relativeSpread, achieved: achieved, limit: newLimit)
        }

        var secondsPerToken: Double { 1 / tokensPerSecond }
        var parameters: Double { Double(footprint.parameters) }
    }

    /// Where one test's time went, from `bench-model --profile` (one extra run).
    struct Profile: Codable, Equatable {
        let model: String
        let format: String
        let threads: Int
        let phase: Phase
        /// Seconds per operation group, for the whole run.
        let groups: [String: Double]

        var total: Double { groups.values.reduce(0, +) }
        func share(_ group: String) -> Double { (groups[group] ?? 0) / total }

        /// The groups of `ForwardOperation.Group`, in its order.
        static let groupNames = ForwardOperation.Group.allCases.map(\.rawValue)

        static func group(of operation: String) -> String { (ForwardOperation.named(operation)?.group ?? .other).rawValue }
    }
}
