import Foundation
import QuantLabCLI
import Tuner

extension TuningExperiment {
    /// One format, shape and N tuned at 1 and at 2 threads: the best time each budget found. The 2-thread budget
    /// also searches single-thread candidates, so its best is the better of "split the work" and "don't".
    struct ThreadPair: Codable, Equatable {
        let format: String
        let m: Int, k: Int, n: Int
        let oneThreadSeconds: Double
        let twoThreadSeconds: Double
        /// The 2-thread budget's winner and how many threads it actually uses.
        let twoThreadWinner: String
        let twoThreadWinnerThreads: Int

        /// What the second thread buys: best 1-thread time over best 2-thread time.
        var speedup: Double { oneThreadSeconds / twoThreadSeconds }
        var isDecode: Bool { n == 1 }
        var shape: String { "\(m)x\(k)x\(n)" }
    }

    /// One decision, flattened for the notebook and data file (no raw samples).
    struct DecisionRow: Codable, Equatable {
        let bucket: String
        let format: String
        /// The bucket's classes (powers of two; N: 1, 8, 64 or 512) and the shape it was tuned at.
        let mClass: Int, kClass: Int, nClass: Int
        let m: Int, k: Int, n: Int
        /// The thread budget.
        let threads: Int
        let winner: String
        /// Threads the winner actually uses (at most the budget).
        let winnerThreads: Int
        let winnerSeconds: Double
        /// Reference time over the winner's, when the scalar reference was timed.
        let vsReference: Double?
        /// The default choice's time over the winner's: what tuning bought over the untuned rule.
        let vsDefault: Double
        let vsRunnerUp: Double?
        let noise: Double
        let noisy: Bool
        let rejected: Int
        let considered: Int
        let searchSpace: Int
        let discardedRounds: Int
        /// Timed while other processes held the cores: it decided nothing, and the next run measures it again.
        let busy: Bool

        var shape: String { "\(m)x\(k)x\(n)" }
    }

    enum Analysis {
        /// Pairs each 1-thread decision with the 2-thread decision of the same format and bucket classes.
        static func threadPairs(_ decisions: [DecisionRow]) -> [ThreadPair] {
            decisions.filter { $0.threads == 1 }.compactMap { one in
                guard let two = decisions.first(where: {
                    $0.threads == 2 && $0.format == one.format && $0.mClass == one.mClass && $0.kClass == one.kClass
                        && $0.nClass == one.nClass
                }) else { return nil }
                return ThreadPair(format: one.format, m: one.m, k: one.k, n: one.n,
                                  oneThreadSeconds: one.winnerSeconds, twoThreadSeconds: two.winnerSeconds,
                                  twoThreadWinner: two.winner, twoThreadWinnerThreads: two.winnerThreads)
            }.sorted { ($0.format, $0.n, $0.m * $0.k) < ($1.format, $1.n, $1.m * $1.k) }
        }

        /// Geometric mean; nan for an empty list.
        static func geometricMean(_ values: [Double]) -> Double {
            values.isEmpty ? .nan : exp(values.map { log($0) }.reduce(0, +) / Double(values.count))
        }
    }

    /// What the notebook is made from, written to data/tuning.json.
    struct Results: Codable {
        let tuneArguments: [String]
        let key: String
        let firstRunSeconds: Double
        let secondRunSeconds: Double
        let buckets: Int
        /// Buckets the second run took from the database: every one the first run decided (busy ones are measured
        /// again by design).
        let reusedBySecondRun: Int
        let decisions: [DecisionRow]
        let rejections: [String]
        let threadPairs: [ThreadPair]
        let fixed: [FixedChoiceComparison.Row]
        let regret: [TuneReport.Regret]
        /// 2-thread over 1-thread read bandwidth and int8 peak (quantlab roofline): what a second thread could buy
        /// a bandwidth-bound and a compute-bound product at most.
        let bandwidthGain: Double
        let int8PeakGain: Double
        let inModel: InModel

        var decidedByFirstRun: Int { decisions.filter { !$0.busy }.count }
        func pairs(decode: Bool) -> [ThreadPair] { threadPairs.filter { $0.isDecode == decode } }
        var meanRegret: Double { regret.isEmpty ? .nan : regret.map(\.regret).reduce(0, +) / Double(regret.count) }
    }
}

extension TuningExperiment.DecisionRow {
    init(_ d: TuningDecision) {
        self.init(bucket: d.bucket.description, format: d.bucket.format, mClass: d.bucket.mClass, kClass: d.bucket.kClass,
                  nClass: d.bucket.nClass, m: d.problem.m, k: d.problem.k, n: d.problem.n, threads: d.bucket.threads,
                  winner: d.winner.description, winnerThreads: d.winner.threads, winnerSeconds: d.winnerSeconds,
                  vsReference: d.referenceSeconds.map { $0 / d.winnerSeconds }, vsDefault: d.defaultSeconds / d.winnerSeconds,
                  vsRunnerUp: d.runnerUpSeconds.map { $0 / d.winnerSeconds }, noise: d.noise, noisy: d.noisy,
                  rejected: d.rejected.count, considered: d.candidatesConsidered, searchSpace: d.searchSpaceSize,
                  discardedRounds: d.discardedRounds, busy: d.verdict == .busy)
    }
}
