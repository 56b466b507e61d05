#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// A K-quant with sixteen 16-weight sub-blocks per super-block, each with its own integer scale (q2_K, q3_K, q6_K):
/// how one row's codes, scales and per-super-block terms unpack.
protocol AVX2SixteenScaleFormat {
    static var weightType: GGMLType { get }
    static var bytesPerBlock: Int { get }
    /// What one super-block of one row needs besides its codes (scales, minimums), unpacked once per super-block.
    associatedtype Header
    static func header(_ block: UnsafeRawPointer) -> Header
    /// The eight int16 scales of sub-blocks 8 half ..< 8 half + 8, in both 128-bit lanes.
    static func halfScales(_ header: Header, _ block: UnsafeRawPointer, half: Int) -> __m256i
    /// The unsigned codes of weights 128 half + 32 k ..< +32, k = 0...3.
    static func codes(_ block: UnsafeRawPointer, half: Int) -> InlineArray<4, __m256i>
    /// `accumulator` plus the super-block's float contribution: `sums` (the scaled code-activation products, 8 int32
    /// lanes) less what the codes' offset or the minimums take away, given q8_K's per-16 sums `bsums` and scale `d8`.
    static func accumulate(_ accumulator: __m256, _ sums: __m256i, _ header: Header, _ block: UnsafeRawPointer,
                           bsums: __m256i, d8: __m256) -> __m256
}

/// q2_K / q3_K / q6_K x q8_K in ggml's AVX2 shape (`ggml_vec_dot_q6_K_q8_K`): per 128 weights, four vectors of
/// unsigned codes meet the activations in `maddubs`, and `madd` with the two 16-weight sub-blocks' scales (one per
/// 128-bit lane) scales and sums to int32. A code offset or the minimums enter once per super-block through q8_K's
/// per-16 sums. Exact integer arithmetic up to the super-block's float scale; unpacked codes serve all C columns.
enum AVX2SixteenScaleKernel<Format: AVX2SixteenScaleFormat>: AVX2RowTileKernel {
    typealias Columns = AVX2Q8_KColumns

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
        for b in 0..<x.blocks {
            let weightOffset = b &* Format.bytesPerBlock, activationOffset = b &* Q8_K.bytesPerBlock
            if x.prefetch > 0 {
                for r in 0..<R { AVX2Prefetch.lines(rows[r] + (weightOffset &+ x.prefetch), bytes: Format.bytesPerBlock) }
            }
            var sums = InlineArray<C, InlineArray<R, __m256i>>(repeating: .init(repeating: _mm256_setzero_si256()))
            let headers = InlineArray<R, Format.Header> { Format.header(rows[$0] + weightOffset) }
            for half in 0..<2 {
                for r in 0..<R {
                    let block = rows[r] + weightOffset
                    let codes = Format.codes(block, half: half)
                    let halfScales = Format.halfScales(headers[r], block, half: half)
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
                    accumulators[c][r] = Format.accumulate(accumulators[c][r], sums[c][r], headers[r], rows[r] + weightOffset,
                                                           bsums: bsums, d8: d8)
                }
            }
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(accumulators[c][r]) } }
    }

    static func variants(summary: String) -> [KernelVariant] { q8_KVariants(Format.weightType, summary: summary) }
}
#endif
