#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The register tile: R row groups (16 R rows, one zmm of int32 lanes per group) by C activation columns, for one
/// slice of K. Each step loads R code vectors (16 rows x 4 values of K) and issues R x C `vpdpbusd`, the activation
/// 4-byte groups broadcast straight from the packed stream, so every weight vector serves C columns and every
/// broadcast R row groups. R and C are compile-time (value generic) so the accumulators live in registers.
///
/// Per sub-block the integer accumulators start at the activation bias, take the sub-block's dot products, and are
/// converted to float once. Formats with one scale per block (q4_0, q8_0) fold it straight into the running sums:
/// total += float(acc) * (d_w * d_x). Formats with sub-block scales (q4_K, q6_K) first sum the block in float,
/// block += float(acc) * (d_w * scale_s), subtract q4_K's minimums once per block, and then total += block * d_x,
/// which saves one multiply per sub-block. The multiplies and fused multiply-adds share Zen 5's two ports with
/// `vpdpbusd`, which caps these kernels near 80% of the int8 peak (8 `vpdpbusd` to 2 float operations per flush).
/// (Starting the accumulators at the bits of 1.5 * 2^23 and subtracting that float, to replace `vcvtdq2ps` with an
/// add on the otherwise idle float-add ports, measured no faster.)
enum MicroKernel<let R: Int, let C: Int> {
    typealias Integers = InlineArray<R, InlineArray<C, __m512i>>
    typealias Floats = InlineArray<R, InlineArray<C, __m512>>

