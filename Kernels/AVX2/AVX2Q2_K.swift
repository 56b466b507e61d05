#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q2_K on the sixteen-scale kernel (`AVX2SixteenScaleKernel`): per 128 weights, the 32 bytes of bit pairs give four
/// vectors of codes 0...3, scaled by the 16-weight sub-blocks' 4-bit scales. The minimums come in once per
/// super-block as sum(min[s] * bsum[s]) from q8_K's per-16 sums (one madd), scaled by dmin, as in ggml.
enum AVX2Q2_K: AVX2SixteenScaleFormat {
    static var weightType: GGMLType { .q2_K }
    static var bytesPerBlock: Int { Q2_K.bytesPerBlock }

    struct Header {
        /// The 16 scales as bytes, and the 16 minimums as int16.
        var scales8: __m128i, minimums16: __m256i
    }

    /// Each scales byte holds the scale in its low nibble and the minimum in its high nibble.
    @inline(__always) static func header(_ block: UnsafeRawPointer) -> Header {
        let packed = block.loadUnaligned(fromByteOffset: Q2_K.scalesOffset, as: __m128i.self), lowNibbles = _mm_set1_epi8(0x0f)
        return Header(scales8: _mm_and_si128(packed, lowNibbles),
                      minimums16: _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), lowNibbles)))
    }

    @inline(__always) static func halfScales(_ header: Header, _ block: UnsafeRawPointer, half: Int) -> __m256i {
        _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(half == 0 ? header.scales8 : _mm_unpackhi_epi64(header.scales8, header.scales8)))
    }

    /// Bit pair k of each of the half's 32 bytes.
    @inline(__always) static func codes(_ block: UnsafeRawPointer, half: Int) -> InlineArray<4, __m256i> {
        let bits = block.loadUnaligned(fromByteOffset: Q2_K.quantsOffset + 32 * half, as: __m256i.self), twoBits = _mm256_set1_epi8(3)
        return InlineArray { k in _mm256_and_si256(_mm256_srli_epi16(bits, Int32(2 * k)), twoBits) }
    }

    /// d * sum(scale * q * y) - dmin * sum(min[s] * bsum[s]).
    @inline(__always) static func accumulate(_ accumulator: __m256, _ sums: __m256i, _ header: Header, _ block: UnsafeRawPointer,
                                             bsums: __m256i, d8: __m256) -> __m256 {
        let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q2_K.scaleOffset), d8)
        let dmin = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q2_K.minimumOffset), d8)
        let minimumTerm = _mm256_cvtepi32_ps(_mm256_madd_epi16(header.minimums16, bsums))
        return _mm256_fnmadd_ps(minimumTerm, dmin, _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), d, accumulator))
    }

    static var variants: [KernelVariant] {
        AVX2SixteenScaleKernel<Self>.variants(
            summary: "q2_K x q8_K in q6_K's AVX2 shape (2-bit codes, madd by 4-bit sub-block scales), minimums via bsums once per super-block")
    }
}
#endif
