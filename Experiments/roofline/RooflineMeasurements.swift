import Foundation
import QuantFormats

/// What the roofline experiment measured: the machine's limits and every bench row of the sweep.
struct RooflineMeasurements {
    let settings: RooflineSettings
    let limits: BenchReport.Limits
    let rows: [BenchReport.Row]
    /// Cases that failed verification against the f64 reference and so were not timed.
    let failures: [String]

    /// Measures the limits once, then times, per format, each method's widest-ISA variant over every N: the
    /// one-thread methods at 1 thread, the threaded ones at each larger thread count.
    static func run(_ lab: Lab, _ settings: RooflineSettings) throws -> RooflineMeasurements {
        let limits = try BenchReport.limits(lab, threads: settings.threadCounts)
        var outcome = BenchReport.Outcome()
        for format in settings.formats {
            for threads in settings.threadCounts {
                for method in RooflineSettings.methods(threads: threads) {
                    guard let variant = VariantChoice.widest(format, method: method) else { continue }
                    lab.progress("roofline: \(variant.id), \(threads) thread(s)")
                    outcome += try BenchReport.bench(lab, variant: variant.id, m: settings.m, k: settings.k, ns: settings.ns,
                                                  threads: [threads], repetitions: settings.repetitions,
                                                  minSeconds: settings.minSeconds)
                }
            }
        }
        return RooflineMeasurements(settings: settings, limits: limits, rows: outcome.rows, failures: outcome.failures)
    }

    /// The roof of each thread count, from the measured limits.
    var roofs: [Roof] {
        settings.threadCounts.compactMap { t in
            guard let bandwidth = limits.readGBps[t], let peak = limits.int8Gops[t] else { return nil }
            return Roof(threads: t, bandwidthGBps: bandwidth, peakGops: peak)
        }
    }
}
