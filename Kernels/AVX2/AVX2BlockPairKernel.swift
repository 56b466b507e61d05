#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// Two consecutive 32-weight blocks of one row, unpacked: codes of block b in the low half and of block b + 1 in the
/// high half of each register, unsigned, with their scales (and minimums) in lanes 0 and 1.
struct AVX2WeightPair {
    /// Codes of weights 0..15 of each block.
    var low: __m256i
    /// Codes of weights 16..31 of each block.
    var high: __m256i
    /// [d of block b, d of block b + 1, 0, 0].
    var scales: __m128
    /// q4_1's minimum m (weight = d * q + m), as `scales`; unused by symmetric formats.
    var minimums: __m128
}

/// A 32-weight block format whose rows the block-pair kernel can read: it only has to unpack two blocks.
protocol AVX2BlockPairFormat {
    static var bytesPerBlock: Int { get }
    /// The activation format (q8_0, or q8_1 when weights carry a minimum).
    static var activationType: GGMLType { get }
    /// What the unsigned codes carry on top of the signed ones (q4_0: 8, q5_0: 16, q4_1: 0).
    static var codeOffset: Int32 { get }
    /// True for formats with a minimum term (q4_1), which needs the activation block sums.
    static var hasMinimum: Bool { get }
    /// The blocks at `first` and `second` (the same block for the odd block at the end of a row).
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair
    /// True when the codes are signed int8 values up to 127 in magnitude (iq4_nl's grid): the products then take
    /// ggml's sign trick, maddubs(|w|, sign(y, w)), and the two halves' pair sums are widened apart.
    static var signedCodes: Bool { get }
}

extension AVX2BlockPairFormat {
    static var signedCodes: Bool { false }
}

/// y = W x over rows as stored, two blocks per register, against `AVX2BlockPairColumns`. Per pair of blocks, row and
/// column: 2 maddubs + add + madd (+ sub of offset * sum(y)) + convert + scale multiply + fma, where ggml's AVX2 code
/// spends sub + 2 sign + maddubs + madd + convert + fma per block. Integer sums are exact (int16 pair sums stay
/// below 2 * 2 * 31 * 127); only the float scaling and summation order differ from the scalar reference.
///
/// One row per tile reads the matrix as one sequential stream, with software prefetch `prefetch` bytes ahead; tiles
/// of several rows interleave several streams, which this machine reads from DRAM at well under half the bandwidth
/// even with prefetch (see `AVX2TileShapes.rows`).
enum AVX2BlockPairKernel<Format: AVX2BlockPairFormat>: AVX2RowTileKernel {
    typealias Columns = AVX2BlockPairColumns

    /// Tiles of at most this many rows get a second accumulator set (even and odd pairs), so the fma chain of a lone
    /// row (4 cycles of latency per pair) does not bound decode. It depends on rows only: a column's result must not
    /// depend on how many columns share its tile (batched and single-column products are bit-identical).
    static var splitAccumulatorRows: Int { 1 }

