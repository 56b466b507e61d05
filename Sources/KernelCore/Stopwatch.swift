import Dispatch

/// Monotonic wall-clock timing and the summary statistics every measurement in the lab reports.
public enum Stopwatch {
    public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Seconds taken by `body`.
    @inline(__always) public static func seconds(_ body: () -> Void) -> Double {
        let start = now()
        body()
        return Double(now() - start) / 1e9
    }
}

/// Median and spread of repeated timings.
public struct TimingSummary: Sendable, Codable, Equatable {
    public let median: Double
    public let min: Double
    public let max: Double
    /// Interquartile range relative to the median: the run's noise.
    public let relativeSpread: Double
    public let samples: [Double]

    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a summary needs at least one sample")
        let sorted = samples.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let low = Int(position), high = Swift.min(low + 1, sorted.count - 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
        median = quantile(0.5)
        min = sorted.first!
        max = sorted.last!
        relativeSpread = median > 0 ? (quantile(0.75) - quantile(0.25)) / median : 0
        self.samples = samples
    }
}
