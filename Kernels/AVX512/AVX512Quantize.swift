#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// Activation quantizers for the AVX-512 kernels, vectorised 16 floats per register. Each writes exactly the bytes
/// of the scalar `FormatTraits.X.quantizeActivations` (ggml's CPU `from_float`), NaN, infinity and overflowing
/// scales included, so every fast kernel sees the integers the scalar reference sees; `AVX512QuantizeTests` holds
/// them to that byte for byte. The names are a contract: the tiled prefill kernels call them.
public enum AVX512Quantize {
    /// ggml's CPU `quantize_row_q8_0`: d = amax / 127 (stored f16), q = rint(x * (127 / amax)), half to even.
    public static let q8_0: QuantizeRow = { x, y, count in
        precondition(count % Q8_0.blockSize == 0, "q8_0 rows are whole blocks of 32")
        for block in 0..<count / Q8_0.blockSize {
            let out = y + block * Q8_0.bytesPerBlock
            let values = ActivationBlock32(x + block * Q8_0.blockSize)
            out.storeBytes(of: Float16(values.amax / 127).bitPattern, as: UInt16.self)
            let (low, high) = values.quantized()
            storeBytes(low, high, to: out + 2)
        }
    }

    /// ggml's CPU `quantize_row_q8_1`: q8_0's d and q, plus s = d * sum(q) with the unrounded d (stored f16).
    public static let q8_1: QuantizeRow = { x, y, count in
        precondition(count % Q8_1.blockSize == 0, "q8_1 rows are whole blocks of 32")
        for block in 0..<count / Q8_1.blockSize {
            let out = y + block * Q8_1.bytesPerBlock
            let values = ActivationBlock32(x + block * Q8_1.blockSize)
            let d = values.amax / 127
            let (low, high) = values.quantized()
            let sum = _mm512_reduce_add_epi32(_mm512_add_epi32(low, high))
            out.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
            out.storeBytes(of: Float16(Float(sum) * d).bitPattern, toByteOffset: 2, as: UInt16.self)
            storeBytes(low, high, to: out + 4)
        }
    }

    /// ggml's `quantize_row_q8_K`: iscale = -127 / max (max the signed value of largest magnitude, first one on
    /// ties), q = min(127, nearest_int(iscale * x)) with nearest_int's 1.5 * 2^23 mantissa trick reproduced
    /// bit for bit, d = 1 / iscale (f32), and 16 int16 sums of 16 quants. An all-zero block is 292 zero bytes.
    public static let q8_K: QuantizeRow = { x, y, count in
        precondition(count % Q8_K.blockSize == 0, "q8_K rows are whole blocks of 256")
        for block in 0..<count / Q8_K.blockSize {
            quantizeQ8_KBlock(x + block * Q8_K.blockSize, y + block * Q8_K.bytesPerBlock)
        }
    }

    @inline(__always)
    static func storeBytes(_ low: __m512i, _ high: __m512i, to destination: UnsafeMutableRawPointer) {
        // vpmovsdb saturates, but the values are already in -128...127.
        destination.storeBytes(of: _mm512_cvtsepi32_epi8(low), as: __m128i.self)
        destination.storeBytes(of: _mm512_cvtsepi32_epi8(high), toByteOffset: 16, as: __m128i.self)
    }

