#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// iq4_xs x q8_K in ggml's AVX2 form (`ggml_vec_dot_iq4_xs_q8_K`): one register holds one sub-block's 32 weights
/// in order, each index looked up in the grid by `vpshufb`; the signed grid values meet the activations by the sign
/// trick, and `madd` with the sub-block's scale broadcast both scales and sums to int32. d * d_x is applied once per
/// super-block. Unpacked values serve all C columns of the tile.
enum AVX2IQ4_XS: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

    /// One sub-block's 32 grid values in order: its 16 index bytes' low nibbles (weights 0-15) in the low lane, their
    /// high nibbles (16-31) in the high lane, each looked up by `vpshufb`.
    @inline(__always) static func subBlock(_ quants: UnsafeRawPointer) -> __m256i {
        let packed = quants.loadUnaligned(as: __m128i.self)
        let indices = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), AVX2Vector.lowNibbles)
        return _mm256_shuffle_epi8(AVX2IQ4_NL.grid, indices)
    }

    /// The eight sub-block scales, -32...31, as int16 and repeated in both 128-bit halves, for `vpshufb` broadcasts
    /// as q4_K's kernel holds its scales (eight broadcast registers per row ran prefill at a quarter of the speed; a
    /// scalar loop building the bytes cost a quarter of decode). Built in vector registers: the low 4 bits from the
    /// nibbles of `scales_l`, the high 2 from `scales_h` moved to the top of each lane by a multiply (AVX2 has no
    /// per-lane 16-bit shift).
    @inline(__always) static func scales(_ block: UnsafeRawPointer) -> __m256i {
        let low = _mm_cvtsi32_si128(block.loadUnaligned(fromByteOffset: IQ4_XS.lowScalesOffset, as: Int32.self))
        let lowNibbles = _mm_set1_epi8(0x0f)
        let lowBits = _mm_unpacklo_epi8(_mm_and_si128(low, lowNibbles), _mm_and_si128(_mm_srli_epi16(low, 4), lowNibbles))
        let high = _mm_set1_epi16(block.loadUnaligned(fromByteOffset: IQ4_XS.highScalesOffset, as: Int16.self))
        let highBits = _mm_srli_epi16(_mm_mullo_epi16(high, _mm_setr_epi16(1 << 14, 1 << 12, 1 << 10, 1 << 8, 1 << 6, 1 << 4, 1 << 2, 1)), 14)
        let scales = _mm_sub_epi16(_mm_or_si128(_mm_cvtepu8_epi16(lowBits), _mm_slli_epi16(highBits, 4)), _mm_set1_epi16(32))
        return _mm256_set_m128i(scales, scales)
    }

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_KColumns) -> InlineArray<C, InlineArray<R, Float>> {
        var accumulators = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        for b in 0..<x.blocks {
            let weightOffset = b &* IQ4_XS.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: IQ4_XS.bytesPerBlock) }
            }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            for r in 0..<R {
                let block = rows[r] + weightOffset
                let scale = scales(block)
                // One sub-block at a time: its values, their magnitudes and its scale serve the C columns.
                for sub in 0..<8 {
                    let w = subBlock(block + IQ4_XS.quantsOffset + 16 * sub), magnitudes = _mm256_sign_epi8(w, w)
                    // A vpshufb mask that broadcasts int16 scale `sub` (bytes 2 sub, 2 sub + 1).
                    let subScale = _mm256_shuffle_epi8(scale, _mm256_set1_epi16(Int16(2 * sub) | Int16(2 * sub + 1) << 8))
                    for c in 0..<C {
                        let y = (activations[c] + activationOffset + Q8_K.quantsOffset + 32 * sub).loadUnaligned(as: __m256i.self)
                        let products = _mm256_madd_epi16(_mm256_maddubs_epi16(magnitudes, _mm256_sign_epi8(y, w)), subScale)
                        sums[c][r] = _mm256_add_epi32(sums[c][r], products)
                    }
                }
            }
            for c in 0..<C {
                let d8 = _mm256_set1_ps((activations[c] + activationOffset).loadUnaligned(as: Float.self))
                for r in 0..<R {
                    let d = AVX2Vector.broadcastHalf(rows[r] + weightOffset + IQ4_XS.scaleOffset)
                    accumulators[c][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[c][r]), _mm256_mul_ps(d, d8), accumulators[c][r])
                }
            }
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(accumulators[c][r]) } }
    }

    static var variants: [KernelVariant] {
        q8_KVariants(.iq4_xs, summary: "iq4_xs x q8_K: grid values by vpshufb, one sub-block per register, sign trick, madd by the 6-bit scale")
    }
}
#endif
