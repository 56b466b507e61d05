/// q5_K: 256 weights in 176 bytes, 5-bit with a minimum: q4_K's scales and minimums with a fifth bit per weight;
/// weight = d * scale[s] * q - dmin * min[s] for sub-block s = index / 32.
///
///     offset  size  field
///     0       2     d       f16 super-block scale of the sub-block scales
///     2       2     dmin    f16 super-block scale of the sub-block minimums
///     4       12    scales  6-bit scale[s] and min[s], packed as q4_K's (`Q4_K.scaleAndMin`)
///     16      32    qh      byte l: bit 2c is bit 4 of q[64c + l], bit 2c + 1 is bit 4 of q[64c + 32 + l]
///     48      128   qs      low 4 bits, as q4_K's: byte 32c + l holds q[64c + l] low and q[64c + 32 + l] high
public enum Q5_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q5_K }
    @inlinable public static var scaleOffset: Int { Q4_K.scaleOffset }
    @inlinable public static var minimumOffset: Int { Q4_K.minimumOffset }
    @inlinable public static var scalesOffset: Int { Q4_K.scalesOffset }
    @inlinable public static var highBitsOffset: Int { 16 }
    @inlinable public static var quantsOffset: Int { 48 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("dmin", at: minimumOffset, bytes: 2),
        BlockField("scales", at: scalesOffset, bytes: 12), BlockField("qh", at: highBitsOffset, bytes: 32),
        BlockField("qs", at: quantsOffset, bytes: 128),
    ]

    /// `quantize_row_q5_K_ref`: `AffineSuperBlockFit` with 5-bit codes (a shorter search than q4_K's), then the
    /// low nibbles as q4_K packs them and the fifth bits into qh.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q5_K rows are whole blocks of 256")
        var fit = AffineSuperBlockFit()
        for block in 0..<count / blockSize {
            let out = y + block * bytesPerBlock
            fit.fit(x + block * blockSize, into: out, maxLevel: 31, rmin: -0.5, steps: 15)
            for l in 0..<32 { out.storeBytes(of: UInt8(0), toByteOffset: highBitsOffset + l, as: UInt8.self) }
            for chunk in 0..<4 {
                for l in 0..<32 {
                    let low = fit.codes[64 * chunk + l], high = fit.codes[64 * chunk + 32 + l]
                    let bits = ((low >> 4) << (2 * chunk)) | ((high >> 4) << (2 * chunk + 1))
                    out.storeBytes(of: out.load(fromByteOffset: highBitsOffset + l, as: UInt8.self) | bits,
                                   toByteOffset: highBitsOffset + l, as: UInt8.self)
                    out.storeBytes(of: (low & 0x0f) | ((high & 0x0f) << 4), toByteOffset: quantsOffset + 32 * chunk + l, as: UInt8.self)
                }
            }
        }
    }

    /// The 5-bit code of value `k` of the block at `b`.
    @inline(__always) static func code(_ b: UnsafeRawPointer, _ k: Int) -> Int32 {
        let chunk = k / 64, l = k % 32, high = (k % 64) >= 32
        let byte = b.uint8(at: quantsOffset + 32 * chunk + l)
        let bit = (b.uint8(at: highBitsOffset + l) >> UInt8(2 * chunk + (high ? 1 : 0))) & 1
        return Int32(high ? byte >> 4 : byte & 0x0f) | Int32(bit) << 4
    }

    /// `dequantize_row_q5_K`: (d * scale) * q - (dmin * min).
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset), dmin = b.half(at: minimumOffset)
            for s in 0..<8 {
                let (scale, minimum) = Q4_K.scaleAndMin(s, b + scalesOffset)
                let subScale = d * Float(scale), subMin = dmin * Float(minimum)
                for l in 0..<32 { out[32 * s + l] = subScale * Float(code(b, 32 * s + l)) - subMin }
            }
        }
    }

    /// `ggml_vec_dot_q5_K_q8_K` (generic): the q4_K dot with 5-bit codes; the minimums enter through q8_K's sums.
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            var total: Int32 = 0, minTerm: Int32 = 0
            for s in 0..<8 {
                let (scale, minimum) = Q4_K.scaleAndMin(s, x + scalesOffset)
                var subTotal: Int32 = 0
                for l in 0..<32 { subTotal &+= code(x, 32 * s + l) &* y.int8(at: Q8_K.quantsOffset + 32 * s + l) }
                total &+= Int32(scale) &* subTotal
                minTerm &+= Int32(minimum) &* (y.int16(at: Q8_K.sumsOffset + 4 * s) &+ y.int16(at: Q8_K.sumsOffset + 4 * s + 2))
            }
            let d8 = y.float32(at: Q8_K.scaleOffset)
            sum += x.half(at: scaleOffset) * d8 * Float(total) - x.half(at: minimumOffset) * d8 * Float(minTerm)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q5_K = FormatTraits(
        type: .q5_K, quantize: Q5_K.quantize, dequantize: Q5_K.dequantize,
        activationType: .q8_K, dot: Q5_K.dot,
        tolerance: Tolerance(roundTripNMSE: 2e-3, matmulNMSE: 1e-4))
}