    @inline(__always)
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ x: AVX2BlockPairColumns) -> InlineArray<C, InlineArray<R, Float>> {
        let zero = InlineArray<C, InlineArray<R, __m256>>(repeating: .init(repeating: _mm256_setzero_ps()))
        var even = zero, odd = zero
        let entries = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) }
        let fullPairs = x.blocks / 2, pairBytes = 2 * Format.bytesPerBlock
        var p = 0
        if R <= splitAccumulatorRows {
            while p + 2 <= fullPairs {
                if x.prefetch > 0 { prefetch(rows, p &* pairBytes &+ x.prefetch, bytes: 2 &* pairBytes) }
                step(&even, rows, entries, p, p &* pairBytes, p &* pairBytes &+ Format.bytesPerBlock)
                let q = p + 1
                step(&odd, rows, entries, q, q &* pairBytes, q &* pairBytes &+ Format.bytesPerBlock)
                p += 2
            }
        }
        while p < fullPairs {
            if x.prefetch > 0 { prefetch(rows, p &* pairBytes &+ x.prefetch, bytes: pairBytes) }
            step(&even, rows, entries, p, p &* pairBytes, p &* pairBytes &+ Format.bytesPerBlock)
            p += 1
        }
        if x.blocks % 2 == 1 {
            // The last block pairs with itself; its entry's second half is zeros, so that half adds nothing.
            step(&odd, rows, entries, p, p &* pairBytes, p &* pairBytes)
        }
        return InlineArray { c in InlineArray { r in AVX2Vector.sum(_mm256_add_ps(even[c][r], odd[c][r])) } }
    }

    /// Prefetches `bytes` of every row of the tile from `offset`.
    @inline(__always) static func prefetch<let R: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ offset: Int, bytes: Int) {
        for r in 0..<R { AVX2Prefetch.lines(rows[r] + offset, bytes: bytes) }
    }

    /// Lanes 0-3 from lane 0 of a pair's [block b, block b + 1] values and lanes 4-7 from lane 1: the layout of the
    /// int32 sums, whose low half belongs to block b.
    @inline(__always) static func spread(_ pair: __m128) -> __m256 {
        _mm256_permutevar8x32_ps(_mm256_castps128_ps256(pair), _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1))
    }

    /// One block pair of every row against every column: the pair's weights are unpacked once per row.
    @inline(__always)
    static func step<let R: Int, let C: Int>(_ accumulators: inout InlineArray<C, InlineArray<R, __m256>>,
                                               _ rows: InlineArray<R, UnsafeRawPointer>,
                                               _ entries: InlineArray<C, UnsafeRawPointer>, _ pair: Int, _ firstOffset: Int, _ secondOffset: Int) {
        let ones16 = AVX2Vector.ones16
        for r in 0..<R {
            let w = Format.unpack(rows[r] + firstOffset, rows[r] + secondOffset)
            for c in 0..<C {
                let e = entries[c] + pair &* AVX2BlockPairColumns.entryBytes
                let yLow = e.loadUnaligned(fromByteOffset: AVX2BlockPairColumns.lowOffset, as: __m256i.self)
                let yHigh = e.loadUnaligned(fromByteOffset: AVX2BlockPairColumns.highOffset, as: __m256i.self)
                var sums: __m256i
                if Format.signedCodes {
                    // Pair sums reach 2 * 127 * 127: each half is widened before they are added.
                    sums = _mm256_add_epi32(
                        _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w.low, w.low), _mm256_sign_epi8(yLow, w.low)), ones16),
                        _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w.high, w.high), _mm256_sign_epi8(yHigh, w.high)), ones16))
                } else {
                    sums = _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(w.low, yLow), _mm256_maddubs_epi16(w.high, yHigh)), ones16)
                }
                if Format.codeOffset != 0 {
                    // [S0, 0, S1, 0] widened to int32 lanes 0 and 4.
                    let offsets = e.loadUnaligned(fromByteOffset: AVX2BlockPairColumns.offsetsOffset, as: __m128i.self)
                    sums = _mm256_sub_epi32(sums, _mm256_cvtepu32_epi64(offsets))
                }
                // The 16 bytes from `scales` hold [d0, d1] and then `sums` (finite), which meet w.scales' zero lanes.
                let columnScales = e.loadUnaligned(fromByteOffset: AVX2BlockPairColumns.scalesOffset, as: __m128.self)
                let scales = spread(_mm_mul_ps(w.scales, columnScales))
                var acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), scales, accumulators[c][r])
                if Format.hasMinimum {
                    // m * s per block, in lanes 0 and 1 (8-byte load: the upper lanes stay 0).
                    let columnSums = _mm_castsi128_ps(_mm_cvtsi64_si128(e.loadUnaligned(fromByteOffset: AVX2BlockPairColumns.sumsOffset, as: Int64.self)))
                    acc = _mm256_add_ps(acc, _mm256_zextps128_ps256(_mm_mul_ps(w.minimums, columnSums)))
                }
                accumulators[c][r] = acc
            }
        }
    }

    /// Runs the R x C tile chosen by `parameters` over `rows`.
    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2BlockPairColumns.with(xq, n: n, blocks: w.columns / 32, activation: Format.activationType,
                                  offset: Format.codeOffset, prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }
}

#endif
