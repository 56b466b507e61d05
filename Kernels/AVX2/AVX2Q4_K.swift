#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// A K-quant with q4_K's scales and minimums (q4_K, q5_K): how the codes of one 64-weight chunk unpack.
protocol AVX2ScaleMinimumFormat {
    static var weightType: GGMLType { get }
    static var bytesPerBlock: Int { get }
    /// The unsigned codes of weights 64 chunk ..< +32 (`low`) and 64 chunk + 32 ..< +32 (`high`) of the block.
    static func codes(_ block: UnsafeRawPointer, chunk: Int) -> (low: __m256i, high: __m256i)
}

/// q4_K: the low and high nibbles of 32 bytes.
enum AVX2Q4_K: AVX2ScaleMinimumFormat {
    static var weightType: GGMLType { .q4_K }
    static var bytesPerBlock: Int { Q4_K.bytesPerBlock }

    @inline(__always) static func codes(_ block: UnsafeRawPointer, chunk: Int) -> (low: __m256i, high: __m256i) {
        let packed = block.loadUnaligned(fromByteOffset: Q4_K.quantsOffset + 32 * chunk, as: __m256i.self)
        return (_mm256_and_si256(packed, AVX2Vector.lowNibbles), _mm256_and_si256(_mm256_srli_epi16(packed, 4), AVX2Vector.lowNibbles))
    }

    static var variants: [KernelVariant] {
        AVX2ScaleMinimumKernel<Self>.variants(
            summary: "q4_K x q8_K as ggml AVX2 (maddubs, madd by broadcast sub-block scale, minimums via bsums), R x C register tile")
    }
}

/// q5_K: q4_K's nibbles plus bit 2 chunk (low) and 2 chunk + 1 (high) of each of the 32 qh bytes as bit 4.
enum AVX2Q5_K: AVX2ScaleMinimumFormat {
    static var weightType: GGMLType { .q5_K }
    static var bytesPerBlock: Int { Q5_K.bytesPerBlock }

    @inline(__always) static func codes(_ block: UnsafeRawPointer, chunk: Int) -> (low: __m256i, high: __m256i) {
        let packed = block.loadUnaligned(fromByteOffset: Q5_K.quantsOffset + 32 * chunk, as: __m256i.self)
        let bits = block.loadUnaligned(fromByteOffset: Q5_K.highBitsOffset, as: __m256i.self), one = _mm256_set1_epi8(1)
        let lowTop = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bits, Int32(2 * chunk)), one), 4)
        let highTop = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(bits, Int32(2 * chunk + 1)), one), 4)
        return (_mm256_or_si256(_mm256_and_si256(packed, AVX2Vector.lowNibbles), lowTop),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(packed, 4), AVX2Vector.lowNibbles), highTop))
    }

    static var variants: [KernelVariant] {
        AVX2ScaleMinimumKernel<Self>.variants(
            summary: "q5_K x q8_K as q4_K's AVX2 kernel plus the fifth bit from qh (shift, mask, or), minimums via bsums")
    }
}

