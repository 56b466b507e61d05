#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q8_0 x q8_0 in ggml's AVX2 form (`ggml_vec_dot_q8_0_q8_0`): per block, |w| and the activations with w's signs
/// meet in `maddubs`, `madd` sums to 8 int32 lanes, which are converted and scaled by d_w * d_x with one fma. Codes
/// stay within -127...127, so the int16 pair sums (at most 2 * 127 * 127) never saturate: integer sums are exact.
/// |w| and d_w are computed once per block and row and serve all C columns of the tile.
enum AVX2Q8_0: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_0Columns

    /// Tiles of at most this many rows get a second accumulator set (even and odd blocks) to hide the fma latency;
    /// rows only, so that a column's result does not depend on how many columns share its tile.
    static var splitAccumulatorRows: Int { 1 }

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2Q8_0Columns) -> InlineArray<C, InlineArray<R, Float>> {
        let zero = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        var even = zero, odd = zero
        let blocks = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let scales = InlineArray<C, UnsafePointer<Float>> { x.scales(columns[$0]) }
        var b = 0
        if R <= splitAccumulatorRows {
            while b + 2 <= x.blocks {
                if x.prefetch > 0 { prefetch(rows, b &* Q8_0.bytesPerBlock &+ x.prefetch, bytes: 2 * Q8_0.bytesPerBlock) }
                step(&even, rows, blocks, scales, b)
                step(&odd, rows, blocks, scales, b + 1)
                b += 2
            }
        }
        while b < x.blocks {
            if x.prefetch > 0 { prefetch(rows, b &* Q8_0.bytesPerBlock &+ x.prefetch, bytes: Q8_0.bytesPerBlock) }
            step(&even, rows, blocks, scales, b)
            b += 1
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(_mm256_add_ps(even[c][r], odd[c][r])) } }
    }

    /// Prefetches `bytes` of every row of the tile from `offset`.
    @inline(__always) static func prefetch<let R: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ offset: Int, bytes: Int) {
        for r in 0..<R { AVX2Prefetch.lines(rows[r] + offset, bytes: bytes) }
    }

    /// Block `b` of every row against every column.
    @inline(__always)
    static func step<let R: Int, let C: Int>(_ accumulators: inout InlineArray<C, InlineArray<R, __m256>>,
                                               _ rows: InlineArray<R, UnsafeRawPointer>,
                                               _ blocks: InlineArray<C, UnsafeRawPointer>,
                                               _ scales: InlineArray<C, UnsafePointer<Float>>, _ b: Int) {
        let ones16 = AVX2Vector.ones16
        let weightOffset = b &* Q8_0.bytesPerBlock
        for r in 0..<R {
            let block = rows[r] + weightOffset
            let codes = block.loadUnaligned(fromByteOffset: Q8_0.quantsOffset, as: __m256i.self)
            let magnitudes = _mm256_sign_epi8(codes, codes)
            let d = AVX2Vector.broadcastHalf(block)
            for c in 0..<C {
                let y = (blocks[c] + weightOffset).loadUnaligned(fromByteOffset: Q8_0.quantsOffset, as: __m256i.self)
                let sums = _mm256_madd_epi16(_mm256_maddubs_epi16(magnitudes, _mm256_sign_epi8(y, codes)), ones16)
                let scale = _mm256_mul_ps(d, _mm256_set1_ps(scales[c][b]))
                accumulators[c][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), scale, accumulators[c][r])
            }
        }
    }

    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2Q8_0Columns.with(xq, n: n, blocks: w.columns / Q8_0.blockSize, offset: 0,
                             prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX2Quantize.q8_0, computeRows: computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q8_0, parameters: AVX2TileShapes.parameters,
            summary: "q8_0 x q8_0 with the sign trick (ggml AVX2), |w| and d_w shared by the columns of an R x C register tile",
            kernel: kernel)
    }
}
#endif
