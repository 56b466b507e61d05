#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q5_1 x q8_1: two blocks per register (`AVX2BlockPairKernel`), q5_0's five-bit codes (`AVX2Q5_0.fiveBitCodes`)
/// unsigned with no offset, and q4_1's minimum once per block as m * s, s = d * sum(y) from the q8_1 block.
enum AVX2Q5_1: AVX2BlockPairFormat {
    static var bytesPerBlock: Int { Q5_1.bytesPerBlock }
    static var activationType: GGMLType { .q8_1 }
    static var codeOffset: Int32 { 0 }
    static var hasMinimum: Bool { true }

    @inline(__always)
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair {
        let (low, high) = AVX2Q5_0.fiveBitCodes(first, second, highBitsOffset: Q5_1.highBitsOffset, quantsOffset: Q5_1.quantsOffset)
        return AVX2WeightPair(low: low, high: high, scales: AVX2Vector.halves(first, second),
                              minimums: AVX2Vector.halves(first + Q5_1.minimumOffset, second + Q5_1.minimumOffset))
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_1, quantizeColumn: AVX2Quantize.q8_1,
                               computeRows: AVX2BlockPairKernel<Self>.computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q5_1, parameters: AVX2TileShapes.parameters,
            summary: "q5_1 two blocks per register, fifth bit from qh by byte shuffle, codes x q8_1, minimum as m * s per block",
            kernel: kernel)
    }
}
#endif
