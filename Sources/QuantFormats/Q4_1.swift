/// q4_1: 32 weights in 20 bytes, 4-bit with a minimum.
///
///     offset  size  field
///     0       2     d      f16 scale
///     2       2     m      f16 minimum; weight = d * q + m
///     4       16    qs     byte j: low nibble = q[j], high nibble = q[j + 16]
public enum Q4_1: BlockLayout {
    @inlinable public static var type: GGMLType { .q4_1 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var minimumOffset: Int { 2 }
    @inlinable public static var quantsOffset: Int { 4 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("m", at: minimumOffset, bytes: 2),
        BlockField("qs", at: quantsOffset, bytes: 16),
    ]

    /// `quantize_row_q4_1_ref`: d = (max - min) / 15, q = trunc((x - min) / d + 0.5).
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q4_1 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (lo, hi) = minimumAndMaximum(x, base, blockSize)
            let d = (hi - lo) / 15
            let id: Float = d != 0 ? 1 / d : 0
            out.storeHalf(d, at: scaleOffset)
            out.storeHalf(lo, at: minimumOffset)
            for j in 0..<16 {
                let q0 = min(15, Scalars.truncatedInt((x[base + j] - lo) * id + 0.5))
                let q1 = min(15, Scalars.truncatedInt((x[base + j + 16] - lo) * id + 0.5))
                out.storeBytes(of: UInt8(truncatingIfNeeded: q0 | (q1 << 4)), toByteOffset: quantsOffset + j, as: UInt8.self)
            }
        }
    }

    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset), m = b.half(at: minimumOffset)
            for j in 0..<16 {
                let q = b.uint8(at: quantsOffset + j)
                out[j] = Float(q & 0x0f) * d + m
                out[j + 16] = Float(q >> 4) * d + m
            }
        }
    }

    /// `ggml_vec_dot_q4_1_q8_1` (generic): the minimum enters through q8_1's precomputed s = d * sum(q).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_1.bytesPerBlock
            var sumi: Int32 = 0
            for j in 0..<16 {
                let q = x.uint8(at: quantsOffset + j)
                sumi += Int32(q & 0x0f) * y.int8(at: Q8_1.quantsOffset + j) + Int32(q >> 4) * y.int8(at: Q8_1.quantsOffset + j + 16)
            }
            sum += (x.half(at: scaleOffset) * y.half(at: Q8_1.scaleOffset)) * Float(sumi) + x.half(at: minimumOffset) * y.half(at: Q8_1.sumOffset)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q4_1 = FormatTraits(
        type: .q4_1, quantize: Q4_1.quantize, dequantize: Q4_1.dequantize,
        activationType: .q8_1, dot: Q4_1.dot,
        tolerance: Tolerance(roundTripNMSE: 8e-3, matmulNMSE: 2e-4))
}
