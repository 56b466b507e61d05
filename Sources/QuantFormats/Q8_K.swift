/// q8_K: 256 values in 292 bytes, symmetric 8-bit with an f32 scale. Activation format only: every K-quant weight
/// row (q4_K, q6_K) is dotted against it, and its group sums let q4_K's minimum cost one multiply per 16 values.
///
///     offset  size  field
///     0       4     d      f32 scale; value = d * q
///     4       256   qs     int8 q[0..255]
///     260     32    bsums  16 little-endian int16: bsums[g] = q[16g] + ... + q[16g + 15]
public enum Q8_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q8_K }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 4 }
    @inlinable public static var sumsOffset: Int { 260 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 4), BlockField("qs", at: quantsOffset, bytes: 256),
        BlockField("bsums", at: sumsOffset, bytes: 32),
    ]
    /// Values per entry of `bsums`.
    @inlinable public static var valuesPerSum: Int { 16 }

    /// `quantize_row_q8_K_ref`, which ggml's x86 CPU `quantize_row_q8_K` also just calls (so there is no separate
    /// activation quantizer): iscale = -127 / max, where max is the signed value of largest magnitude,
    /// q = min(127, nearest_int(iscale * x)), d = 1 / iscale.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q8_K rows are whole blocks of 256")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (amax, max) = signedAbsMax(x, base, blockSize)
            guard amax != 0 else {
                // ggml writes d = 0 and zero quants but leaves bsums as they were; zeros keep our output
                // deterministic and give the same dot products (every bsum is multiplied by d = 0).
                out.initializeMemory(as: UInt8.self, repeating: 0, count: bytesPerBlock)
                continue
            }
            let iscale = -127 / max
            for group in 0..<blockSize / valuesPerSum {
                var sum: Int32 = 0
                for j in group * valuesPerSum..<(group + 1) * valuesPerSum {
                    let q = Int8(truncatingIfNeeded: min(127, Scalars.nearestInt(iscale * x[base + j])))
                    out.storeBytes(of: q, toByteOffset: quantsOffset + j, as: Int8.self)
                    sum += Int32(q)
                }
                out.storeBytes(of: Int16(truncatingIfNeeded: sum).littleEndian,
                               toByteOffset: sumsOffset + 2 * group, as: Int16.self)
            }
            out.storeBytes(of: (1 / iscale).bitPattern.littleEndian, toByteOffset: scaleOffset, as: UInt32.self)
        }
    }

    /// `dequantize_row_q8_K`: d * q.
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.float32(at: scaleOffset)
            for j in 0..<blockSize { out[j] = d * Float(b.int8(at: quantsOffset + j)) }
        }
    }
}

extension FormatTraits {
    public static let q8_K = FormatTraits(
        type: .q8_K, quantize: Q8_K.quantize, dequantize: Q8_K.dequantize,
        activationType: nil, dot: nil,
        tolerance: Tolerance(roundTripNMSE: 7.5e-5, matmulNMSE: 0))
}
