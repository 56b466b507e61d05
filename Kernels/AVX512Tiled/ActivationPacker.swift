#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// Re-lays quantized activation columns (q8_0 or q8_K, exactly the scalar quantizer's bytes) out for the micro-kernel,
/// one slice of K at a time, as BLIS packs its B panel. Columns go in tiles of C (the last tile padded with zero
/// columns, which compute zeros that are never stored); per tile and block:
///
///     offset                 size               field
///     0                      C * blockSize      [column][k]: the block's int8 values, copied as they are
///     C * blockSize          4 * C              [column] f32 dx, the block's activation scale
///     then, with a bias      4 * C * subBlocks  [sub-block][column] int32 accumulator start,
///                                               bias * sum(x over the sub-block)
///     then, with minimums    4 * C * subBlocks  [sub-block][column] f32 sum(x over the sub-block), from q8_K's
///                                               16-value sums
///
/// so that the micro-kernel reads one contiguous stream (a few cache lines per block) and broadcasts each 4-byte
/// group straight from it, and packing is a copy plus a few sums.
enum ActivationPacker {
    /// Packs blocks `firstBlock ..< firstBlock + blocks` of the `n` columns at `columns` (each `columnBytes` long)
    /// into `destination`, tile after tile (`blocks * activationBlockBytes(columns: tileColumns)` bytes per tile).
    static func pack<F: TiledFormat>(_ format: F.Type, columns: UnsafeRawPointer, columnBytes: Int, n: Int,
                                     firstBlock: Int, blocks: Int, tileColumns: Int,
                                     into destination: UnsafeMutableRawPointer) {
        let blockBytes = F.activationBlockBytes(columns: tileColumns)
        let sourceBytes = sourceBlockBytes(F.self)
        let tiles = (n + tileColumns - 1) / tileColumns
        for tile in 0..<tiles {
            let firstColumn = tile * tileColumns
            let liveColumns = min(tileColumns, n - firstColumn)
            let tileOut = destination + tile * blocks * blockBytes
            // One column at a time, so that each source column is read front to back.
            for c in 0..<liveColumns {
                var source = columns + (firstColumn + c) * columnBytes + firstBlock * sourceBytes
                var out = tileOut
                for _ in 0..<blocks {
                    packColumn(F.self, source, into: out, column: c, tileColumns: tileColumns)
                    source += sourceBytes
                    out += blockBytes
                }
            }
            for c in liveColumns..<tileColumns {
                var out = tileOut
                for _ in 0..<blocks {
                    zeroColumn(F.self, out, column: c, tileColumns: tileColumns)
                    out += blockBytes
                }
            }
        }
    }

    /// Bytes of one activation block: q8_0 (32 values) or q8_K (256 values).
    @inline(__always) static func sourceBlockBytes<F: TiledFormat>(_ format: F.Type) -> Int {
        F.blockSize == Q8_K.blockSize ? Q8_K.bytesPerBlock : Q8_0.bytesPerBlock
    }

    /// Byte offsets of the fields after the values, for a tile of `tileColumns`.
    @inline(__always) static func scaleOffset<F: TiledFormat>(_ format: F.Type, tileColumns: Int) -> Int {
        F.blockSize &* tileColumns
    }
    @inline(__always) static func biasOffset<F: TiledFormat>(_ format: F.Type, tileColumns: Int) -> Int {
        scaleOffset(F.self, tileColumns: tileColumns) &+ 4 &* tileColumns
    }
    @inline(__always) static func minimumOffset<F: TiledFormat>(_ format: F.Type, tileColumns: Int) -> Int {
        biasOffset(F.self, tileColumns: tileColumns) &+ (F.biasPerActivationSum != 0 ? 4 &* tileColumns &* F.subBlocks : 0)
    }

