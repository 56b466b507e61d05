import Foundation

/// The fastest kernel of one ISA tier for one format, residency and N.
struct UnpackingCase: Codable, Equatable {
    let tier: String
    let format: String
    let residency: Residency
    let n: Int
    let variant: String, method: String
    let m: Int, k: Int, weightBytes: Int
    let seconds: Double
    /// M·K·N / seconds / 1e9: weights unpacked and multiplied per nanosecond, comparable across bit widths.
    let weightsPerNanosecond: Double
    let weightGBps: Double
    let gflops: Double
}

/// One format's speed over another's (weights per nanosecond) in one tier, residency and N.
struct FormatRatio: Codable, Equatable {
    let tier: String
    let residency: Residency
    let n: Int
    let numerator: String, denominator: String
    let ratio: Double

    /// Within this band of 1 the two count as a tie: below the repeat-to-repeat spread of a shared machine.
    static let tieBand = 0.05

    /// The faster format's name, or nil for a tie.
    var winner: String? {
        if ratio > 1 + Self.tieBand { return numerator }
        if ratio < 1 - Self.tieBand { return denominator }
        return nil
    }
}

/// The measurements reduced to the fastest kernel per tier, and the q4_0 comparisons the notebook reports.
struct UnpackingAnalysis {
    let cases: [UnpackingCase]

    init(_ measurements: UnpackingMeasurements) { cases = Self.bestCases(measurements.rows) }

    init(cases: [UnpackingCase]) { self.cases = cases }

    /// Per tier (the variant id's instruction set: scalar, portable, avx2, avx512), format, residency and N, the
    /// row with the shortest median time.
    static func bestCases(_ rows: [UnpackingMeasurements.Row]) -> [UnpackingCase] {
        var best: [String: UnpackingMeasurements.Row] = [:]
        for r in rows {
            let key = "\(r.row.instructionSet)/\(r.row.format)/\(r.residency.rawValue)/\(r.row.n)"
            if best[key].map({ r.row.seconds < $0.row.seconds }) ?? true { best[key] = r }
        }
        return best.values.map { r in
            UnpackingCase(tier: r.row.instructionSet, format: r.row.format, residency: r.residency, n: r.row.n,
                          variant: r.row.variant, method: r.row.method, m: r.row.m, k: r.row.k, weightBytes: r.weightBytes,
                          seconds: r.row.seconds, weightsPerNanosecond: r.row.weightsPerNanosecond,
                          weightGBps: r.row.weight_gbps, gflops: r.row.gflops)
        }
        .sorted { ($0.tier, $0.format, $0.residency.rawValue, $0.n) < ($1.tier, $1.format, $1.residency.rawValue, $1.n) }
    }

    func lookup(_ tier: String, _ format: String, _ residency: Residency, n: Int) -> UnpackingCase? {
        cases.first { $0.tier == tier && $0.format == format && $0.residency == residency && $0.n == n }
    }

    /// `numerator`'s weights per nanosecond over `denominator`'s, when both were timed.
    func ratio(_ tier: String, _ residency: Residency, n: Int, _ numerator: String, over denominator: String) -> FormatRatio? {
        guard let a = lookup(tier, numerator, residency, n: n), let b = lookup(tier, denominator, residency, n: n) else { return nil }
        return FormatRatio(tier: tier, residency: residency, n: n, numerator: numerator, denominator: denominator,
                           ratio: a.weightsPerNanosecond / b.weightsPerNanosecond)
    }

    /// `numerator` over `denominator` in every tier, residency and N where both were timed.
    func ratios(_ numerator: String, over denominator: String, tiers: [String], ns: [Int]) -> [FormatRatio] {
        tiers.flatMap { tier in
            ns.flatMap { n in Residency.allCases.compactMap { ratio(tier, $0, n: n, numerator, over: denominator) } }
        }
    }
}
