/// q8_1: 32 values in 36 bytes; q8_0 plus the block's scaled sum, so a q4_1 minimum costs one multiply per block.
/// Activation format only.
///
///     offset  size  field
///     0       2     d      f16 scale; value = d * q
///     2       2     s      f16 d * sum(q)
///     4       32    qs     int8 q[0..31]
public enum Q8_1: BlockLayout {
    @inlinable public static var type: GGMLType { .q8_1 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var sumOffset: Int { 2 }
    @inlinable public static var quantsOffset: Int { 4 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("s", at: sumOffset, bytes: 2),
        BlockField("qs", at: quantsOffset, bytes: 32),
    ]

    /// `quantize_row_q8_1_ref`: d = amax / 127, q = roundf(x / d).
    public static let quantize: QuantizeRow = { x, y, count in quantize(x, y, count, activations: false) }

    /// ggml's CPU `quantize_row_q8_1` (AVX path): q = rint(x * 127 / amax).
    public static let quantizeActivations: QuantizeRow = { x, y, count in quantize(x, y, count, activations: true) }

    static func quantize(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ count: Int, activations: Bool) {
        precondition(count % blockSize == 0, "q8_1 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (amax, _) = signedAbsMax(x, base, blockSize)
            let d = amax / 127
            let id: Float = activations ? (amax != 0 ? 127 / amax : 0) : (d != 0 ? 1 / d : 0)
            var sum: Int32 = 0
            for j in 0..<blockSize {
                let v = x[base + j] * id
                let q = Int8(clamping: activations ? Scalars.roundedEven(v) : Scalars.roundedAway(v))
                sum += Int32(q)
                out.storeBytes(of: q, toByteOffset: quantsOffset + j, as: Int8.self)
            }
            out.storeHalf(d, at: scaleOffset)
            out.storeHalf(Float(sum) * d, at: sumOffset)
        }
    }

    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for j in 0..<blockSize { out[j] = Float(b.int8(at: quantsOffset + j)) * d }
        }
    }
}

extension FormatTraits {
    public static let q8_1 = FormatTraits(
        type: .q8_1, quantize: Q8_1.quantize, dequantize: Q8_1.dequantize,
        quantizeActivations: Q8_1.quantizeActivations,
        activationType: nil, dot: nil,
        tolerance: Tolerance(roundTripNMSE: 4e-5, matmulNMSE: 0))
}
