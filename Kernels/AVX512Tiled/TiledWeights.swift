#if arch(x86_64)
import KernelCore
import QuantFormats

/// Weights repacked once for the tiled kernels: rows in groups of 16, each group's blocks one after another, and
/// within a block the 16 rows' codes interleaved 4 values of K at a time (one 64-byte vector per 4 K-values, or per
/// 2 x 4 K-values for 4-bit codes), followed by the 16 rows' f32 scales (and minimums). A group past the last row is
/// padded with zero codes and zero scales, so it computes zeros that are never stored.
final class TiledWeights: @unchecked Sendable {
    let storage: AlignedBuffer
    let rows: Int
    let rowGroups: Int
    let blocksPerRow: Int
    /// Bytes of one row group's block (`TiledFormat.groupBlockBytes`).
    let groupBlockBytes: Int

    /// Bytes from one row group to the next.
    var groupStride: Int { blocksPerRow * groupBlockBytes }

    init<F: TiledFormat>(_ format: F.Type, repacking matrix: QuantizedMatrix) {
        precondition(matrix.type == F.weightType, "tiled \(F.weightType.name) kernel given \(matrix.type.name) weights")
        rows = matrix.rows
        rowGroups = (matrix.rows + TileLayout.rowsPerGroup - 1) / TileLayout.rowsPerGroup
        blocksPerRow = matrix.columns / F.blockSize
        groupBlockBytes = F.groupBlockBytes
        storage = AlignedBuffer(count: rowGroups * blocksPerRow * groupBlockBytes)
        let stride = blocksPerRow * groupBlockBytes
        for group in 0..<rowGroups { F.repack(matrix, group: group, into: storage.base + group * stride) }
    }

    /// The packed block `block` of row group `group`.
    func block(group: Int, block: Int) -> UnsafeRawPointer {
        precondition(group >= 0 && group < rowGroups && block >= 0 && block < blocksPerRow, "packed block out of range")
        return UnsafeRawPointer(storage.base) + group * groupStride + block * groupBlockBytes
    }

    /// A `prepare` closure for format `F`: the one-time repack.
    static func prepare<F: TiledFormat>(_ format: F.Type) -> @Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights {
        { matrix, _ in
            PreparedWeights(matrix: matrix, layout: "\(F.weightType.name)x16 interleaved by 4",
                            packed: TiledWeights(F.self, repacking: matrix))
        }
    }
}

/// Helpers the per-format repack functions share.
enum Repack {
    /// Row `16 * group + lane` of the matrix, or nil past its last row (the lane is zero-padded).
    static func row(_ matrix: QuantizedMatrix, group: Int, lane: Int) -> UnsafeRawPointer? {
        let r = group * TileLayout.rowsPerGroup + lane
        return r < matrix.rows ? matrix.row(r) : nil
    }

    /// Stores `value` as the f32 of lane `lane` in the 16-lane vector `vector` after `base`.
    @inline(__always) static func storeLane(_ value: Float, _ base: UnsafeMutableRawPointer, vector: Int, lane: Int) {
        base.storeBytes(of: value, toByteOffset: vector * TileLayout.vectorBytes + 4 * lane, as: Float.self)
    }

    /// Stores the 4 code bytes of lane `lane` in the 16-lane vector `vector` after `base`.
    @inline(__always) static func storeCodes(_ bytes: (UInt8, UInt8, UInt8, UInt8), _ base: UnsafeMutableRawPointer,
                                             vector: Int, lane: Int) {
        let offset = vector * TileLayout.vectorBytes + 4 * lane
        base.storeBytes(of: bytes.0, toByteOffset: offset, as: UInt8.self)
        base.storeBytes(of: bytes.1, toByteOffset: offset + 1, as: UInt8.self)
        base.storeBytes(of: bytes.2, toByteOffset: offset + 2, as: UInt8.self)
        base.storeBytes(of: bytes.3, toByteOffset: offset + 3, as: UInt8.self)
    }

    /// The f16 at `offset` as f32.
    @inline(__always) static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Scalars.float(halfBits: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
#endif
