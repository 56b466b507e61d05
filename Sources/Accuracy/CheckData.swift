import Foundation
import KernelCore
import QuantFormats

/// The kinds of seeded data a check case multiplies. They mirror the inputs of ggml's golden vectors
/// (`gauss`, `cos`, `outliers`, `zeros`, `ramp`, `tiny`), which this module cannot read from the test fixtures, plus
/// two kinds of its own: `bench` (the benchmark problem, `MatmulProblem`) and `int8x` (activations that the 8-bit
/// activation formats hold exactly, so the kernel's only error is float rounding and a small slip shows).
public enum DataKind: String, Sendable, Codable, CaseIterable {
    /// Standard normal weights and activations; the same draws, in the same order, as `quantlab matmul`.
    case gauss
    /// ggml test-quantize-fns' smooth input, 0.1 + 2 cos(i + offset), for the weights; Gaussian activations (cos
    /// activations against cos weights cancel so much that the scalar reference itself exceeds the q6_K tolerance
    /// 2.4 times: the NMSE would measure the data, not the kernel).
    case cos
    /// Gaussian weights where every 37th value is 40 times larger: one value dominates its block's scale.
    case outliers
    /// All-zero weights: every output must be exactly zero (NMSE is infinite otherwise).
    case zeros
    /// A linear ramp from -1 to 1 over each row: every quantization level in use.
    case ramp
    /// Gaussian weights scaled by 1e-6: scales near the bottom of f16's normal range.
    case tiny
    /// Gaussian weights; activations are integers in -127...127 with 127 in every block of 32, so q8_0, q8_1 and
    /// q8_K quantize them with scale 1 and no rounding.
    case int8x
    /// `MatmulProblem`: 64 distinct Gaussian rows repeated to M rows, built fast enough for 14336 x 4096.
    case bench
}

/// One check problem's operands.
public struct CaseData: @unchecked Sendable {
    public let weights: QuantizedMatrix
    /// K x N activations, column after column.
    public let x: [Float]
    /// The unquantized weights (M x K row-major), when the kind builds them (not for `bench`).
    public let original: [Float]?

    /// Builds the operands of `kind` for an M x K format `type` matrix and N columns, from `seed`.
    public static func make(_ kind: DataKind, type: GGMLType, m: Int, k: Int, n: Int, seed: UInt64) throws -> CaseData {
        guard m > 0, k > 0, n > 0 else { throw AccuracyError("shape \(m)x\(k)x\(n) must be positive") }
        guard k % type.blockSize == 0 else {
            throw AccuracyError("K = \(k) is not a multiple of \(type.name)'s block of \(type.blockSize)")
        }
        if kind == .bench {
            let problem = try MatmulProblem(type: type, m: m, k: k, n: n, seed: seed)
            return CaseData(weights: problem.weights, x: problem.x, original: nil)
        }
        var rng = SplitMix64(seed: seed)
        let w = weightValues(kind, m: m, k: k, rng: &rng)
        let x = activationValues(kind, k: k, n: n, rng: &rng)
        return CaseData(weights: try QuantizedMatrix.quantizing(w, rows: m, columns: k, as: type), x: x, original: w)
    }

    static func weightValues(_ kind: DataKind, m: Int, k: Int, rng: inout SplitMix64) -> [Float] {
        switch kind {
        case .gauss, .int8x, .bench: return rng.gaussians(m * k)
        case .cos: return (0..<m * k).map { Float(0.1 + 2 * Foundation.cos(Double($0) + 0.3)) }
        case .outliers: return (0..<m * k).map { i in rng.gaussian() * (i % 37 == 5 ? 40 : 1) }
        case .zeros: return [Float](repeating: 0, count: m * k)
        case .ramp: return (0..<m * k).map { i in k == 1 ? 0 : -1 + 2 * Float(i % k) / Float(k - 1) }
        case .tiny: return rng.gaussians(m * k).map { $0 * 1e-6 }
        }
    }

    static func activationValues(_ kind: DataKind, k: Int, n: Int, rng: inout SplitMix64) -> [Float] {
        switch kind {
        case .int8x:
            // Integers in -126...126, with the 127 of each block of 32 at a seeded place and sign.
            var x = (0..<k * n).map { _ in Float(Int(rng.next() % 253) - 126) }
            for block in stride(from: 0, to: k * n, by: 32) {
                let place = Int(rng.next() % UInt64(min(32, k * n - block)))
                x[block + place] = rng.next() & 1 == 0 ? 127 : -127
            }
            return x
        default: return rng.gaussians(k * n)
        }
    }
}
