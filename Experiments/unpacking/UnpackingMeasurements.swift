import Foundation
import QuantFormats

/// What the unpacking experiment measured: the 1-thread read bandwidth and every bench row, each tagged with the
/// residency its shape was sized for.
struct UnpackingMeasurements {
    struct Row: Codable, Equatable {
        let residency: Residency
        let row: BenchReport.Row
        /// The weight matrix's bytes (M x row bytes).
        let weightBytes: Int
    }

    let settings: UnpackingSettings
    let readGBps: Double?
    let rows: [Row]
    let failures: [String]

    /// The variants timed for one format in one tier, with the N each is timed at: the row kernel at N = 1 and at
    /// the prefill N, the tiled kernel (where the tier has one) at the prefill N only.
    static func plan(_ format: GGMLType, tier: String, settings s: UnpackingSettings) -> [(variant: String, ns: [Int])] {
        var plan: [(String, [Int])] = []
        if let rows = VariantChoice.variant(format, instructionSet: tier, method: "rows") { plan.append((rows.id, [s.decodeN, s.prefillN])) }
        if let tiled = VariantChoice.variant(format, instructionSet: tier, method: "tiled") { plan.append((tiled.id, [s.prefillN])) }
        return plan
    }

    /// The scalar reference: at N = 1 everywhere, and at the prefill N only with weights in L2 (elsewhere it would
    /// take minutes).
    static func referenceNs(_ residency: Residency, settings s: UnpackingSettings) -> [Int] {
        residency == .l2 ? [s.decodeN, s.prefillN] : [s.decodeN]
    }

    static func run(_ lab: Lab, _ s: UnpackingSettings) throws -> UnpackingMeasurements {
        let readGBps = try BenchReport.limits(lab, threads: [1]).readGBps[1]
        var rows: [Row] = []
        var failures: [String] = []
        for residency in Residency.allCases {
            for format in s.formats {
                let m = s.m(format, residency)
                let weightBytes = m * (format.rowBytes(count: s.k) ?? 0)
                var variants = s.tiers.flatMap { plan(format, tier: $0, settings: s) }
                if let reference = VariantChoice.variant(format, instructionSet: "scalar", method: "reference") {
                    variants.insert((reference.id, referenceNs(residency, settings: s)), at: 0)
                }
                lab.progress("unpacking: \(format.name), weights in \(residency.rawValue) (\(m) x \(s.k), \(Cell.bytes(Double(weightBytes))))")
                for (variant, ns) in variants {
                    // One call per repetition count: DRAM prefill runs take seconds each, so they get one timed run.
                    for repetitions in Set(ns.map { s.repetitions(residency, n: $0) }).sorted() {
                        let outcome = try BenchReport.bench(lab, variant: variant, m: m, k: s.k,
                                                            ns: ns.filter { s.repetitions(residency, n: $0) == repetitions },
                                                            threads: [1], repetitions: repetitions, minSeconds: s.minSeconds)
                        rows += outcome.rows.map { Row(residency: residency, row: $0, weightBytes: weightBytes) }
                        failures += outcome.failures
                    }
                }
            }
        }
        return UnpackingMeasurements(settings: s, readGBps: readGBps, rows: rows, failures: failures)
    }
}
