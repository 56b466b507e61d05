import KernelCore

/// Causal grouped-query attention of the fast path over the KV cache, in f32.
enum Attention {
    typealias V = SIMD16<Float>

    /// out (headDim) = softmax(q · K[0...last] / sqrt(headDim)) · V[0...last] for one query head.
    /// `scores` has room for `last + 1` rounded up to 16 floats. Neither vector-scalar operators (see VectorMath) nor
    /// `addingProduct` are used: without FMA in the baseline target the latter is a library call per lane.
    static func attend(query q: UnsafePointer<Float>, keyBlocks: UnsafePointer<Float>, valueRows: UnsafePointer<Float>,
                       last: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let block = KVCache.block
        let blocks = last / block + 1
        let scale = V(repeating: 1 / Float(headDim).squareRoot())
        // Scores, 16 keys at a time: one broadcast multiply-add per dimension.
        for b in 0..<blocks {
            let k = keyBlocks + b * headDim * block
            var acc = V()
            for d in 0..<headDim {
                acc += V(repeating: q[d]) * UnsafeRawPointer(k + d * block).loadUnaligned(as: V.self)
            }
            UnsafeMutableRawPointer(scores + b * block).storeBytes(of: acc * scale, as: V.self)
        }
        // Softmax over positions 0...last (later lanes of the last block are never read).
        var maximum = scores[0]
        for j in 1..<last + 1 { maximum = max(maximum, scores[j]) }
        for j in 0..<last + 1 { scores[j] = VectorMath.exp(scores[j] - maximum) }
        var total: Float = 0
        for j in 0..<last + 1 { total += scores[j] }
        let inverse = V(repeating: 1 / total)
        // Weighted sum of values, 16 dimensions at a time.
        for c in stride(from: 0, to: headDim, by: 16) {
            var acc = V()
            var row = valueRows + c
            for j in 0...last {
                acc += V(repeating: scores[j]) * UnsafeRawPointer(row).loadUnaligned(as: V.self)
                row += headDim
            }
            UnsafeMutableRawPointer(out + c).storeBytes(of: acc * inverse, as: V.self)
        }
    }
}
