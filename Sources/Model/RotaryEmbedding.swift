import Foundation

/// Rotary position embedding angles: pair i of a head turns by position * base^(-2i / ropeDim), as llama.cpp's
/// `ggml_rope` computes them.
public struct RotaryEmbedding: Sendable {
    public let ropeDim: Int
    public let style: Architecture.RopeStyle
    let inverseFrequencies: [Double]  // (ropeDim / 2)

    public init(config: ModelConfig) {
        ropeDim = config.ropeDim
        style = config.architecture.ropeStyle
        inverseFrequencies = (0..<config.ropeDim / 2).map { pow(config.ropeFreqBase, -2 * Double($0) / Double(config.ropeDim)) }
    }

    /// The two indices of rotation pair `i` within a head.
    @inline(__always)
    public func pair(_ i: Int) -> (Int, Int) {
        style == .adjacentPairs ? (2 * i, 2 * i + 1) : (i, i + ropeDim / 2)
    }

    /// (cos, sin) of every pair's angle at `position`.
    public func angles(position: Int) -> [(cos: Double, sin: Double)] {
        inverseFrequencies.map { f in let a = Double(position) * f; return (cos(a), sin(a)) }
    }

    /// Rotates one head in place (f64, for the reference path).
    public func rotate(_ head: UnsafeMutablePointer<Double>, _ angles: [(cos: Double, sin: Double)]) {
        for i in 0..<ropeDim / 2 {
            let (a, b) = pair(i)
            let x0 = head[a], x1 = head[b], (c, s) = angles[i]
            head[a] = x0 * c - x1 * s
            head[b] = x0 * s + x1 * c
        }
    }
}
