#if arch(x86_64)
import KernelCore
import QuantFormats

/// q4_0 weights repacked once for the tiled kernel: rows in groups of 4, the group's blocks interleaved so that one
/// block index of all 4 rows is 72 contiguous bytes:
///
///     offset  size  field
///     0       8     d        f16 scales of rows 0, 1, 2, 3
///     8       16    codes    row 0's 16 nibble bytes, unchanged (low nibble q[j], high nibble q[j + 16])
///     24      16    codes    row 1
///     40      16    codes    row 2
///     56      16    codes    row 3
///
/// The columns are cut into slices of `sliceBlocks` blocks, stored slice after slice: slice s holds every group's
/// blocks of that slice, group after group. The kernel runs slice by slice, so it reads the whole buffer as one
/// sequential stream (this machine reads two or more interleaved streams at under half the bandwidth) while the
/// activations it re-reads for every group are only one slice long and stay in L1 next to the weight stream (at
/// K = 16384 unsliced they do not, and decode from DRAM slows to about half). The two rows of a 32-byte load sit in
/// the two 128-bit halves of one register, and one `vcvtph2ps` converts all four scales. A last group with fewer
/// than 4 rows repeats its last row; the kernel's outputs for the repeats are discarded.
final class AVX2Q4_0x4: Sendable {
    static let rowsPerGroup = 4
    static let scalesBytes = 8
    static let codesBytes = 16
    static let blockBytes = scalesBytes + rowsPerGroup * codesBytes

    let storage: AlignedBuffer
    let rows: Int
    let groups: Int
    let blocks: Int
    let sliceBlocks: Int
    var slices: Int { (blocks + sliceBlocks - 1) / sliceBlocks }

    /// Repacks `matrix` with slices of `sliceColumns` weights (0: one slice of the whole row).
    init(_ matrix: QuantizedMatrix, sliceColumns: Int) {
        precondition(matrix.type == .q4_0, "AVX2Q4_0x4 repacks q4_0 rows, not \(matrix.type.name)")
        precondition(sliceColumns >= 0 && sliceColumns % Q4_0.blockSize == 0, "slices are whole blocks")
        rows = matrix.rows
        blocks = matrix.columns / Q4_0.blockSize
        sliceBlocks = sliceColumns == 0 ? blocks : min(blocks, sliceColumns / Q4_0.blockSize)
        groups = (matrix.rows + Self.rowsPerGroup - 1) / Self.rowsPerGroup
        storage = AlignedBuffer(count: groups * blocks * Self.blockBytes)
        for s in 0..<slices {
            for g in 0..<groups {
                let first = group(g, slice: s)
                for i in 0..<Self.rowsPerGroup {
                    let row = matrix.row(min(g * Self.rowsPerGroup + i, matrix.rows - 1))
                    for b in 0..<blockCount(slice: s) {
                        let source = row + (s * sliceBlocks + b) * Q4_0.bytesPerBlock
                        let block = UnsafeMutableRawPointer(mutating: first) + b * Self.blockBytes
                        block.storeBytes(of: source.loadUnaligned(as: UInt16.self), toByteOffset: 2 * i, as: UInt16.self)
                        (block + Self.scalesBytes + Self.codesBytes * i).copyMemory(from: source + 2, byteCount: Self.codesBytes)
                    }
                }
            }
        }
    }

    /// Blocks in slice `s` (the last one may be shorter).
    @inline(__always) func blockCount(slice s: Int) -> Int { min(sliceBlocks, blocks - s &* sliceBlocks) }

    /// Group `g`'s first block of slice `s`.
    @inline(__always) func group(_ g: Int, slice s: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(storage.base) + (s &* sliceBlocks &* groups &+ g &* blockCount(slice: s)) &* Self.blockBytes
    }
}
#endif
