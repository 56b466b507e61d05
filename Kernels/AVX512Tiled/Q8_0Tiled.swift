#if arch(x86_64)
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// q8_0 in the tiled layout. Per row group and block (576 bytes):
///
///     offset  size  field
///     0       512   8 vectors g = 0..<8; lane r holds q[4g ..< 4g + 4] of row r, each XOR 0x80 (q + 128, unsigned)
///     512     64    f32 d of the 16 rows
///
/// `vpdpbusd` needs one unsigned operand; the weights take it (as q + 128) so that the activations can be broadcast
/// straight from memory, and the +128 is undone by starting each accumulator at -128 * sum(x).
enum Q8_0Tiled: TiledFormat {
    static var weightType: GGMLType { .q8_0 }
    static var blockSize: Int { 32 }
    static var subBlockSize: Int { 32 }
    static var nibbleCodes: Bool { false }
    static var biasPerActivationSum: Int32 { -128 }
    static var hasMinimums: Bool { false }

    /// Flips int8 two's complement to the same value plus 128 as uint8.
    static let signFlip: UInt8 = 0x80

    static var defaultShape: TileShape { TileShape(rows: 48, columns: 4, sliceValues: 2048) }
    static var quantizeActivations: QuantizeRow { AVX512Quantize.q8_0 }
    static var summary: String { "q8_0 x q8_0: 16-row interleaved q+128 bytes, R x 16 rows x C columns of vpdpbusd per step, -128 folded into the accumulator start" }

    static func repack(_ matrix: QuantizedMatrix, group: Int, into destination: UnsafeMutableRawPointer) {
        for lane in 0..<TileLayout.rowsPerGroup {
            guard let row = Repack.row(matrix, group: group, lane: lane) else { continue }
            for block in 0..<matrix.columns / blockSize {
                let source = row + block * Q8_0.bytesPerBlock, out = destination + block * groupBlockBytes
                for g in 0..<8 {
                    let q = source + Q8_0.quantsOffset + 4 * g
                    Repack.storeCodes((q.load(as: UInt8.self) ^ signFlip, q.load(fromByteOffset: 1, as: UInt8.self) ^ signFlip,
                                       q.load(fromByteOffset: 2, as: UInt8.self) ^ signFlip,
                                       q.load(fromByteOffset: 3, as: UInt8.self) ^ signFlip),
                                      out, vector: g, lane: lane)
                }
                Repack.storeLane(Repack.half(source, Q8_0.scaleOffset), out + scalesOffset, vector: 0, lane: lane)
            }
        }
    }
}
#endif
