#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// iq4_xs x q8_K in ggml's AVX2 form (`ggml_vec_dot_iq4_xs_q8_K`): one register holds one sub-block's 32 weights
/// in order, each index looked up in the grid by `vpshufb`; the signed grid values meet the activations by the sign trick, and `madd` with the sub-block's
/// scale broadcast both scales and sums to int32. d * d_x is applied once per super-block. Unpacked values serve all
/// C columns of the tile.
enum AVX2IQ4_XS: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

    /// The 32 grid values of sub-blocks 2 pair and 2 pair + 1, and their magnitudes (for the sign trick).
    struct SubBlockPair {
        var first: __m256i, second: __m256i
        var firstMagnitudes: __m256i, secondMagnitudes: __m256i
    }

    @inline(__always) static func values(_ block: UnsafeRawPointer, pair: Int) -> SubBlockPair {
        let first = subBlock(block + IQ4_XS.quantsOffset + 32 * pair), second = subBlock(block + IQ4_XS.quantsOffset + 32 * pair + 16)
        return SubBlockPair(first: first, second: second, firstMagnitudes: _mm256_sign_epi8(first, first),
                            secondMagnitudes: _mm256_sign_epi8(second, second))
    }

    /// One sub-block's 32 grid values in order: its 16 index bytes' low nibbles (weights 0-15) in the low lane, their
    /// high nibbles (16-31) in the high lane, each looked up by `vpshufb`.
    @inline(__always) static func subBlock(_ quants: UnsafeRawPointer) -> __m256i {
        let packed = quants.loadUnaligned(as: __m128i.self)
        let indices = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), AVX2Vector.lowNibbles)
        return _mm256_shuffle_epi8(AVX2IQ4_NL.grid, indices)
    }

    /// The eight sub-block scales, -32...31, as int16 broadcasts.
    @inline(__always) static func scales(_ block: UnsafeRawPointer) -> InlineArray<8, __m256i> {
        let low = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: IQ4_XS.lowScalesOffset, as: UInt32.self))
        let high = UInt32(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: IQ4_XS.highScalesOffset, as: UInt16.self)))
        return InlineArray { s in
            let scale = Int16(truncatingIfNeeded: (low >> UInt32(4 * s)) & 0x0f | ((high >> UInt32(2 * s)) & 3) << 4) - 32
            return _mm256_set1_epi16(scale)
        }
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
                for pair in 0..<4 {
                    let w = values(block, pair: pair)
                    for c in 0..<C {
                        let y = activations[c] + activationOffset + 4 + 64 * pair
                        let first = y.loadUnaligned(as: __m256i.self), second = y.loadUnaligned(fromByteOffset: 32, as: __m256i.self)
                        let productsFirst = _mm256_madd_epi16(_mm256_maddubs_epi16(w.firstMagnitudes, _mm256_sign_epi8(first, w.first)), scale[2 * pair])
                        let productsSecond = _mm256_madd_epi16(_mm256_maddubs_epi16(w.secondMagnitudes, _mm256_sign_epi8(second, w.second)), scale[2 * pair + 1])
                        sums[c][r] = _mm256_add_epi32(sums[c][r], _mm256_add_epi32(productsFirst, productsSecond))
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
