#if arch(x86_64)
import KernelCore
import QuantFormats

/// How this target names and registers its variants: `FMTxACT.avx2.rows` (single thread) and `FMTxACT.avx2.threaded`
/// from the same row kernel, both needing only what ggml's AVX2 build needs.
enum AVX2Variants {
    /// AVX2 for the integer work, FMA for the accumulation, F16C for the f16 block scales. No AVX-512 or VNNI: these
    /// run on Haswell to Alder Lake and Zen 1 to 3 as well.
    static let requiredFeatures: Set<CPUFeature> = [.avx2, .fma, .f16c]

    static func rowsAndThreaded(weights: GGMLType, parameters: [TunableParameter], summary: String,
                                kernel: RowKernel) -> [KernelVariant] {
        KernelVariant.singleAndThreaded(.avx2, .rows, weightType: weights, requiredFeatures: requiredFeatures,
                                        parameters: parameters, summary: summary, kernel: kernel)
    }
}
#endif
