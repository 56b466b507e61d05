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

    /// The fields of `quantlab roofline --json` used to say what a second thread could buy at most.
    struct RooflineReport: Decodable {
        struct Limits: Decodable {
            let readGBps: [String: Double]
            let int8Gops: [String: Double]
        }
        let limits: Limits

        /// 2-thread over 1-thread value of a limit, each the highest of the runs (a busy moment can only lower a
        /// probe); nan when either is missing.
        static func gain(_ reports: [RooflineReport], _ table: (Limits) -> [String: Double]) -> Double {
            func best(_ threads: String) -> Double { reports.compactMap { table($0.limits)[threads] }.max() ?? .nan }
            return best("2") / best("1")
        }
    }
}
