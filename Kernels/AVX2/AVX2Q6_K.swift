#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q6_K after ggml's AVX2 `ggml_vec_dot_q6_K_q8_K`: per 128 weights, 64 bytes of low nibbles and 32 bytes of high
/// bit pairs give four vectors of unsigned codes (q + 32, 0...63); the int8 scales are stored as they are used.
/// The "- 32" is not done per weight as in ggml (4 extra maddubs and 4 subtractions per 128 weights and per row);
/// it is 32 * sum(scale[s] * bsum[s]) once per super-block: one madd and one shift. Int16 pair sums reach at most
/// 2 * 63 * 128.
enum AVX2Q6_K: AVX2SixteenScaleFormat {
    static var weightType: GGMLType { .q6_K }
    static var bytesPerBlock: Int { Q6_K.bytesPerBlock }

    /// The 16 int8 scales as int16, for the offset term.
    @inline(__always) static func header(_ block: UnsafeRawPointer) -> __m256i {
        _mm256_cvtepi8_epi16(block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset, as: __m128i.self))
    }

    @inline(__always) static func halfScales(_ header: __m256i, _ block: UnsafeRawPointer, half: Int) -> __m256i {
        _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(_mm_cvtsi64_si128(block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset + 8 * half, as: Int64.self))))
    }

    /// ql holds 64 bytes per half (codes k and k + 2 in the low and high nibbles of bytes 32 (k % 2) ...), qh 32 bytes
    /// per half (bit pair k of each byte).
    @inline(__always) static func codes(_ block: UnsafeRawPointer, half: Int) -> InlineArray<4, __m256i> {
        let lowNibbles = AVX2Vector.lowNibbles, twoBits = _mm256_set1_epi8(3)
        let lowBits0 = block.loadUnaligned(fromByteOffset: Q6_K.lowBitsOffset + 64 * half, as: __m256i.self)
        let lowBits1 = block.loadUnaligned(fromByteOffset: Q6_K.lowBitsOffset + 64 * half + 32, as: __m256i.self)
        let highBits = block.loadUnaligned(fromByteOffset: Q6_K.highBitsOffset + 32 * half, as: __m256i.self)
        return [
            _mm256_or_si256(_mm256_and_si256(lowBits0, lowNibbles), _mm256_slli_epi16(_mm256_and_si256(highBits, twoBits), 4)),
            _mm256_or_si256(_mm256_and_si256(lowBits1, lowNibbles),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 2), twoBits), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits0, 4), lowNibbles),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 4), twoBits), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits1, 4), lowNibbles),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 6), twoBits), 4)),
        ]
    }

    /// sum(scale * (q + 32) * y) - 32 * sum(scale[s] * bsum[s]).
    @inline(__always) static func accumulate(_ accumulator: __m256, _ sums: __m256i, _ scales16: __m256i, _ block: UnsafeRawPointer,
                                             bsums: __m256i, d8: __m256) -> __m256 {
        let offsetTerm = _mm256_slli_epi32(_mm256_madd_epi16(scales16, bsums), 5)
        let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q6_K.scaleOffset), d8)
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(sums, offsetTerm)), d, accumulator)
    }

    static var variants: [KernelVariant] {
        AVX2SixteenScaleKernel<Self>.variants(
            summary: "q6_K x q8_K as ggml AVX2 (unsigned 6-bit codes, madd by sub-block scales), the -32 via bsums once per super-block")
    }
}
#endif
