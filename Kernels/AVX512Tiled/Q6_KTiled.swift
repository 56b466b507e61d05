#if arch(x86_64)
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// q6_K in the tiled layout, with the 6-bit codes unpacked to bytes (memory is traded for no unpacking in the loop:
/// prefill reads the weights once per slice and is bound by the dot products) and the int8 sub-block scales
/// pre-multiplied by d. Per row group and block (5120 bytes):
///
///     offset  size  field
///     0       4096  16 sub-blocks s of 4 vectors g; lane r holds codes q[16s + 4g ..< +4] (0...63) of row r
///     4096    1024  f32 d * scale[s], [s][row]
///
/// The -32 offset enters as -32 * sum(x) (q8_K's 16-value sums) starting each sub-block's accumulator.
enum Q6_KTiled: TiledFormat {
    static var weightType: GGMLType { .q6_K }
    static var blockSize: Int { 256 }
    static var subBlockSize: Int { 16 }
    static var nibbleCodes: Bool { false }
    static var biasPerActivationSum: Int32 { -32 }
    static var hasMinimums: Bool { false }


    /// The 6-bit code (0...63) of value `k` of a block (ggml's ql/qh split, see `Q6_K`).
    @inline(__always) static func code(_ block: UnsafeRawPointer, _ k: Int) -> UInt8 {
        let half = k / 128, quarter = (k % 128) / 32, l = k % 32
        let low = block.load(fromByteOffset: 64 * half + 32 * (quarter & 1) + l, as: UInt8.self)
        let lowBits = quarter < 2 ? low & 0x0f : low >> 4
        let high = block.load(fromByteOffset: Q6_K.highBitsOffset + 32 * half + l, as: UInt8.self)
        return lowBits | ((high >> (2 * UInt8(quarter))) & 3) << 4
    }

    static var defaultShape: TileShape { TileShape(rows: 48, columns: 4, sliceValues: 2048) }
    static var quantizeActivations: QuantizeRow { AVX512Quantize.q8_K }
    static var summary: String { "q6_K x q8_K: 16-row interleaved 6-bit codes as bytes, f32 d*scale per 16, R x 16 rows x C columns of vpdpbusd per step" }

    static func repack(_ matrix: QuantizedMatrix, group: Int, into destination: UnsafeMutableRawPointer) {
        for lane in 0..<TileLayout.rowsPerGroup {
            guard let row = Repack.row(matrix, group: group, lane: lane) else { continue }
            for block in 0..<matrix.columns / blockSize {
                let source = row + block * Q6_K.bytesPerBlock, out = destination + block * groupBlockBytes
                let d = Repack.half(source, Q6_K.scaleOffset)
                for g in 0..<blockSize / TileLayout.valuesPerLane {
                    let k = 4 * g
                    Repack.storeCodes((code(source, k), code(source, k + 1), code(source, k + 2), code(source, k + 3)),
                                      out, vector: g, lane: lane)
                }
                for s in 0..<subBlocks {
                    let scale = source.load(fromByteOffset: Q6_K.scalesOffset + s, as: Int8.self)
                    Repack.storeLane(d * Float(scale), out + scalesOffset, vector: s, lane: lane)
                }
            }
        }
    }
}
#endif
