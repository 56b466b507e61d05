#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q6_K x q8_K after ggml's AVX2 `ggml_vec_dot_q6_K_q8_K`: per 128 weights, 64 bytes of low nibbles and 32 bytes of
/// high bit pairs give four vectors of unsigned codes (q + 32, 0...63), which meet the activations in `maddubs`,
/// and `madd` with the two 16-weight sub-blocks' int8 scales (one per 128-bit half) scales and sums to int32.
/// The "- 32" is not done per weight as in ggml (4 extra maddubs and 4 subtractions per 128 weights and per row);
/// it is 32 * sum(scale[s] * bsum[s]) once per super-block, from q8_K's per-16 sums: one madd and one shift. All of it
/// is exact integer arithmetic (int16 pair sums at most 2 * 63 * 128) up to the super-block's float scale.
enum AVX2Q6_K: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns
    /// Stored codes are q + 32.
    static let codeOffset: Int32 = 32

    /// vpshufb masks that, applied to the 8 int16 scales of one half (in both 128-bit lanes), give scale 2k in the
    /// low lane and 2k + 1 in the high lane, for the k-th vector of 32 weights of that half.
    @inline(__always) static func scaleMask(_ k: Int) -> __m256i {
        let low = Int16(4 * k) | Int16(4 * k + 1) << 8, high = Int16(4 * k + 2) | Int16(4 * k + 3) << 8
        return _mm256_setr_epi16(low, low, low, low, low, low, low, low, high, high, high, high, high, high, high, high)
    }

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_KColumns) -> InlineArray<C, InlineArray<R, Float>> {
        var accumulators = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let lowNibbles = AVX2Vector.lowNibbles, twoBits = _mm256_set1_epi8(3)
        for b in 0..<x.blocks {
            let weightOffset = b &* Q6_K.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: Q6_K.bytesPerBlock) }
            }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            // The 16 int8 scales as int16, for the offset term.
            let scales16 = InlineArray<R, __m256i> {
                _mm256_cvtepi8_epi16((rows[$0] + weightOffset).loadUnaligned(fromByteOffset: Q6_K.scalesOffset, as: __m128i.self))
            }
            for half in 0..<2 {
                for r in 0..<R {
                    let block = rows[r] + weightOffset
                    // Layout (Q6_K): ql at 0 (64 bytes per half), qh at 128 (32 per half), int8 scales at 192.
                    let lowBits0 = block.loadUnaligned(fromByteOffset: Q6_K.lowBitsOffset + 64 * half, as: __m256i.self)
                    let lowBits1 = block.loadUnaligned(fromByteOffset: Q6_K.lowBitsOffset + 64 * half + 32, as: __m256i.self)
                    let highBits = block.loadUnaligned(fromByteOffset: Q6_K.highBitsOffset + 32 * half, as: __m256i.self)
                    let halfScales = _mm256_broadcastsi128_si256(
                        _mm_cvtepi8_epi16(_mm_cvtsi64_si128(block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset + 8 * half, as: Int64.self))))
                    let codes: InlineArray<4, __m256i> = [
                        _mm256_or_si256(_mm256_and_si256(lowBits0, lowNibbles),
                                        _mm256_slli_epi16(_mm256_and_si256(highBits, twoBits), 4)),
                        _mm256_or_si256(_mm256_and_si256(lowBits1, lowNibbles),
                                        _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 2), twoBits), 4)),
                        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits0, 4), lowNibbles),
                                        _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 4), twoBits), 4)),
                        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lowBits1, 4), lowNibbles),
                                        _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(highBits, 6), twoBits), 4)),
                    ]
                    for k in 0..<4 {
                        let scale = _mm256_shuffle_epi8(halfScales, scaleMask(k))
                        for c in 0..<C {
                            let y = (activations[c] + activationOffset).loadUnaligned(fromByteOffset: Q8_K.quantsOffset + 128 * half + 32 * k, as: __m256i.self)
                            sums[c][r] = _mm256_add_epi32(sums[c][r], _mm256_madd_epi16(_mm256_maddubs_epi16(codes[k], y), scale))
                        }
                    }
                }
            }
            for c in 0..<C {
                let a = activations[c] + activationOffset
                let d8 = _mm256_set1_ps(a.loadUnaligned(as: Float.self))
                let bsums = a.loadUnaligned(fromByteOffset: Q8_K.sumsOffset, as: __m256i.self)
                for r in 0..<R {
                    // sum(scale * (q + 32) * y) - 32 * sum(scale[s] * bsum[s]).
                    let offsetTerm = _mm256_slli_epi32(_mm256_madd_epi16(scales16[r], bsums), 5)
                    let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(rows[r] + weightOffset + Q6_K.scaleOffset), d8)
                    accumulators[c][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(sums[c][r], offsetTerm)), d, accumulators[c][r])
                }
            }
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(accumulators[c][r]) } }
    }

    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2Q8_KColumns.with(xq, n: n, blocks: w.columns / Q6_K.blockSize, prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX2Quantize.q8_K, computeRows: computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q6_K, parameters: AVX2TileShapes.parameters,
            summary: "q6_K x q8_K as ggml AVX2 (unsigned 6-bit codes, madd by sub-block scales), the -32 via bsums once per super-block",
            kernel: kernel)
    }
}
#endif
