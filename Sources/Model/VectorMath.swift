import Foundation

/// Float kernels of the fast path that are not matrix products: norms, activations, softmax. Sixteen lanes, the
/// width of an AVX-512 register; the compiler lowers them to whatever the target has.
enum VectorMath {
    typealias V = SIMD16<Float>

    /// e^x for x ≤ 0 (softmax after subtracting the maximum), relative error below 2e-7: x = n ln2 + r with
    /// |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial, 2^n by building the exponent bits.
    @inline(__always)
    static func exp(_ x: V) -> V {
        let x = x.replacing(with: -87.3, where: x .< -87.3)
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p = V(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let bits = (SIMD16<Int32>(n) &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: V.self)
    }

    /// y = x / sqrt(mean(x²) + ε) * weight, the sum of squares in f64 as ggml's rms_norm does.
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        count: Int, epsilon: Float) {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let scale = Float(1 / (sum / Double(count) + Double(epsilon)).squareRoot())
        for i in 0..<count { y[i] = x[i] * scale * weight[i] }
    }

    /// gate = silu(gate) * up, elementwise.
    static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: V.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: V.self)
            // silu(g) = g / (1 + e^-g); e^-g through exp of a non-positive argument for either sign of g.
            let e = exp(pointwiseMin(g, -g))
            let sigmoid = V(repeating: 1).replacing(with: e, where: g .< 0) / (1 + e)
            UnsafeMutableRawPointer(gate + i).storeBytes(of: g * sigmoid * u, as: V.self)
            i += 16
        }
        while i < count {
            let g = gate[i]
            gate[i] = g / (1 + Float.exp(-g)) * up[i]
            i += 1
        }
    }

    static func add(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }
}

extension Float {
    static func exp(_ x: Float) -> Float { Float(Foundation.exp(Double(x))) }
}
