/// q5_0: 32 weights in 22 bytes, symmetric 5-bit.
///
///     offset  size  field
///     0       2     d      f16 scale; weight = d * (q - 16)
///     2       4     qh     little-endian u32: bit j is bit 4 of q[j]
///     6       16    qs     byte j: low nibble = low 4 bits of q[j], high nibble = low 4 bits of q[j + 16]
public enum Q5_0: BlockLayout {
    @inlinable public static var type: GGMLType { .q5_0 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var highBitsOffset: Int { 2 }
    @inlinable public static var quantsOffset: Int { 6 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("qh", at: highBitsOffset, bytes: 4),
        BlockField("qs", at: quantsOffset, bytes: 16),
    ]

    /// `quantize_row_q5_0_ref`: d = max / -16.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q5_0 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (_, max) = signedAbsMax(x, base, blockSize)
            let d = max / -16
            let id: Float = d != 0 ? 1 / d : 0
            out.storeHalf(d, at: scaleOffset)
            var qh: UInt32 = 0
            for j in 0..<16 {
                let q0 = UInt32(truncatingIfNeeded: min(31, Scalars.truncatedInt(x[base + j] * id + 16.5)))
                let q1 = UInt32(truncatingIfNeeded: min(31, Scalars.truncatedInt(x[base + j + 16] * id + 16.5)))
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

    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
            for j in 0..<32 { out[j] = Float(code(b, qh, j) - 16) * d }
        }
    }

    /// `ggml_vec_dot_q5_0_q8_0` (generic).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_0.bytesPerBlock
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += (code(x, qh, j) - 16) * y.int8(at: Q8_0.quantsOffset + j) }
            sum += Float(sumi) * x.half(at: scaleOffset) * y.half(at: Q8_0.scaleOffset)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q5_0 = FormatTraits(
        type: .q5_0, quantize: Q5_0.quantize, dequantize: Q5_0.dequantize,
        activationType: .q8_0, dot: Q5_0.dot,
        tolerance: Tolerance(roundTripNMSE: 3e-3, matmulNMSE: 1e-4))
}

/// Code j (0...31) of a q5_0 / q5_1 block: the nibble from the 16 bytes at `quants` (value j low in byte j, value
/// j + 16 high) and bit j of `qh` as bit 4.
@inline(__always) func fiveBitCode(_ quants: UnsafeRawPointer, _ qh: UInt32, _ j: Int) -> Int32 {
    let q = quants.uint8(at: j & 15)
    let low = j < 16 ? q & 0x0f : q >> 4
    return Int32(low) | Int32((qh >> UInt32(j)) & 1) << 4
}