/// q4_K / q5_K x q8_K in ggml's AVX2 form (`ggml_vec_dot_q4_K_q8_K`): per 64 weights, two vectors of unsigned codes
/// meet the activations in `maddubs` (no sign trick), and `madd` with the sub-block's 6-bit scale broadcast to every
/// lane both scales and sums to int32; the minimums enter once per super-block as min[s] times the activations'
/// 32-value sums. Everything up to the super-block's float scale is exact integer arithmetic (int16 pair sums at most
/// 2 * 31 * 128). Unpacked codes and scales serve all C columns of the tile.
enum AVX2ScaleMinimumKernel<Format: AVX2ScaleMinimumFormat>: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

    /// The per-super-block values of one row.
    struct Header {
        /// The 8 sub-block scales as int16, repeated in both 128-bit halves (for `vpshufb` broadcasts).
        var scales: __m256i
        /// The 8 sub-block minimums as int16.
        var minimums: __m128i
        var d: __m256
        var dmin: __m128
    }

    /// The scales unpacked as ggml's `utmp` shuffle does (`Q4_K.unpackScalesAndMinimums`), then widened to int16.
    @inline(__always) static func header(_ block: UnsafeRawPointer) -> Header {
        let (scales, minimums) = Q4_K.unpackScalesAndMinimums(block + Q4_K.scalesOffset)
        let scales16 = _mm256_cvtepu8_epi16(_mm_set1_epi64x(Int64(bitPattern: scales)))
        return Header(scales: scales16, minimums: _mm_cvtepu8_epi16(_mm_cvtsi64_si128(Int64(bitPattern: minimums))),
                      d: AVX2Vector.broadcastHalf(block + Q4_K.scaleOffset),
                      dmin: _mm256_castps256_ps128(AVX2Vector.broadcastHalf(block + Q4_K.minimumOffset)))
    }

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_KColumns) -> InlineArray<C, InlineArray<R, Float>> {
        var accumulators = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        var minimumTerms = InlineArray<C, InlineArray<R, __m128>>(repeating: .init(repeating: _mm_setzero_ps()))
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let subBlockSums = InlineArray<C, UnsafeRawPointer> { x.subBlockSums(columns[$0]) }
        for b in 0..<x.blocks {
            let weightOffset = b &* Format.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: Format.bytesPerBlock) }
            }
            let headers = InlineArray<R, Header> { header(rows[$0] + weightOffset) }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            for chunk in 0..<4 {
                // vpshufb masks that broadcast int16 scale 2 * chunk (low nibbles) and 2 * chunk + 1 (high nibbles).
                let lowScale = _mm256_set1_epi16(Int16(4 * chunk) | Int16(4 * chunk + 1) << 8)
                let highScale = _mm256_set1_epi16(Int16(4 * chunk + 2) | Int16(4 * chunk + 3) << 8)
                for r in 0..<R {
                    let (low, high) = Format.codes(rows[r] + weightOffset, chunk: chunk)
                    let scaleLow = _mm256_shuffle_epi8(headers[r].scales, lowScale)
                    let scaleHigh = _mm256_shuffle_epi8(headers[r].scales, highScale)
                    for c in 0..<C {
                        let y = activations[c] + activationOffset + 4 + 64 * chunk
                        let productsLow = _mm256_madd_epi16(_mm256_maddubs_epi16(low, y.loadUnaligned(as: __m256i.self)), scaleLow)
                        let productsHigh = _mm256_madd_epi16(_mm256_maddubs_epi16(high, y.loadUnaligned(fromByteOffset: 32, as: __m256i.self)), scaleHigh)
                        sums[c][r] = _mm256_add_epi32(sums[c][r], _mm256_add_epi32(productsLow, productsHigh))
                    }
                }
            }
            for c in 0..<C {
                let d8 = _mm256_set1_ps((activations[c] + activationOffset).loadUnaligned(as: Float.self))
                let groupSums = (subBlockSums[c] + b &* AVX2Q8_KColumns.sumsBytes).loadUnaligned(as: __m128i.self)
                for r in 0..<R {
                    accumulators[c][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[c][r]), _mm256_mul_ps(headers[r].d, d8), accumulators[c][r])
                    let minimumSum = _mm_cvtepi32_ps(_mm_madd_epi16(headers[r].minimums, groupSums))
                    minimumTerms[c][r] = _mm_fmadd_ps(minimumSum, _mm_mul_ps(headers[r].dmin, _mm256_castps256_ps128(d8)), minimumTerms[c][r])
                }
            }
        }
        return InlineArray { c in
            InlineArray { r in
                let m = minimumTerms[c][r]
                return AVX2Vector.sum(accumulators[c][r]) - (m[0] + m[1] + m[2] + m[3])
            }
        }
    }

    static func variants(summary: String) -> [KernelVariant] { q8_KVariants(Format.weightType, summary: summary) }
}
#endif
