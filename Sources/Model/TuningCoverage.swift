import Tuner

/// How much of a model's work a tuning database answers at one thread count: per matrix product (each matrix at
/// each N it runs with), whether its bucket was tuned for this model, for other shapes (exact bucket), or is
/// answered from the nearest bucket; how many of those replace the default; and the model's verified gains.
public struct TuningCoverage: Sendable {
    public var products = 0
    public var tunedForModel = 0
    public var exactBucket = 0
    public var nearestBucket = 0
    public var replacingDefault = 0
    public var verifications: [EndToEndVerification] = []

    public init(database: TuningDatabase, workload: ModelWorkload, threads: Int, key: TuningKey = .current) {
        for p in workload.products {
            for n in p.batches {
                products += p.count
                guard let (decision, exact) = database.lookup(format: p.format, m: p.m, k: p.k, n: n, threads: threads, key: key) else { continue }
                if !exact { nearestBucket += p.count } else if decision.workload == workload.id { tunedForModel += p.count } else { exactBucket += p.count }
                if !decision.keepsDefault { replacingDefault += p.count }
            }
        }
        verifications = database.verifications(of: workload.id, key: key).filter { $0.threads == threads }
    }

    public var covered: Int { tunedForModel + exactBucket + nearestBucket }

    /// One line for a model command's report.
    public var summary: String {
        var parts = ["\(covered) of \(products) matrix products answered"]
        if covered > 0 {
            var how: [String] = []
            if tunedForModel > 0 { how.append("\(tunedForModel) tuned for this model") }
            if exactBucket > 0 { how.append("\(exactBucket) from other shapes' exact buckets") }
            if nearestBucket > 0 { how.append("\(nearestBucket) from the nearest bucket (tuned for other shapes)") }
            parts.append(how.joined(separator: ", "))
            parts.append("\(replacingDefault) replace the default")
        }
        if verifications.isEmpty {
            parts.append("not verified end to end on this model")
        } else {
            parts.append("verified on this model: " + verifications.map { v in
                v.decisionsTested == 0 ? "\(v.test) defaults (nothing won)"
                    : String(format: "%@ %.3fx (%@)", v.test, v.gain, v.kept ? "kept" : "dropped")
            }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
