/// q8_0: 32 values in 34 bytes, symmetric 8-bit. A weight format, and the activation format that q4_0, q5_0 and
/// q8_0 weights are dotted against.
///
///     offset  size  field
///     0       2     d      f16 scale; value = d * q
///     2       32    qs     int8 q[0..31]
public enum Q8_0: BlockLayout {
    @inlinable public static var type: GGMLType { .q8_0 }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 2 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("qs", at: quantsOffset, bytes: 32),
    ]

    /// `quantize_row_q8_0_ref`: d = amax / 127, q = roundf(x / d).
    public static let quantize: QuantizeRow = { x, y, count in
        quantize(x, y, count, activations: false)
    }

    /// ggml's CPU `quantize_row_q8_0` (AVX path): q = rint(x * 127 / amax), round half to even.
    public static let quantizeActivations: QuantizeRow = { x, y, count in
        quantize(x, y, count, activations: true)
    }

    static func quantize(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ count: Int, activations: Bool) {
        precondition(count % blockSize == 0, "q8_0 rows are whole blocks of 32")
        for block in 0..<count / blockSize {
            let base = block * blockSize, out = y + block * bytesPerBlock
            let (amax, _) = signedAbsMax(x, base, blockSize)
            let d = amax / 127
            out.storeHalf(d, at: scaleOffset)
            let id: Float = activations ? (amax != 0 ? 127 / amax : 0) : (d != 0 ? 1 / d : 0)
            for j in 0..<blockSize {
                let v = x[base + j] * id
                let q = activations ? Scalars.roundedEven(v) : Scalars.roundedAway(v)
                out.storeBytes(of: Int8(clamping: q), toByteOffset: quantsOffset + j, as: Int8.self)
            }
        }
    }

    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for j in 0..<blockSize { out[j] = Float(b.int8(at: quantsOffset + j)) * d }
        }
    }

    /// `ggml_vec_dot_q8_0_q8_0` (generic).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * bytesPerBlock
            var sumi: Int32 = 0
            for j in 0..<blockSize { sumi += x.int8(at: quantsOffset + j) * y.int8(at: quantsOffset + j) }
            sum += Float(sumi) * x.half(at: scaleOffset) * y.half(at: scaleOffset)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q8_0 = FormatTraits(
        type: .q8_0, quantize: Q8_0.quantize, dequantize: Q8_0.dequantize,
        quantizeActivations: Q8_0.quantizeActivations,
        activationType: .q8_0, dot: Q8_0.dot,
        tolerance: Tolerance(roundTripNMSE: 4e-5, matmulNMSE: 1e-4))
}
