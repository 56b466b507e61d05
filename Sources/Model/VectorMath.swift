import KernelCore

/// Float kernels of the fast path that are neither matrix products nor attention: norms and activations, as plain
/// loops the compiler vectorises.
enum VectorMath {
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
            gate[i] = g / (1 + AttentionMath.exp(-g)) * up[i]
        }
    }

    static func add(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }
}
