#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q4_0 x q8_0 over the 4-row interleaved layout (`AVX2Q4_0x4`): a register tile of 4 rows x C columns.
///
/// One 32-byte load holds block b of two rows (one per 128-bit half); one mask and one shift-and-mask give both rows'
/// q[0..15] and q[16..31]. Each activation half is broadcast to both halves straight from the q8_0 block
/// (`vbroadcasti128`, a load), so per block, row pair and column the work is 2 maddubs + add + madd + sub (8 * sum(y),
/// exact, from `AVX2Q8_0Columns.offsets`) + convert + scale multiply + fma, with the unpacking and the scale spread
/// shared by the C columns and the activation loads shared by the 4 rows. Integer sums are exact, as in the row
/// kernel. The weights are read as one sequential stream (slice by slice) with software prefetch.
enum AVX2Q4_0Tiled {
    static let codeOffset: Int32 = 8

    /// Partial dot products of the group's 4 rows with C columns over `count` blocks from block `first`; `group`
    /// points at the group's first block of that slice.
    @inline(__always)
    static func tile<let C: Int>(_ group: UnsafeRawPointer, first: Int, count: Int, _ columns: InlineArray<C, Int>,
                                 _ x: AVX2Q8_0Columns) -> InlineArray<C, InlineArray<4, Float>> {
        var rows01 = InlineArray<C, __m256>(repeating: _mm256_setzero_ps())
        var rows23 = InlineArray<C, __m256>(repeating: _mm256_setzero_ps())
        let activations = InlineArray<C, UnsafeRawPointer> { x.column(columns[$0]) + first &* Q8_0.bytesPerBlock }
        let scales = InlineArray<C, UnsafePointer<Float>> { x.scales(columns[$0]) + first }
        let offsets = InlineArray<C, UnsafeRawPointer> { x.offsets(columns[$0]) + first &* AVX2Q8_0Columns.offsetBytes }
        let ones16 = AVX2Vector.ones16
        // vpshufb masks taking the f16 scales of rows (0, 1) and (2, 3) to [h, h, h, h, h', h', h', h'].
        let halves01 = _mm_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3)
        let halves23 = _mm_setr_epi8(4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7)
        var w = group, activationOffset = 0, offsetOffset = 0
        for b in 0..<count {
            if x.prefetch > 0 { AVX2Prefetch.lines(w + x.prefetch, bytes: AVX2Q4_0x4.blockBytes) }
            // Row scales for the two row pairs, lanes 0-3 for the first row of the pair and 4-7 for the second.
            // (An in-lane byte shuffle and one conversion: cross-lane float permutes measured slower here.)
            let halves = _mm_cvtsi64_si128(w.loadUnaligned(as: Int64.self))
            let d01 = _mm256_cvtph_ps(_mm_shuffle_epi8(halves, halves01)), d23 = _mm256_cvtph_ps(_mm_shuffle_epi8(halves, halves23))
            let (low01, high01) = AVX2Vector.splitNibbles(w.loadUnaligned(fromByteOffset: 8, as: __m256i.self))
            let (low23, high23) = AVX2Vector.splitNibbles(w.loadUnaligned(fromByteOffset: 40, as: __m256i.self))
            for c in 0..<C {
                let a = activations[c] + activationOffset
                let yLow = AVX2Vector.broadcast16(a + 2), yHigh = AVX2Vector.broadcast16(a + 18)
                let offset = AVX2Vector.broadcast16(offsets[c] + offsetOffset)
                let dy = _mm256_set1_ps(scales[c][b])
                let sums01 = _mm256_sub_epi32(_mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(low01, yLow),
                                                                                 _mm256_maddubs_epi16(high01, yHigh)), ones16), offset)
                let sums23 = _mm256_sub_epi32(_mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(low23, yLow),
                                                                                 _mm256_maddubs_epi16(high23, yHigh)), ones16), offset)
                rows01[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums01), _mm256_mul_ps(d01, dy), rows01[c])
                rows23[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums23), _mm256_mul_ps(d23, dy), rows23[c])
            }
            w += AVX2Q4_0x4.blockBytes
            activationOffset &+= Q8_0.bytesPerBlock
            offsetOffset &+= AVX2Q8_0Columns.offsetBytes
        }
        return InlineArray { c in
            let (row0, row1) = AVX2Vector.halfSums(rows01[c]), (row2, row3) = AVX2Vector.halfSums(rows23[c])
            return [row0, row1, row2, row3]
        }
    }

    static let columnsParameter = TunableParameter(
        name: .columns, values: [1, 2, 4], defaultValue: 4,
        summary: "activation columns per 4-row register tile; each unpacked weight block serves them all")
    static let sliceParameter = TunableParameter(
        name: .slice, values: [0, 1024, 4096, 8192], defaultValue: 4096,
        summary: "weights per K slice of the repacked layout; each slice's activations are re-read for every row group and should stay in L1 (0: whole rows)")
    static let panelParameter = TunableParameter(
        name: .panel, values: [0, 16, 64, 256], defaultValue: 64,
        summary: "activation columns per cache panel: every row group of a task runs over one panel before the next, so the panel stays in L2 (0: all columns at once)")

    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        guard let packed = weights.packed as? AVX2Q4_0x4 else { preconditionFailure("q4_0 AVX2 tiled weights are not prepared") }
        precondition(rows.lowerBound % AVX2Q4_0x4.rowsPerGroup == 0 && rows.upperBound <= packed.rows, "rows \(rows) are not whole groups")
        let panel = parameters[panelParameter.name] ?? panelParameter.defaultValue
        AVX2Q8_0Columns.with(xq, n: n, blocks: packed.blocks, offset: codeOffset, prefetch: AVX2Prefetch.distance(parameters)) { x in
            switch parameters[columnsParameter.name] ?? columnsParameter.defaultValue {
            case 1: AVX2Q4_0TiledPass<1>.run(packed, x, n: n, panel: panel, y, rows: rows)
            case 2: AVX2Q4_0TiledPass<2>.run(packed, x, n: n, panel: panel, y, rows: rows)
            case 4: AVX2Q4_0TiledPass<4>.run(packed, x, n: n, panel: panel, y, rows: rows)
            case let columns: preconditionFailure("q4_0 AVX2 tile of \(columns) columns is not compiled in")
            }
        }
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX2Quantize.q8_0,
                               rowAlignment: AVX2Q4_0x4.rowsPerGroup, computeRows: computeRows)
        let prepare: @Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights = { matrix, parameters in
            let slice = parameters[sliceParameter.name] ?? sliceParameter.defaultValue
            return PreparedWeights(matrix: matrix, layout: "q4_0x4 (4 rows interleaved per block, K slices of \(slice))",
                                   packed: AVX2Q4_0x4(matrix, sliceColumns: slice))
        }
        let summary = "q4_0 repacked as 4 interleaved rows, 4 x C register tile, row pairs per register, activation halves broadcast"
        let parameters = [columnsParameter, sliceParameter, panelParameter, AVX2Prefetch.parameter]
        // The repack depends on the K slice only.
        return KernelVariant.singleAndThreaded(.avx2, .tiled, weightType: .q4_0, requiredFeatures: AVX2Variants.requiredFeatures,
                                               parameters: parameters, summary: summary, prepare: prepare,
                                               preparedBy: [sliceParameter.name], kernel: kernel)
    }
}

