/// Float kernels of the fast path that are not matrix products: norms, activations, softmax.
///
/// Written as plain loops over one float at a time, which the compiler vectorises. Swift's SIMD types were 10x
/// slower here where an operation mixes a vector with a scalar (`v * 2`): those go through generic code.
enum VectorMath {
    /// e^x with relative error below 2e-7 for x in [-87.3, 88] (outside, the value at the nearer end): x = n ln2 + r with |r| ≤ ln2/2, e^r by
    /// its degree-6 Taylor polynomial, 2^n by building the exponent bits from n left in the low mantissa bits of
    /// x log2(e) + 1.5 * 2^23.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = min(max(x, -87.3), 88)
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }

    /// y = x / sqrt(mean(x²) + ε) * weight, the sum of squares in f64 as ggml's rms_norm does.
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        count: Int, epsilon: Float) {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let scale = Float(1 / (sum / Double(count) + Double(epsilon)).squareRoot())
        for i in 0..<count { y[i] = x[i] * scale * weight[i] }
    }

    /// gate = silu(gate) * up = gate / (1 + e^-gate) * up, elementwise.
    static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + exp(-g)) * up[i]
        }
    }

    static func add(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }
}
