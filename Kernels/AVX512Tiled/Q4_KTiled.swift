#if arch(x86_64)
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// q4_K in the tiled layout, with the 6-bit scales and minimums unpacked and pre-multiplied by d and dmin (a one-time
/// cost that takes the bit-twiddling of `get_scale_min_k4` out of the loop). Per row group and block (3072 bytes):
///
///     offset  size  field
///     0       2048  8 sub-blocks s of 4 vectors v; lane r holds 4 bytes whose low nibbles are q[32s + 4v ..< +4] and
///                   high nibbles q[32s + 16 + 4v ..< +4] of row r (the q4_0 arrangement, per sub-block of 32)
///     2048    512   f32 d * scale[s], [s][row]
///     2560    512   f32 dmin * min[s], [s][row]
enum Q4_KTiled: TiledFormat {
    static var weightType: GGMLType { .q4_K }
    static var blockSize: Int { 256 }
    static var subBlockSize: Int { 32 }
    static var nibbleCodes: Bool { true }
    static var biasPerActivationSum: Int32 { 0 }
    static var hasMinimums: Bool { true }


    /// Code (0...15) of value `i` of sub-block `s`: byte 32 * (s / 2) + i, low nibble for even s, high for odd.
    @inline(__always) static func code(_ block: UnsafeRawPointer, _ s: Int, _ i: Int) -> UInt8 {
        let byte = block.load(fromByteOffset: Q4_K.quantsOffset + 32 * (s / 2) + i, as: UInt8.self)
        return s % 2 == 0 ? byte & 0x0f : byte >> 4
    }

    static var defaultShape: TileShape { TileShape(rows: 48, columns: 4, sliceValues: 2048) }
    static var quantizeActivations: QuantizeRow { AVX512Quantize.q8_K }
    static var summary: String { "q4_K x q8_K: 16-row interleaved nibbles, f32 d*scale and dmin*min per sub-block, R x 16 rows x C columns of vpdpbusd per step" }

    static func repack(_ matrix: QuantizedMatrix, group: Int, into destination: UnsafeMutableRawPointer) {
        for lane in 0..<TileLayout.rowsPerGroup {
            guard let row = Repack.row(matrix, group: group, lane: lane) else { continue }
            for block in 0..<matrix.columns / blockSize {
                let source = row + block * Q4_K.bytesPerBlock, out = destination + block * groupBlockBytes
                let d = Repack.half(source, Q4_K.scaleOffset), dmin = Repack.half(source, Q4_K.minimumOffset)
                for s in 0..<subBlocks {
                    for v in 0..<4 {
                        let i = 4 * v
                        let bytes = (code(source, s, i) | code(source, s, i + 16) << 4,
                                     code(source, s, i + 1) | code(source, s, i + 17) << 4,
                                     code(source, s, i + 2) | code(source, s, i + 18) << 4,
                                     code(source, s, i + 3) | code(source, s, i + 19) << 4)
                        Repack.storeCodes(bytes, out, vector: 4 * s + v, lane: lane)
                    }
                    let (scale, minimum) = Q4_K.scaleAndMin(s, source + Q4_K.scalesOffset)
                    Repack.storeLane(d * Float(scale), out + scalesOffset, vector: s, lane: lane)
                    Repack.storeLane(dmin * Float(minimum), out + minimumsOffset, vector: s, lane: lane)
                }
            }
        }
    }
}
#endif