/// The loops around the 4 x C tile: K slices outermost (the layout's order, so weights stream sequentially), then
/// column panels (so a panel's activations stay in cache while every row group of the task passes over them), then
/// row groups, then C columns at a time with a narrower tile for the rest. Slices after the first add to y.
enum AVX2Q4_0TiledPass<let C: Int> {
    static func run(_ packed: AVX2Q4_0x4, _ x: AVX2Q8_0Columns, n: Int, panel: Int,
                    _ y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let m = packed.rows, step = panel > 0 ? panel : n
        for s in 0..<packed.slices {
            let first = s * packed.sliceBlocks, count = packed.blockCount(slice: s), accumulate = s > 0
            var panelStart = 0
            while panelStart < n {
                let panelEnd = min(n, panelStart + step)
                var row = rows.lowerBound
                while row < rows.upperBound {
                    let group = packed.group(row / AVX2Q4_0x4.rowsPerGroup, slice: s)
                    let valid = min(AVX2Q4_0x4.rowsPerGroup, rows.upperBound - row)
                    var column = panelStart
                    while column + C <= panelEnd {
                        let start = column
                        let outputs = AVX2Q4_0Tiled.tile(group, first: first, count: count, InlineArray<C, Int> { start + $0 }, x)
                        store(outputs, y, m, row, valid, start, accumulate)
                        column += C
                    }
                    let start = column
                    switch panelEnd - column {
                    case 1: store(AVX2Q4_0Tiled.tile(group, first: first, count: count, InlineArray<1, Int>(repeating: start), x),
                                  y, m, row, valid, start, accumulate)
                    case 2: store(AVX2Q4_0Tiled.tile(group, first: first, count: count, InlineArray<2, Int> { start + $0 }, x),
                                  y, m, row, valid, start, accumulate)
                    case 3: store(AVX2Q4_0Tiled.tile(group, first: first, count: count, InlineArray<3, Int> { start + $0 }, x),
                                  y, m, row, valid, start, accumulate)
                    default: break
                    }
                    row += AVX2Q4_0x4.rowsPerGroup
                }
                panelStart = panelEnd
            }
        }
    }

    @inline(__always)
    static func store<let G: Int>(_ outputs: InlineArray<G, InlineArray<4, Float>>, _ y: UnsafeMutablePointer<Float>,
                                  _ m: Int, _ firstRow: Int, _ validRows: Int, _ firstColumn: Int, _ accumulate: Bool) {
        for c in 0..<G {
            for r in 0..<4 where r < validRows {
                let index = (firstColumn + c) * m + firstRow + r
                y[index] = accumulate ? y[index] + outputs[c][r] : outputs[c][r]
            }
        }
    }
}
#endif
