#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q3_K on the sixteen-scale kernel (`AVX2SixteenScaleKernel`): per 128 weights, the 32 bytes of low bit pairs and
/// the 32 hmask bytes give four vectors of unsigned codes q + 4 (0...7): bit pair k of qs, and bit 4 half + k of
/// hmask as bit 2. The scales are unpacked once per super-block from their 6-bit packing to int8. The "- 4" is
/// 4 * sum(scale[s] * bsum[s]) once per super-block.
enum AVX2Q3_K: AVX2SixteenScaleFormat {
    static var weightType: GGMLType { .q3_K }
    static var bytesPerBlock: Int { Q3_K.bytesPerBlock }

    struct Header {
        var scales8: __m128i, scales16: __m256i
    }

    @inline(__always) static func header(_ block: UnsafeRawPointer) -> Header {
        let scales8 = scales(block)
        return Header(scales8: scales8, scales16: _mm256_cvtepi8_epi16(scales8))
    }

    /// The 16 sub-block scales (-32...31) of the super-block at `block`, as int8 in one vector: ggml's kmask
    /// unpacking on three 32-bit words (equal to `Q3_K.scale` for every s, as `check` verifies), then - 32.
    @inline(__always) static func scales(_ block: UnsafeRawPointer) -> __m128i {
        let low4: UInt32 = 0x0f0f_0f0f, top2: UInt32 = 0x0303_0303
        let a0 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Q3_K.scalesOffset, as: UInt32.self))
        let a1 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Q3_K.scalesOffset + 4, as: UInt32.self))
        let a2 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: Q3_K.scalesOffset + 8, as: UInt32.self))
        let words = (
            (a0 & low4) | ((a2 & top2) << 4), (a1 & low4) | (((a2 >> 2) & top2) << 4),
            ((a0 >> 4) & low4) | (((a2 >> 4) & top2) << 4), ((a1 >> 4) & low4) | (((a2 >> 6) & top2) << 4))
        let packed = _mm_setr_epi32(Int32(bitPattern: words.0), Int32(bitPattern: words.1), Int32(bitPattern: words.2), Int32(bitPattern: words.3))
        return _mm_sub_epi8(packed, _mm_set1_epi8(32))
    }

    @inline(__always) static func halfScales(_ header: Header, _ block: UnsafeRawPointer, half: Int) -> __m256i {
        _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(half == 0 ? header.scales8 : _mm_unpackhi_epi64(header.scales8, header.scales8)))
    }

    /// hmask is shifted once per half so that bit k of each byte is code k's bit 2; then constant shifts move it there.
    @inline(__always) static func codes(_ block: UnsafeRawPointer, half: Int) -> InlineArray<4, __m256i> {
        let twoBits = _mm256_set1_epi8(3), bit2 = _mm256_set1_epi8(4)
        let lowBits = block.loadUnaligned(fromByteOffset: Q3_K.quantsOffset + 32 * half, as: __m256i.self)
        let hmask = block.loadUnaligned(fromByteOffset: Q3_K.highBitsOffset, as: __m256i.self)
        let high = half == 0 ? hmask : _mm256_srli_epi16(hmask, 4)
        return [
            _mm256_or_si256(_mm256_and_si256(lowBits, twoBits), _mm256_and_si256(_mm256_slli_epi16(high, 2), bit2)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits, 2), twoBits), _mm256_and_si256(_mm256_slli_epi16(high, 1), bit2)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits, 4), twoBits), _mm256_and_si256(high, bit2)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits, 6), twoBits), _mm256_and_si256(_mm256_srli_epi16(high, 1), bit2)),
        ]
    }

    /// sum(scale * (q + 4) * y) - 4 * sum(scale[s] * bsum[s]).
    @inline(__always) static func accumulate(_ accumulator: __m256, _ sums: __m256i, _ header: Header, _ block: UnsafeRawPointer,
                                             bsums: __m256i, d8: __m256) -> __m256 {
        let offsetTerm = _mm256_slli_epi32(_mm256_madd_epi16(header.scales16, bsums), 2)
        let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q3_K.scaleOffset), d8)
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(sums, offsetTerm)), d, accumulator)
    }

    static var variants: [KernelVariant] {
        AVX2SixteenScaleKernel<Self>.variants(
            summary: "q3_K x q8_K in q6_K's AVX2 shape (unsigned 3-bit codes, madd by sub-block scales), the -4 via bsums once per super-block")
    }
}
#endif
