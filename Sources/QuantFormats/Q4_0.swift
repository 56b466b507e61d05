/// q4_0: 32 weights in 18 bytes, symmetric 4-bit.
///
///     offset  size  field
///     0       2     d      f16 scale; weight = d * (q - 8)
///     2       16    qs     byte j: low nibble = q[j], high nibble = q[j + 16]
public enum Q4_0: BlockLayout {
    @inlinable public static var type: GGMLType { .q4_0 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 2 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("qs", at: quantsOffset, bytes: 16),
    ]

    /// `quantize_row_q4_0_ref`: d = max / -8, where max is the signed value of largest magnitude.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q4_0 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (_, max) = signedAbsMax(x, base, blockSize)
            let d = max / -8
            let id: Float = d != 0 ? 1 / d : 0
            out.storeHalf(d, at: scaleOffset)
            for j in 0..<16 {
                let q0 = min(15, Scalars.truncatedInt(x[base + j] * id + 8.5))
                let q1 = min(15, Scalars.truncatedInt(x[base + j + 16] * id + 8.5))
                out.storeBytes(of: UInt8(truncatingIfNeeded: q0 | (q1 << 4)), toByteOffset: quantsOffset + j, as: UInt8.self)
            }
        }
    }

    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for j in 0..<16 {
                let q = b.uint8(at: quantsOffset + j)
                out[j] = Float(Int32(q & 0x0f) - 8) * d
                out[j + 16] = Float(Int32(q >> 4) - 8) * d
            }
        }
    }

    /// `ggml_vec_dot_q4_0_q8_0` (generic): integer sum per block, then scaled by both block scales.
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_0.bytesPerBlock
            var sumi: Int32 = 0
            for j in 0..<16 {
                let q = x.uint8(at: quantsOffset + j)
                sumi += (Int32(q & 0x0f) - 8) * y.int8(at: Q8_0.quantsOffset + j) + (Int32(q >> 4) - 8) * y.int8(at: Q8_0.quantsOffset + j + 16)
            }
            sum += Float(sumi) * x.half(at: scaleOffset) * y.half(at: Q8_0.scaleOffset)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q4_0 = FormatTraits(
        type: .q4_0, quantize: Q4_0.quantize, dequantize: Q4_0.dequantize,
        activationType: .q8_0, dot: Q4_0.dot,
        tolerance: Tolerance(roundTripNMSE: 1.2e-2, matmulNMSE: 2e-4))
}