    /// One column's block into its slots of the tile block at `out`.
    @inline(__always)
    static func packColumn<F: TiledFormat>(_ format: F.Type, _ source: UnsafeRawPointer, into out: UnsafeMutableRawPointer,
                                           column c: Int, tileColumns: Int) {
        let isQ8K = F.blockSize == Q8_K.blockSize
        let values = source + (isQ8K ? Q8_K.quantsOffset : Q8_0.quantsOffset)
        let valuesOut = out + c &* F.blockSize
        var sums = (Int32(0), Int32(0))   // q8_0 has one sub-block: its sum, computed while copying
        if isQ8K {
            for i in 0..<F.blockSize / TileLayout.vectorBytes {
                _mm512_storeu_si512(valuesOut + i * TileLayout.vectorBytes, _mm512_loadu_si512(values + i * TileLayout.vectorBytes))
            }
        } else {
            let v = _mm256_loadu_si256(values.assumingMemoryBound(to: __m256i.self))
            _mm256_storeu_si256(valuesOut.assumingMemoryBound(to: __m256i.self), v)
            sums.0 = sum32(v)
        }
        let dx = isQ8K ? source.loadUnaligned(as: Float.self) : halfToFloat(source.loadUnaligned(as: UInt16.self))
        out.storeBytes(of: dx, toByteOffset: scaleOffset(F.self, tileColumns: tileColumns) &+ 4 &* c, as: Float.self)
        if F.biasPerActivationSum != 0 {
            let base = biasOffset(F.self, tileColumns: tileColumns)
            for s in 0..<F.subBlocks {
                let sum = isQ8K ? q8KSum(F.self, source, s) : sums.0
                out.storeBytes(of: F.biasPerActivationSum &* sum,
                               toByteOffset: base &+ 4 &* (s &* tileColumns &+ c), as: Int32.self)
            }
        }
        if F.hasMinimums {
            let base = minimumOffset(F.self, tileColumns: tileColumns)
            for s in 0..<F.subBlocks {
                out.storeBytes(of: Float(q8KSum(F.self, source, s)), toByteOffset: base &+ 4 &* (s &* tileColumns &+ c), as: Float.self)
            }
        }
    }

    /// Sum of 32 int8: the unsigned sum of (x XOR 0x80) = x + 128 by `vpsadbw`, less 32 * 128.
    @inline(__always) static func sum32(_ v: __m256i) -> Int32 {
        let sad = _mm256_sad_epu8(_mm256_xor_si256(v, _mm256_set1_epi8(-128)), _mm256_setzero_si256())
        let total = unsafeBitCast(sad, to: SIMD4<Int64>.self).wrappedSum()
        return Int32(truncatingIfNeeded: total) &- 32 &* 128
    }

    /// The f16 bits as f32 with F16C's `vcvtph2ps`.
    @inline(__always) static func halfToFloat(_ bits: UInt16) -> Float {
        _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(Int32(bits))))
    }

    /// Sum of sub-block `s`'s values from q8_K's 16-value sums.
    @inline(__always) static func q8KSum<F: TiledFormat>(_ format: F.Type, _ source: UnsafeRawPointer, _ s: Int) -> Int32 {
        var sum: Int32 = 0
        let sumsPerSubBlock = F.subBlockSize / Q8_K.valuesPerSum
        for j in s * sumsPerSubBlock..<(s + 1) * sumsPerSubBlock {
            sum &+= Int32(source.loadUnaligned(fromByteOffset: Q8_K.sumsOffset + 2 * j, as: Int16.self))
        }
        return sum
    }

    /// A padding column: zeros everywhere.
    @inline(__always)
    static func zeroColumn<F: TiledFormat>(_ format: F.Type, _ out: UnsafeMutableRawPointer, column c: Int, tileColumns: Int) {
        (out + c &* F.blockSize).initializeMemory(as: UInt8.self, repeating: 0, count: F.blockSize)
        out.storeBytes(of: Float(0), toByteOffset: scaleOffset(F.self, tileColumns: tileColumns) &+ 4 &* c, as: Float.self)
        if F.biasPerActivationSum != 0 {
            let base = biasOffset(F.self, tileColumns: tileColumns)
            for s in 0..<F.subBlocks {
                out.storeBytes(of: Int32(0), toByteOffset: base &+ 4 &* (s &* tileColumns &+ c), as: Int32.self)
            }
        }
        if F.hasMinimums {
            let base = minimumOffset(F.self, tileColumns: tileColumns)
            for s in 0..<F.subBlocks {
                out.storeBytes(of: Float(0), toByteOffset: base &+ 4 &* (s &* tileColumns &+ c), as: Float.self)
            }
        }
    }
}
#endif
