#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// Activation columns (q8_0 or q8_1) rearranged once per `computeRows` call for kernels that put two consecutive
/// 32-weight blocks of one row in one register: the weight kernels load 16 code bytes of block b into the low half
/// and 16 of block b + 1 into the high half, so the activations must come in the same shape. Each pair of blocks
/// (b = 2p, 2p + 1) becomes one 96-byte entry:
///
///     offset  size  field
///     0       32    low      q[0..15] of block 2p, then q[0..15] of block 2p + 1
///     32      32    high     q[16..31] of both blocks, the same way
///     64      16    offsets  int32 [offset * sum(q) of block 2p, 0, offset * sum(q) of block 2p + 1, 0]
///     80      8     scales   float [d of block 2p, d of block 2p + 1]
///     88      8     sums     q8_1 only: float [s of block 2p, s of block 2p + 1] (s = d * sum(q)); zeros for q8_0
///
/// A missing last block (odd block counts) is all zeros, so it adds nothing. `offsets` lets kernels multiply unsigned
/// weight codes (q4_0: q + 8, q5_0: q + 16) with `_mm256_maddubs_epi16` directly and subtract offset * sum(y)
/// afterwards, exactly, in int32: `vpmovzxdq` widens the field to lanes 0 and 4, one per block. That replaces ggml's
/// two sign instructions and the per-block offset subtraction. The entry is kept small on purpose: every row of the
/// call re-reads the whole table from L1/L2 next to a weight stream from DRAM, and with a 128-byte entry (offsets and
/// scales pre-expanded) decode from DRAM sped up markedly when the table was pinned to a few entries, i.e. table
/// traffic was costing bandwidth. Building costs O(N K) once per call.
struct AVX2BlockPairColumns {
    let entries: UnsafeRawPointer
    let pairs: Int
    /// Blocks in a column (the last pair is half empty when odd).
    let blocks: Int
    /// Bytes ahead of each weight row to prefetch (0: none); set by the caller for the whole call.
    var prefetch = 0

    static let entryBytes = 96
    static let lowOffset = 0, highOffset = 32, offsetsOffset = 64, scalesOffset = 80, sumsOffset = 88

    /// Tables for `n` columns of `blocks` blocks of `activation` (q8_0 or q8_1) at `xq`, in `storage`, with
    /// `offsets` holding `offset` * sum(y) (nothing when `offset` is 0).
    init(_ xq: UnsafeRawPointer, n: Int, blocks: Int, activation: GGMLType, offset: Int32, storage: AlignedBuffer) {
        precondition(activation == .q8_0 || activation == .q8_1, "block pairs are built from q8_0 or q8_1 columns")
        self.blocks = blocks
        pairs = (blocks + 1) / 2
        precondition(storage.count >= n * pairs * Self.entryBytes, "column table storage too small")
        entries = UnsafeRawPointer(storage.base)
        let withSums = activation == .q8_1
        let blockBytes = activation.bytesPerBlock, codesOffset = withSums ? Q8_1.quantsOffset : Q8_0.quantsOffset
        let columnBytes = blocks * blockBytes
        let ones8 = _mm_set1_epi8(1), ones16 = _mm_set1_epi16(1)
        for c in 0..<n {
            for b in 0..<blocks {
                let block = xq + c * columnBytes + b * blockBytes
                let entry = storage.base + (c * pairs + b / 2) * Self.entryBytes, half = b % 2
                let low = block.loadUnaligned(fromByteOffset: codesOffset, as: __m128i.self)
                let high = block.loadUnaligned(fromByteOffset: codesOffset + 16, as: __m128i.self)
                entry.storeBytes(of: low, toByteOffset: Self.lowOffset + 16 * half, as: __m128i.self)
                entry.storeBytes(of: high, toByteOffset: Self.highOffset + 16 * half, as: __m128i.self)
                if offset != 0 {
                    let pairSums = _mm_add_epi16(_mm_maddubs_epi16(ones8, low), _mm_maddubs_epi16(ones8, high))
                    let sum = unsafeBitCast(_mm_madd_epi16(pairSums, ones16), to: SIMD4<Int32>.self).wrappedSum()
                    entry.storeBytes(of: offset &* sum, toByteOffset: Self.offsetsOffset + 8 * half, as: Int32.self)
                }
                entry.storeBytes(of: Self.half(block), toByteOffset: Self.scalesOffset + 4 * half, as: Float.self)
                if withSums {
                    entry.storeBytes(of: Self.half(block + Q8_1.sumOffset), toByteOffset: Self.sumsOffset + 4 * half, as: Float.self)
                }
            }
        }
    }

    static func storageBytes(n: Int, blocks: Int) -> Int { n * ((blocks + 1) / 2) * entryBytes }

    @inline(__always) static func half(_ p: UnsafeRawPointer) -> Float {
        _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(Int32(p.loadUnaligned(as: UInt16.self)))))
    }

    /// Column `c`'s first entry.
    @inline(__always) func column(_ c: Int) -> UnsafeRawPointer { entries + c &* pairs &* Self.entryBytes }

    /// Runs `body` with tables for the columns at `xq`, allocated for this call only.
    static func with<Result>(_ xq: UnsafeRawPointer, n: Int, blocks: Int, activation: GGMLType, offset: Int32,
                             prefetch: Int, _ body: (AVX2BlockPairColumns) -> Result) -> Result {
        let storage = AlignedBuffer(count: storageBytes(n: n, blocks: blocks))
        return withExtendedLifetime(storage) {
            var columns = AVX2BlockPairColumns(xq, n: n, blocks: blocks, activation: activation, offset: offset, storage: storage)
            columns.prefetch = prefetch
            return body(columns)
        }
    }
}
#endif
