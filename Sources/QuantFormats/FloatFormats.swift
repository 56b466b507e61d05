/// The unquantized formats: f32 (4 bytes, little-endian IEEE), f16 (2 bytes, IEEE half) and bf16 (2 bytes, the
/// high half of an f32). Block size 1. Each is dotted against itself, as in ggml's CPU backend.
public enum FloatFormats {
    public static let copyF32: QuantizeRow = { x, y, count in
        y.copyMemory(from: x, byteCount: count * 4)
    }
    public static let loadF32: DequantizeRow = { x, y, count in
        UnsafeMutableRawPointer(y).copyMemory(from: x, byteCount: count * 4)
    }
    public static let dotF32: BlockDot = { w, a, count in
        // ggml_vec_dot_f32 (generic) accumulates in double.
        var sum = 0.0
        for i in 0..<count {
            sum += Double(w.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) * a.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
        }
        return Float(sum)
    }

    static func half(_ encode: @escaping @Sendable (Float) -> UInt16) -> QuantizeRow {
        { x, y, count in
            for i in 0..<count { y.storeBytes(of: encode(x[i]), toByteOffset: 2 * i, as: UInt16.self) }
        }
    }
    static func unhalf(_ decode: @escaping @Sendable (UInt16) -> Float) -> DequantizeRow {
        { x, y, count in
            for i in 0..<count { y[i] = decode(x.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        }
    }
    static func halfDot(_ decode: @escaping @Sendable (UInt16) -> Float) -> BlockDot {
        { w, a, count in
            var sum = 0.0
            for i in 0..<count {
                sum += Double(decode(w.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    * Double(decode(a.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
            return Float(sum)
        }
    }
}

extension FormatTraits {
    public static let f32 = FormatTraits(
        type: .f32, quantize: FloatFormats.copyF32, dequantize: FloatFormats.loadF32,
        activationType: .f32, dot: FloatFormats.dotF32,
        tolerance: Tolerance(roundTripNMSE: 0, matmulNMSE: 1e-10))

    public static let f16 = FormatTraits(
        type: .f16, quantize: FloatFormats.half(Scalars.halfBits), dequantize: FloatFormats.unhalf(Scalars.float(halfBits:)),
        activationType: .f16, dot: FloatFormats.halfDot(Scalars.float(halfBits:)),
        tolerance: Tolerance(roundTripNMSE: 1e-7, matmulNMSE: 1e-6))

    public static let bf16 = FormatTraits(
        type: .bf16, quantize: FloatFormats.half(Scalars.bfloat16Bits), dequantize: FloatFormats.unhalf(Scalars.float(bfloat16Bits:)),
        activationType: .bf16, dot: FloatFormats.halfDot(Scalars.float(bfloat16Bits:)),
        tolerance: Tolerance(roundTripNMSE: 1e-5, matmulNMSE: 1e-4))
}
