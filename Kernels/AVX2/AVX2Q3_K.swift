#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q3_K x q8_K in q6_K's AVX2 shape (`AVX2Q6_K`): per 128 weights, the 32 bytes of low bit pairs and the 32 hmask
/// bytes give four vectors of unsigned codes q + 4 (0...7): bit pair j of qs, and bit 4h + j of hmask as bit 2.
/// They meet the activations in `maddubs`, and `madd` with the two 16-weight sub-blocks' scales (unpacked once per
/// super-block from their 6-bit packing to int8) scales and sums to int32. The "- 4" is 4 * sum(scale[s] * bsum[s])
/// once per super-block, from q8_K's per-16 sums. All exact integer arithmetic up to the super-block's float scale.
enum AVX2Q3_K: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

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

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_KColumns) -> InlineArray<C, InlineArray<R, Float>> {
        var accumulators = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let twoBits = _mm256_set1_epi8(3), oneBit = _mm256_set1_epi8(1)
        for b in 0..<x.blocks {
            let weightOffset = b &* Q3_K.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: Q3_K.bytesPerBlock) }
            }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            let scales8 = InlineArray<R, __m128i> { scales(rows[$0] + weightOffset) }
            let scales16 = InlineArray<R, __m256i> { _mm256_cvtepi8_epi16(scales8[$0]) }
            for half in 0..<2 {
                for r in 0..<R {
                    let block = rows[r] + weightOffset
                    let lowBits = block.loadUnaligned(fromByteOffset: Q3_K.quantsOffset + 32 * half, as: __m256i.self)
                    let highBits = block.loadUnaligned(fromByteOffset: Q3_K.highBitsOffset, as: __m256i.self)
                    let halfScales = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(half == 0 ? scales8[r] : _mm_unpackhi_epi64(scales8[r], scales8[r])))
                    for k in 0..<4 {
                        let low = _mm256_and_si256(_mm256_srli_epi16(lowBits, Int32(2 * k)), twoBits)
                        let high = _mm256_and_si256(_mm256_srli_epi16(highBits, Int32(4 * half + k)), oneBit)
                        let codes = _mm256_or_si256(low, _mm256_slli_epi16(high, 2))
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
                    // sum(scale * (q + 4) * y) - 4 * sum(scale[s] * bsum[s]).
                    let offsetTerm = _mm256_slli_epi32(_mm256_madd_epi16(scales16[r], bsums), 2)
                    let d = _mm256_mul_ps(AVX2Vector.broadcastHalf(rows[r] + weightOffset + Q3_K.scaleOffset), d8)
                    accumulators[c][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(sums[c][r], offsetTerm)), d, accumulators[c][r])
                }
            }
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(accumulators[c][r]) } }
    }

    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2Q8_KColumns.with(xq, n: n, blocks: w.columns / Q3_K.blockSize, prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX2Quantize.q8_K, computeRows: computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q3_K, parameters: AVX2TileShapes.parameters,
            summary: "q3_K x q8_K in q6_K's AVX2 shape (unsigned 3-bit codes, madd by sub-block scales), the -4 via bsums once per super-block",
            kernel: kernel)
    }
}
#endif
