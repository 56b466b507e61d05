#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q4_1 x q8_1: two blocks per register (`AVX2BlockPairKernel`). The codes are unsigned (0...15) with no offset, and
/// the minimum enters once per block as m * s, with s = d * sum(y) from the q8_1 block (ggml's
/// `ggml_vec_dot_q4_1_q8_1`).
enum AVX2Q4_1: AVX2BlockPairFormat {
    static var bytesPerBlock: Int { Q4_1.bytesPerBlock }
    static var activationType: GGMLType { .q8_1 }
    static var codeOffset: Int32 { 0 }
    static var hasMinimum: Bool { true }

    /// Layout (Q4_1): f16 d at 0, f16 m at 2, 16 bytes of nibbles at 4 (low nibble q[j], high nibble q[j + 16]).
    @inline(__always)
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair {
        let (low, high) = AVX2Vector.splitNibbles(AVX2Vector.pair(first + Q4_1.quantsOffset, second + Q4_1.quantsOffset))
        return AVX2WeightPair(low: low, high: high, scales: AVX2Vector.halves(first, second),
                              minimums: AVX2Vector.halves(first + Q4_1.minimumOffset, second + Q4_1.minimumOffset))
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_1, quantizeColumn: AVX2Quantize.q8_1,
                               computeRows: AVX2BlockPairKernel<Self>.computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q4_1, parameters: AVX2TileShapes.parameters,
            summary: "q4_1 two blocks per register, codes x q8_1 via maddubs, minimum as m * s per block; R x C register tile",
            kernel: kernel)
    }
}
#endif
