/// q5_1: 32 weights in 24 bytes, 5-bit with a minimum.
///
///     offset  size  field
///     0       2     d      f16 scale
///     2       2     m      f16 minimum; weight = d * q + m
///     4       4     qh     little-endian u32: bit j is bit 4 of q[j]
///     8       16    qs     byte j: low nibble = low 4 bits of q[j], high nibble = low 4 bits of q[j + 16]
public enum Q5_1: BlockLayout {
    @inlinable public static var type: GGMLType { .q5_1 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var minimumOffset: Int { 2 }
    @inlinable public static var highBitsOffset: Int { 4 }
    @inlinable public static var quantsOffset: Int { 8 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("m", at: minimumOffset, bytes: 2),
        BlockField("qh", at: highBitsOffset, bytes: 4), BlockField("qs", at: quantsOffset, bytes: 16),
    ]

    /// `quantize_row_q5_1_ref`: d = (max - min) / 31, q = trunc((x - min) / d + 0.5) kept to its low 5 bits.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q5_1 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (lo, hi) = minimumAndMaximum(x, base, blockSize)
            let d = (hi - lo) / 31
            let id: Float = d != 0 ? 1 / d : 0
            out.storeHalf(d, at: scaleOffset)
            out.storeHalf(lo, at: minimumOffset)
            var qh: UInt32 = 0
            for j in 0..<16 {
                // C converts to uint8_t, which keeps the low 8 bits of the truncated value.
                let q0 = UInt32(UInt8(truncatingIfNeeded: Scalars.truncatedInt((x[base + j] - lo) * id + 0.5)))
                let q1 = UInt32(UInt8(truncatingIfNeeded: Scalars.truncatedInt((x[base + j + 16] - lo) * id + 0.5)))
                out.storeBytes(of: UInt8(truncatingIfNeeded: (q0 & 0x0f) | ((q1 & 0x0f) << 4)), toByteOffset: quantsOffset + j, as: UInt8.self)
                qh |= ((q0 & 0x10) >> 4) << j
                qh |= ((q1 & 0x10) >> 4) << (j + 16)
            }
            out.storeBytes(of: qh.littleEndian, toByteOffset: highBitsOffset, as: UInt32.self)
        }
    }

    @inline(__always) static func code(_ b: UnsafeRawPointer, _ qh: UInt32, _ j: Int) -> Int32 {
        fiveBitCode(b + quantsOffset, qh, j)
    }

    /// `dequantize_row_q5_1`: d * q + m.
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset), m = b.half(at: minimumOffset)
            let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
            for j in 0..<32 { out[j] = Float(code(b, qh, j)) * d + m }
        }
    }

    /// `ggml_vec_dot_q5_1_q8_1` (generic): the minimum enters through q8_1's precomputed s = d * sum(q).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_1.bytesPerBlock
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += code(x, qh, j) * y.int8(at: Q8_1.quantsOffset + j) }
            sum += (x.half(at: scaleOffset) * y.half(at: Q8_1.scaleOffset)) * Float(sumi) + x.half(at: minimumOffset) * y.half(at: Q8_1.sumOffset)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q5_1 = FormatTraits(
        type: .q5_1, quantize: Q5_1.quantize, dequantize: Q5_1.dequantize,
        activationType: .q8_1, dot: Q5_1.dot,
        tolerance: Tolerance(roundTripNMSE: 2.5e-3, matmulNMSE: 1e-4))
}