    @inline(__always)
    static func quantizeQ8_KBlock(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        let registers = Q8_K.blockSize / 16
        let raw = UnsafeRawPointer(x)
        // amax, ignoring NaN as the scalar `amax < |x|` does: max_ps returns its second operand when either is NaN.
        var amaxes = _mm512_setzero_ps()
        for r in 0..<registers {
            amaxes = _mm512_max_ps(_mm512_abs_ps(raw.loadUnaligned(fromByteOffset: 64 * r, as: __m512.self)), amaxes)
        }
        let amax = _mm512_reduce_max_ps(amaxes)
        if amax == 0 {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: Q8_K.bytesPerBlock)
            return
        }
        // The signed max is the first element whose magnitude equals amax (a positive, non-NaN float, so equal
        // magnitudes are equal bit patterns).
        let amaxBits = _mm512_set1_epi32(Int32(bitPattern: amax.bitPattern))
        var max = amax
        for r in 0..<registers {
            let magnitudes = _mm512_castps_si512(_mm512_abs_ps(raw.loadUnaligned(fromByteOffset: 64 * r, as: __m512.self)))
            let difference = _mm512_xor_si512(magnitudes, amaxBits)
            let equal = _mm512_testn_epi32_mask(difference, difference)
            if equal != 0 {
                max = x[16 * r + equal.trailingZeroBitCount]
                break
            }
        }
        let iscale = -127 / max
        let scale = _mm512_set1_ps(iscale)
        let magic = _mm512_set1_ps(12_582_912)            // 1.5 * 2^23: nearest_int's rounding constant
        let mantissa = _mm512_set1_epi32(0x007f_ffff)
        let bias = _mm512_set1_epi32(0x0040_0000)
        let limit = _mm512_set1_epi32(127)
        let quants = out + Q8_K.quantsOffset
        for r in 0..<registers {
            let v = raw.loadUnaligned(fromByteOffset: 64 * r, as: __m512.self)
            let shifted = _mm512_add_ps(_mm512_mul_ps(v, scale), magic)
            let nearest = _mm512_sub_epi32(_mm512_and_si512(_mm512_castps_si512(shifted), mantissa), bias)
            let bytes = _mm512_cvtepi32_epi8(_mm512_min_epi32(nearest, limit))   // vpmovdb truncates, as C's int8 store
            quants.storeBytes(of: bytes, toByteOffset: 16 * r, as: __m128i.self)
            let sum = _mm512_reduce_add_epi32(_mm512_cvtepi8_epi32(bytes))
            out.storeBytes(of: Int16(truncatingIfNeeded: sum).littleEndian,
                           toByteOffset: Q8_K.sumsOffset + 2 * r, as: Int16.self)
        }
        out.storeBytes(of: (1 / iscale).bitPattern.littleEndian, as: UInt32.self)
    }
}


/// One 32-float block of activations, loaded once, with ggml's amax (NaN ignored as the scalar loop ignores it).
struct ActivationBlock32 {
    let low: __m512
    let high: __m512
    let amax: Float

    @inline(__always) init(_ x: UnsafePointer<Float>) {
        let raw = UnsafeRawPointer(x)
        low = raw.loadUnaligned(as: __m512.self)
        high = raw.loadUnaligned(fromByteOffset: 64, as: __m512.self)
        // max_ps returns its second operand when either is NaN, so NaN lanes keep the running maximum.
        let magnitudes = _mm512_max_ps(_mm512_abs_ps(high), _mm512_max_ps(_mm512_abs_ps(low), _mm512_setzero_ps()))
        amax = _mm512_reduce_max_ps(magnitudes)
    }

    /// rint(x * (127 / amax)) clamped to -128...127, as int32 lanes; NaN products give 0 as in the scalar code.
    @inline(__always) func quantized() -> (__m512i, __m512i) {
        let id = _mm512_set1_ps(amax != 0 ? 127 / amax : 0)
        return (Self.roundClamped(_mm512_mul_ps(low, id)), Self.roundClamped(_mm512_mul_ps(high, id)))
    }

    /// max(p, 0) clamped above and min(p, 0) clamped below, added: p clamped to -128...127, and NaN (for which
    /// max_ps and min_ps both return the 0 operand) becomes 0. Rounding is the default MXCSR mode, half to even.
    @inline(__always) static func roundClamped(_ p: __m512) -> __m512i {
        let zero = _mm512_setzero_ps()
        let positive = _mm512_min_ps(_mm512_max_ps(p, zero), _mm512_set1_ps(127))
        let negative = _mm512_max_ps(_mm512_min_ps(p, zero), _mm512_set1_ps(-128))
        return _mm512_cvtps_epi32(_mm512_add_ps(positive, negative))
    }
}
#endif
