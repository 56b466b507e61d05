#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// iq4_nl x q8_0: two blocks per register (`AVX2BlockPairKernel`), q4_0's nibble split, then each 4-bit index looked
/// up in the 16-value grid with one `vpshufb` (ggml's AVX2 `ggml_vec_dot_iq4_nl_q8_0`); the grid values are signed,
/// so the products take the sign trick (`signedCodes`).
enum AVX2IQ4_NL: AVX2BlockPairFormat {
    static var bytesPerBlock: Int { IQ4_NL.bytesPerBlock }
    static var activationType: GGMLType { .q8_0 }
    static var codeOffset: Int32 { 0 }
    static var hasMinimum: Bool { false }
    static var signedCodes: Bool { true }

    /// `IQ4_NL.grid` in both 128-bit lanes, written out: built from the array per block it cost half the speed.
    @inline(__always) static var grid: __m256i {
        _mm256_setr_epi8(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
                         -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113)
    }

    @inline(__always)
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair {
        let (low, high) = AVX2Vector.splitNibbles(AVX2Vector.pair(first + IQ4_NL.quantsOffset, second + IQ4_NL.quantsOffset))
        let table = grid
        return AVX2WeightPair(low: _mm256_shuffle_epi8(table, low), high: _mm256_shuffle_epi8(table, high),
                              scales: AVX2Vector.halves(first, second), minimums: _mm_setzero_ps())
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX2Quantize.q8_0,
                               computeRows: AVX2BlockPairKernel<Self>.computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .iq4_nl, parameters: AVX2TileShapes.parameters,
            summary: "iq4_nl two blocks per register, grid values by vpshufb, signed products via the sign trick x q8_0",
            kernel: kernel)
    }
}
#endif
