#if arch(x86_64)
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// q4_0 in the tiled layout. Per row group and block (320 bytes):
///
///     offset  size  field
///     0       256   4 vectors v = 0..<4; lane r holds bytes 4v ..< 4v + 4 of row r's qs: low nibbles are
///                   q[4v ..< 4v + 4], high nibbles q[16 + 4v ..< 16 + 4v + 4] (the block's bytes, just interleaved)
///     256     64    f32 d of the 16 rows
///
/// The codes stay unsigned (0...15) for `vpdpbusd`; the -8 offset enters as -8 * sum(x) starting each accumulator.
enum Q4_0Tiled: TiledFormat {
    static var weightType: GGMLType { .q4_0 }
    static var blockSize: Int { 32 }
    static var subBlockSize: Int { 32 }
    static var nibbleCodes: Bool { true }
    static var biasPerActivationSum: Int32 { -8 }
    static var hasMinimums: Bool { false }


    static var defaultShape: TileShape { TileShape(rows: 48, columns: 4, sliceValues: 2048) }
    static var quantizeActivations: QuantizeRow { AVX512Quantize.q8_0 }
    static var summary: String { "q4_0 x q8_0: 16-row interleaved nibbles, R x 16 rows x C columns of vpdpbusd per step, -8 folded into the accumulator start" }

    static func repack(_ matrix: QuantizedMatrix, group: Int, into destination: UnsafeMutableRawPointer) {
        for lane in 0..<TileLayout.rowsPerGroup {
            guard let row = Repack.row(matrix, group: group, lane: lane) else { continue }
            for block in 0..<matrix.columns / blockSize {
                let source = row + block * Q4_0.bytesPerBlock, out = destination + block * groupBlockBytes
                for v in 0..<4 {
                    let q = source + Q4_0.quantsOffset + 4 * v
                    Repack.storeCodes((q.load(as: UInt8.self), q.load(fromByteOffset: 1, as: UInt8.self),
                                       q.load(fromByteOffset: 2, as: UInt8.self), q.load(fromByteOffset: 3, as: UInt8.self)),
                                      out, vector: v, lane: lane)
                }
                Repack.storeLane(Repack.half(source, Q4_0.scaleOffset), out + scalesOffset, vector: 0, lane: lane)
            }
        }
    }
}
#endif
