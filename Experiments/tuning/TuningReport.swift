import Tuner

extension TuningExperiment {
    /// `quantlab tune --json`: the decisions (the Tuner's own Codable type), held-out regret and the fixed-choice
    /// comparison.
    struct TuneReport: Decodable {
        struct Regret: Codable, Equatable {
            let problem: TuningProblem
            let bucket: String
            let choice: String
            let choiceSeconds: Double
            let bestSeconds: Double
            let best: String
            let regret: Double
        }
        struct FixedRow: Codable, Equatable {
            let format: String
            let threads: Int
            let buckets: Int
            let bestFixed: String
            /// Geometric mean over buckets of fixed time / tuned time (above 1: tuning is faster).
            let tunedSpeedup: Double
            let worstCase: Double
        }
        struct Fixed: Decodable { let rows: [FixedRow] }

        let key: TuningKey
        let decisions: [TuningDecision]
        /// Buckets answered from the database without measuring.
        let reused: Int
        let regret: [Regret]
        let fixed: Fixed?
    }
}
