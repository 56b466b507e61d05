#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q4_0 x q8_0: two blocks per register (`AVX2BlockPairKernel`), codes kept unsigned (q + 8) for `maddubs`, the 8
/// taken back as 8 * sum(y) from the activation table.
enum AVX2Q4_0: AVX2BlockPairFormat {
    static var bytesPerBlock: Int { Q4_0.bytesPerBlock }
    static var activationType: GGMLType { .q8_0 }
    static var codeOffset: Int32 { 8 }
    static var hasMinimum: Bool { false }

    /// Layout (Q4_0): f16 d at 0, 16 bytes of nibbles at 2 (low nibble q[j], high nibble q[j + 16]).
    @inline(__always)
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair {
        let (low, high) = AVX2Vector.splitNibbles(AVX2Vector.pair(first + Q4_0.quantsOffset, second + Q4_0.quantsOffset))
        return AVX2WeightPair(low: low, high: high, scales: AVX2Vector.halves(first, second), minimums: _mm_setzero_ps())
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX2Quantize.q8_0,
                               computeRows: AVX2BlockPairKernel<Self>.computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q4_0, parameters: AVX2TileShapes.parameters,
            summary: "q4_0 two blocks per register, unsigned codes x q8_0 via maddubs, offset as exact int sums; R x C register tile",
            kernel: kernel)
    }
}
#endif