    /// Adds (or, for the first slice, stores) the tile's products over `blocks` blocks to y.
    ///
    /// - `weights`: row group 0's first block of the slice; row group i is `groupStride` bytes further.
    /// - `activations`: the column tile's first packed block (`ActivationPacker` layout).
    /// - `output`: y at (first row, first column); column j is `outputStride` floats further.
    /// - Only rows below `validRows` and columns below `validColumns` are written.
    @inline(__always)
    static func run<F: TiledFormat>(_ format: F.Type, weights: UnsafeRawPointer, groupStride: Int,
                                    activations: UnsafeRawPointer, blocks: Int,
                                    output: UnsafeMutablePointer<Float>, outputStride: Int,
                                    validRows: Int, validColumns: Int, accumulate: Bool) {
        let activationBytes = F.activationBlockBytes(columns: C)
        var total = Floats(repeating: .init(repeating: _mm512_setzero_ps()))
        var w = weights, x = activations
        for _ in 0..<blocks {
            if F.subBlocks == 1 {
                let acc = dotProducts(F.self, w, groupStride, x, subBlock: 0)
                for c in 0..<C {
                    let dx = _mm512_set1_ps(x.load(fromByteOffset: scaleOffset(F.self) + 4 * c, as: Float.self))
                    for r in 0..<R {
                        let scale = _mm512_mul_ps(_mm512_loadu_ps(w + r * groupStride + F.scalesOffset), dx)
                        total[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[r][c]), scale, total[r][c])
                    }
                }
            } else {
                var block = Floats(repeating: .init(repeating: _mm512_setzero_ps()))
                for s in 0..<F.subBlocks {
                    let acc = dotProducts(F.self, w, groupStride, x, subBlock: s)
                    for r in 0..<R {
                        let scale = _mm512_loadu_ps(w + r * groupStride + F.scalesOffset + s * TileLayout.vectorBytes)
                        for c in 0..<C { block[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[r][c]), scale, block[r][c]) }
                    }
                }
                if F.hasMinimums { subtractMinimums(F.self, &block, w, groupStride, x) }
                for c in 0..<C {
                    let dx = _mm512_set1_ps(x.load(fromByteOffset: scaleOffset(F.self) + 4 * c, as: Float.self))
                    for r in 0..<R { total[r][c] = _mm512_fmadd_ps(block[r][c], dx, total[r][c]) }
                }
            }
            w += F.groupBlockBytes
            x += activationBytes
        }
        store(total, output, outputStride, validRows: validRows, validColumns: validColumns, accumulate: accumulate)
    }

    /// block -= (dmin * min[s]) * xsum[s] for every sub-block s, in float.
    @inline(__always)
    static func subtractMinimums<F: TiledFormat>(_ format: F.Type, _ block: inout Floats, _ w: UnsafeRawPointer,
                                                 _ groupStride: Int, _ x: UnsafeRawPointer) {
        for s in 0..<F.subBlocks {
            for c in 0..<C {
                let xsum = _mm512_set1_ps(x.load(fromByteOffset: minimumOffset(F.self) + 4 * (s * C + c), as: Float.self))
                for r in 0..<R {
                    let minimum = _mm512_loadu_ps(w + r * groupStride + F.minimumsOffset + s * TileLayout.vectorBytes)
                    block[r][c] = _mm512_fnmadd_ps(minimum, xsum, block[r][c])
                }
            }
        }
    }

    /// Integer dot products of sub-block `s` for the whole tile, each accumulator started at the column's bias.
    @inline(__always)
    static func dotProducts<F: TiledFormat>(_ format: F.Type, _ w: UnsafeRawPointer, _ groupStride: Int,
                                            _ x: UnsafeRawPointer, subBlock s: Int) -> Integers {
        var acc = Integers(repeating: .init(repeating: _mm512_setzero_si512()))
        if F.biasPerActivationSum != 0 {
            for c in 0..<C {
                let bias = _mm512_set1_epi32(x.load(fromByteOffset: biasOffset(F.self) + 4 * (s * C + c), as: Int32.self))
                for r in 0..<R { acc[r][c] = bias }
            }
        }
        let lowNibbles = _mm512_set1_epi8(0x0f)
        let vectors = F.vectorsPerSubBlock
        let codes = w + s * vectors * TileLayout.vectorBytes
        let firstGroup = s * F.subBlockSize / TileLayout.valuesPerLane
        for v in 0..<vectors {
            if F.nibbleCodes {
                // Low nibbles are K-group v of the sub-block, high nibbles K-group v + vectors.
                var low = InlineArray<R, __m512i>(repeating: _mm512_setzero_si512()), high = low
                for r in 0..<R {
                    let packed = _mm512_loadu_si512(codes + r * groupStride + v * TileLayout.vectorBytes)
                    low[r] = _mm512_and_si512(packed, lowNibbles)
                    high[r] = _mm512_and_si512(_mm512_srli_epi16(packed, 4), lowNibbles)
                }
                for c in 0..<C {
                    let xLow = _mm512_set1_epi32(x.loadUnaligned(fromByteOffset: valueOffset(F.self, group: firstGroup + v, column: c), as: Int32.self))
                    let xHigh = _mm512_set1_epi32(x.loadUnaligned(fromByteOffset: valueOffset(F.self, group: firstGroup + v + vectors, column: c), as: Int32.self))
                    for r in 0..<R {
                        acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], low[r], xLow)
                        acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], high[r], xHigh)
                    }
                }
            } else {
                var bytes = InlineArray<R, __m512i>(repeating: _mm512_setzero_si512())
                for r in 0..<R { bytes[r] = _mm512_loadu_si512(codes + r * groupStride + v * TileLayout.vectorBytes) }
                for c in 0..<C {
                    let xv = _mm512_set1_epi32(x.loadUnaligned(fromByteOffset: valueOffset(F.self, group: firstGroup + v, column: c), as: Int32.self))
                    for r in 0..<R { acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], bytes[r], xv) }
                }
            }
        }
        return acc
    }

    @inline(__always) static func scaleOffset<F: TiledFormat>(_ format: F.Type) -> Int {
        ActivationPacker.scaleOffset(F.self, tileColumns: C)
    }
    @inline(__always) static func biasOffset<F: TiledFormat>(_ format: F.Type) -> Int {
        ActivationPacker.biasOffset(F.self, tileColumns: C)
    }
    @inline(__always) static func minimumOffset<F: TiledFormat>(_ format: F.Type) -> Int {
        ActivationPacker.minimumOffset(F.self, tileColumns: C)
    }
    /// Byte offset of K-group `group` (values 4 group ..< 4 group + 4 of the block) of column `c`.
    @inline(__always) static func valueOffset<F: TiledFormat>(_ format: F.Type, group: Int, column c: Int) -> Int {
        c * F.blockSize + TileLayout.valuesPerLane * group
    }

    /// Writes the tile to y: full 16-row vectors directly, the last partial row group under a mask.
    @inline(__always)
    static func store(_ total: Floats, _ output: UnsafeMutablePointer<Float>, _ outputStride: Int,
                      validRows: Int, validColumns: Int, accumulate: Bool) {
        for c in 0..<C where c < validColumns {
            for r in 0..<R {
                let rows = validRows - r * TileLayout.rowsPerGroup
                if rows <= 0 { break }
                let p = output + c * outputStride + r * TileLayout.rowsPerGroup
                if rows >= TileLayout.rowsPerGroup {
                    _mm512_storeu_ps(p, accumulate ? _mm512_add_ps(_mm512_loadu_ps(p), total[r][c]) : total[r][c])
                } else {
                    let mask = __mmask16(truncatingIfNeeded: (1 << rows) - 1)
                    let value = accumulate ? _mm512_add_ps(_mm512_maskz_loadu_ps(mask, p), total[r][c]) : total[r][c]
                    _mm512_mask_storeu_ps(p, mask, value)
                }
            }
        }
    }
}
#endif
