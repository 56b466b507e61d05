import KernelCore

/// Causal grouped-query attention of the fast path over the KV cache, in f32.
enum Attention {
    typealias V = SIMD16<Float>

    /// out (headDim) = softmax(q · K[0...last] / sqrt(headDim)) · V[0...last] for one query head.
    /// `scores` has room for `last + 1` rounded up to 16 floats.
    static func attend(query q: UnsafePointer<Float>, keyBlocks: UnsafePointer<Float>, valueRows: UnsafePointer<Float>,
                       last: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let block = KVCache.block
        let blocks = last / block + 1
        let scale = 1 / Float(headDim).squareRoot()
        // Scores, 16 keys at a time.
        var best = V(repeating: -.infinity)
        for b in 0..<blocks {
            let k = keyBlocks + b * headDim * block
            var acc = V()
            for d in 0..<headDim { acc.addProduct(V(repeating: q[d]), UnsafeRawPointer(k + d * block).loadUnaligned(as: V.self)) }
            acc *= scale
            if b == blocks - 1 {
                let valid = last % block + 1
                for lane in valid..<block { acc[lane] = -.infinity }
            }
            UnsafeMutableRawPointer(scores + b * block).storeBytes(of: acc, as: V.self)
            best = best.replacing(with: acc, where: acc .> best)
        }
        let maximum = best.max()
        // Softmax weights (masked lanes give e^-inf = 0 after the clamp in exp, then are never read).
        var total = V()
        for b in 0..<blocks {
            let s = UnsafeRawPointer(scores + b * block).loadUnaligned(as: V.self)
            var e = VectorMath.exp(s - maximum)
            if b == blocks - 1 { for lane in (last % block + 1)..<block { e[lane] = 0 } }
            UnsafeMutableRawPointer(scores + b * block).storeBytes(of: e, as: V.self)
            total += e
        }
        let inverse = 1 / total.sum()
        // Weighted sum of values, 16 dimensions at a time.
        for c in stride(from: 0, to: headDim, by: 16) {
            var acc = V()
            var row = valueRows + c
            for j in 0...last {
                acc.addProduct(V(repeating: scores[j]), UnsafeRawPointer(row).loadUnaligned(as: V.self))
                row += headDim
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: acc * inverse, as: V.self)
        }
    }
}

extension SIMD16<Float> {
    @inline(__always) mutating func addProduct(_ a: Self, _ b: Self) { self = self.addingProduct(a, b) }
}
