#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q2_K x q8_K in q6_K's AVX2 shape (`AVX2Q6_K`): per 128 weights, the 32 bytes of bit pairs give four vectors of
/// codes 0...3 that meet the activations in `maddubs`, and `madd` with the two 16-weight sub-blocks' 4-bit scales
/// scales and sums to int32. The minimums come in once per super-block as sum(min[s] * bsum[s]) from q8_K's
/// per-16 sums (one madd), scaled by dmin, as in ggml.
enum AVX2Q2_K: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_KColumns) -> InlineArray<C, InlineArray<R, Float>> {
        var accumulators = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let twoBits = _mm256_set1_epi8(3), lowNibbles = _mm_set1_epi8(0x0f)
        for b in 0..<x.blocks {
            let weightOffset = b &* Q2_K.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: Q2_K.bytesPerBlock) }
            }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            let packed = InlineArray<R, __m128i> { (rows[$0] + weightOffset).loadUnaligned(fromByteOffset: Q2_K.scalesOffset, as: __m128i.self) }
            let scales8 = InlineArray<R, __m128i> { _mm_and_si128(packed[$0], lowNibbles) }
            let minimums16 = InlineArray<R, __m256i> { _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed[$0], 4), lowNibbles)) }
            for half in 0..<2 {
                for r in 0..<R {
                    let bits = (rows[r] + weightOffset).loadUnaligned(fromByteOffset: Q2_K.quantsOffset + 32 * half, as: __m256i.self)
                    let halfScales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(half == 0 ? scales8[r] : _mm_unpackhi_epi64(scales8[r], scales8[r])))
                    for k in 0..<4 {
                        let codes = _mm256_and_si256(_mm256_srli_epi16(bits, Int32(2 * k)), twoBits)
                        let scale = _mm256_shuffle_epi8(halfScales, AVX2Q6_K.scaleMask(k))
                        for c in 0..<C {
                            let y = (activations[c] + activationOffset).loadUnaligned(fromByteOffset: Q8_K.quantsOffset + 128 * half + 32 * k, as: __m256i.self)
                            sums[c][r] = _mm256_add_epi32(sums[c][r], _mm256_madd_epi16(_mm256_maddubs_epi16(codes, y), scale))
                        }
                    }
                }
            }
            for c in 0..<C {
                let a = activations[c] + activationOffset
                let d8 = _mm256_set1_ps(a.loadUnaligned(as: Float.self))
                let bsums = a.loadUnaligned(fromByteOffset: Q8_K.sumsOffset, as: __m256i.self)
                for r in 0..<R {
                    let block = rows[r] + weightOffset
                    let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q2_K.scaleOffset), d8)
                    let dmin = _mm256_mul_ps(AVX2Vector.broadcastHalf(block + Q2_K.minimumOffset), d8)
                    let minimumTerm = _mm256_cvtepi32_ps(_mm256_madd_epi16(minimums16[r], bsums))
                    accumulators[c][r] = _mm256_fnmadd_ps(minimumTerm, dmin,
                                                          _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[c][r]), d, accumulators[c][r]))
                }
            }
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(accumulators[c][r]) } }
    }

    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2Q8_KColumns.with(xq, n: n, blocks: w.columns / Q2_K.blockSize, prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX2Quantize.q8_K, computeRows: computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q2_K, parameters: AVX2TileShapes.parameters,
            summary: "q2_K x q8_K in q6_K's AVX2 shape (2-bit codes, madd by 4-bit sub-block scales), minimums via bsums once per super-block",
            kernel: kernel)
    }
}
#endif
