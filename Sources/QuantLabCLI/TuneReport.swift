import Tuner

/// What `quantlab tune --json` prints, in one type: the command encodes it and the tuning experiment decodes it.
public struct TuneReport: Codable {
    /// A held-out shape (not tuned): the nearest bucket's choice against the best of that bucket's contenders,
    /// all re-timed at the shape.
    public struct Regret: Codable, Equatable, Sendable {
        public let problem: TuningProblem
        public let bucket: String
        public let choice: String
        public let choiceSeconds: Double
        public let bestSeconds: Double
        public let best: String
        /// choice time over best time, minus 1.
        public let regret: Double

        enum CodingKeys: String, CodingKey {
            case problem, bucket, choice, best, regret, choiceSeconds = "choice_seconds", bestSeconds = "best_seconds"
        }
    }

    public let database: String
    public let key: TuningKey
    /// The model tuned for (`tune --model`), nil for the built-in shape set.
    public let workload: String?
    public let decisions: [TuningDecision]
    /// Buckets answered from the database without measuring.
    public let reused: Int
    public let verifications: [EndToEndVerification]
    public let regret: [Regret]
    public let fixed: FixedChoiceComparison?
}
