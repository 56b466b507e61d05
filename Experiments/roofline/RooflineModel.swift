import Foundation
import QuantFormats

/// The roofline of one thread count: attainable GFLOP/s = min(int8 peak, read bandwidth x arithmetic intensity).
struct Roof: Codable, Equatable {
    let threads: Int
    /// Streaming read bandwidth, GB/s.
    let bandwidthGBps: Double
    /// int8 dot-product peak, Gop/s (multiply and add counted separately).
    let peakGops: Double

    /// The intensity (operations per byte) where the bandwidth slope meets the peak: below it a kernel that moves
    /// only the compulsory bytes is bandwidth-bound, above it compute-bound.
    var ridge: Double { peakGops / bandwidthGBps }

    /// The attainable GFLOP/s at `intensity` operations per byte.
    func attainable(_ intensity: Double) -> Double { min(peakGops, bandwidthGBps * intensity) }

    /// Which ceiling applies at `intensity`.
    func isBandwidthBound(_ intensity: Double) -> Bool { intensity < ridge }
}

/// Operations and compulsory memory traffic of y = W x with W M x K in a weight format and x K x N: every byte read
/// or written once. Counted: the weight bytes, the activations as f32 (K·N·4) and the outputs as f32 (M·N·4).
/// Kernels that re-read weights per group of columns move more than this, so their real intensity is lower.
struct MatmulTraffic: Equatable {
    let format: GGMLType
    let m: Int, k: Int

    var weightBytes: Double { Double(m) * Double(format.rowBytes(count: k) ?? 0) }

    func operations(n: Int) -> Double { 2 * Double(m) * Double(k) * Double(n) }

    func bytes(n: Int) -> Double { weightBytes + 4 * Double(k) * Double(n) + 4 * Double(m) * Double(n) }

    /// Arithmetic intensity: operations per byte of compulsory traffic.
    func intensity(n: Int) -> Double { operations(n: n) / bytes(n: n) }

    /// The (real-valued) N at which the intensity reaches `ridge`: solving 2MKN = ridge·(W + 4KN + 4MN) for N.
    /// Nil when it never does (the f32 activation and output traffic alone keep the intensity below the ridge).
    func crossing(ridge: Double) -> Double? {
        let denominator = 2 * Double(m) * Double(k) - 4 * ridge * (Double(k) + Double(m))
        guard denominator > 0 else { return nil }
        return ridge * weightBytes / denominator
    }
}

/// Where measured throughput stops growing with N: the kernel's own knee, to set against the model's crossing.
enum ThroughputKnee {
    /// Below this growth per doubling of N, throughput counts as flat: a bandwidth-bound kernel doubles its GFLOP/s
    /// when N doubles (same bytes, twice the work), a compute-bound one stays level.
    static let growthThreshold = 1.5

    /// The first swept N from which doubling N raised GFLOP/s by less than `growthThreshold`x; nil when every
    /// doubling kept growing. `points` are (N, GFLOP/s); only steps where N exactly doubles are judged.
    static func knee(_ points: [(n: Int, gflops: Double)]) -> Int? {
        let sorted = points.sorted { $0.n < $1.n }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.n == 2 * a.n && a.gflops > 0 {
            if b.gflops / a.gflops < growthThreshold { return a.n }
        }
        return nil
    }

    /// Whether throughput stopped growing at the end of the sweep: the last doubling of N raised GFLOP/s by less
    /// than `growthThreshold`x.
    static func isFlatAtEnd(_ points: [(n: Int, gflops: Double)]) -> Bool {
        let sorted = points.sorted { $0.n < $1.n }
        guard sorted.count >= 2 else { return false }
        let (a, b) = (sorted[sorted.count - 2], sorted[sorted.count - 1])
        return b.n == 2 * a.n && a.gflops > 0 && b.gflops / a.gflops < growthThreshold
    }
}
