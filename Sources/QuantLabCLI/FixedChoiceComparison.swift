import Foundation
import KernelCore
import Tuner

/// What tuning buys: the tuned choice per bucket against the best single fixed choice (one variant and parameter
/// set used for every shape of a format and thread budget), all re-timed in one run.
public struct FixedChoiceComparison: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public let format: String, threads: Int, buckets: Int
        /// The fixed candidate with the smallest geometric-mean slowdown against the tuned choices.
        public let bestFixed: String
        /// Geometric mean over buckets of fixed time / tuned time (above 1: tuning is faster).
        public let tunedSpeedup: Double
        /// The worst bucket for the best fixed choice: its slowdown there.
        public let worstCase: Double

        public init(format: String, threads: Int, buckets: Int, bestFixed: String, tunedSpeedup: Double, worstCase: Double) {
            self.format = format
            self.threads = threads
            self.buckets = buckets
            self.bestFixed = bestFixed
            self.tunedSpeedup = tunedSpeedup
            self.worstCase = worstCase
        }

        enum CodingKeys: String, CodingKey {
            case format, threads, buckets, bestFixed = "best_fixed", tunedSpeedup = "tuned_speedup", worstCase = "worst_case"
        }
    }
    public let rows: [Row]

    static func measure(_ decisions: [TuningDecision], runner: KernelRunner, repetitions: Int = 5,
                        progress: (String) -> Void) throws -> FixedChoiceComparison {
        var rows: [Row] = []
        let groups = Dictionary(grouping: decisions) { "\($0.bucket.format)|\($0.bucket.threads)" }
        for key in groups.keys.sorted() {
            let group = groups[key]!.sorted { $0.bucket < $1.bucket }
            // Contenders: every bucket's winner and default.
            var contenders: [Candidate] = []
            for d in group { for c in [d.winner, d.defaultCandidate] where !contenders.contains(c) { contenders.append(c) } }
            var slowdowns: [Candidate: [Double]] = [:]
            for d in group {
                progress("comparing \(contenders.count) fixed choices at \(d.problem)")
                try runner.begin(d.problem)
                defer { runner.end() }
                var times: [Candidate: [Double]] = [:]
                let valid = contenders.filter { runner.verify($0) == nil }
                for _ in 0..<repetitions { for c in valid.shuffled() { times[c, default: []].append(runner.time(c)) } }
                func med(_ c: Candidate) -> Double { times[c].map { $0.sorted()[$0.count / 2] } ?? .infinity }
                for c in contenders { slowdowns[c, default: []].append(med(c) / med(d.winner)) }
            }
            func geomean(_ xs: [Double]) -> Double { exp(xs.map { log($0) }.reduce(0, +) / Double(xs.count)) }
            let best = contenders.min { geomean(slowdowns[$0]!) < geomean(slowdowns[$1]!) }!
            rows.append(Row(format: group[0].bucket.format, threads: group[0].bucket.threads, buckets: group.count,
                            bestFixed: best.description, tunedSpeedup: geomean(slowdowns[best]!),
                            worstCase: slowdowns[best]!.max()!))
        }
        return FixedChoiceComparison(rows: rows)
    }
}
