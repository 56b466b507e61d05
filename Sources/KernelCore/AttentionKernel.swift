/// One query head's attention over a KV cache, compiled once per instruction-set target: the body below is
/// `@inlinable`, so each target that wraps it (Kernels/Portable, Kernels/AVX512) compiles it with its own flags, and
/// the model picks the widest this CPU supports, as it does for matrix kernels.
///
/// Cache layout: keys transposed in blocks of `keyBlock` positions, (block, headDim, keyBlock), so one query's
/// scores against 16 keys are headDim broadcast-multiply-adds with no horizontal sums; values (position, headDim).
public struct AttentionKernel: Sendable {
    public static let keyBlock = 16

    /// out (headDim) = softmax(q · K[0...last] / sqrt(headDim)) · V[0...last]. `scores` has room for `last + 1`
    /// rounded up to `keyBlock` floats; headDim is a multiple of 16.
    public typealias Attend = @Sendable (_ query: UnsafePointer<Float>, _ keyBlocks: UnsafePointer<Float>,
                                         _ valueRows: UnsafePointer<Float>, _ last: Int, _ headDim: Int,
                                         _ scores: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) -> Void

    public let id: String
    public let requiredFeatures: Set<CPUFeature>
    public let attend: Attend

    public init(id: String, requiredFeatures: Set<CPUFeature>, attend: @escaping Attend) {
        self.id = id
        self.requiredFeatures = requiredFeatures
        self.attend = attend
    }

    /// The first of `kernels` (widest first) whose features this CPU has.
    public static func best(of kernels: [AttentionKernel], on cpu: HostCPU = .current) -> AttentionKernel {
        kernels.first { $0.requiredFeatures.isSubset(of: cpu.features) } ?? kernels.last!
    }
}

/// The attention and activation math every target compiles. Plain loops and explicit broadcasts only: Swift's
/// SIMD operators that mix a vector with a scalar (`v * 2`) went through generic code and ran 10x slower, and
/// `addingProduct` is a library call per lane where the target lacks FMA.
public enum AttentionMath {
    public typealias V = SIMD16<Float>

    /// Both loops keep four independent accumulators: a single running sum waits out the multiply-add latency on
    /// every step (measured: attention took half of a 512-token prefill that way).
    @inlinable @inline(__always)
    public static func attend(query q: UnsafePointer<Float>, keyBlocks: UnsafePointer<Float>, valueRows: UnsafePointer<Float>,
                              last: Int, headDim: Int, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let block = AttentionKernel.keyBlock, blockFloats = headDim * block
        let blocks = last / block + 1
        let scale = V(repeating: 1 / Float(headDim).squareRoot())
        @inline(__always) func key(_ b: Int, _ d: Int) -> V {
            UnsafeRawPointer(keyBlocks + b * blockFloats + d * block).loadUnaligned(as: V.self)
        }
        @inline(__always) func store(_ b: Int, _ acc: V) {
            UnsafeMutableRawPointer(scores + b * block).storeBytes(of: acc * scale, as: V.self)
        }
        // Scores, 16 keys per block and four blocks at a time: one broadcast multiply-add per dimension and block.
        var b = 0
        while b + 4 <= blocks {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            for d in 0..<headDim {
                let qd = V(repeating: q[d])
                a0 += qd * key(b, d); a1 += qd * key(b + 1, d); a2 += qd * key(b + 2, d); a3 += qd * key(b + 3, d)
            }
            store(b, a0); store(b + 1, a1); store(b + 2, a2); store(b + 3, a3)
            b += 4
        }
        while b < blocks {
            var a0 = V(), a1 = V()
            var d = 0
            while d + 2 <= headDim {
                a0 += V(repeating: q[d]) * key(b, d); a1 += V(repeating: q[d + 1]) * key(b, d + 1)
                d += 2
            }
            store(b, a0 + a1)
            b += 1
        }
        // Softmax over positions 0...last (later lanes of the last block are never read).
        var maximum = scores[0]
        for j in 1..<last + 1 { maximum = max(maximum, scores[j]) }
        for j in 0..<last + 1 { scores[j] = exp(scores[j] - maximum) }
        var total: Float = 0
        for j in 0..<last + 1 { total += scores[j] }
        let inverse = V(repeating: 1 / total)
        // Weighted sum of values: 64 dimensions (four accumulators) per pass over the positions, then 16 at a time.
        @inline(__always) func value(_ j: Int, _ c: Int) -> V {
            UnsafeRawPointer(valueRows + j * headDim + c).loadUnaligned(as: V.self)
        }
        @inline(__always) func emit(_ c: Int, _ acc: V) {
            UnsafeMutableRawPointer(out + c).storeBytes(of: acc * inverse, as: V.self)
        }
        var c = 0
        while c + 64 <= headDim {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            for j in 0...last {
                let w = V(repeating: scores[j])
                a0 += w * value(j, c); a1 += w * value(j, c + 16); a2 += w * value(j, c + 32); a3 += w * value(j, c + 48)
            }
            emit(c, a0); emit(c + 16, a1); emit(c + 32, a2); emit(c + 48, a3)
            c += 64
        }
        while c < headDim {
            var a0 = V(), a1 = V()
            var j = 0
            while j + 2 <= last + 1 {
                a0 += V(repeating: scores[j]) * value(j, c); a1 += V(repeating: scores[j + 1]) * value(j + 1, c)
                j += 2
            }
            if j <= last { a0 += V(repeating: scores[j]) * value(j, c) }
            emit(c, a0 + a1)
            c += 16
        }
    }

    /// e^x with relative error below 2e-7 for x in [-87.3, 88] (outside, the value at the nearer end): x = n ln2 + r
    /// with |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial, 2^n built as exponent bits from n, which sits in the
    /// low mantissa bits of x log2(e) + 1.5 * 2^23.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
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
}
