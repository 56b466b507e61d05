import KernelCore

/// The variants this target contributes to the registry: AVX2 + FMA + F16C kernels in ggml's AVX2 style
/// (`maddubs` + `madd`, no AVX-512, no VNNI): register-tiled row kernels over the weights as stored for q4_0, q4_1,
/// q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K, iq4_nl and iq4_xs, a repacked 4-row tiled kernel for q4_0, and the threaded form of each.
public enum AVX2Kernels {
    public static var all: [KernelVariant] {
        #if arch(x86_64)
        AVX2Q4_0.variants + AVX2Q4_0Tiled.variants + AVX2Q4_1.variants + AVX2Q5_0.variants + AVX2Q5_1.variants + AVX2IQ4_NL.variants + AVX2Q8_0.variants
            + AVX2Q4_K.variants + AVX2Q5_K.variants + AVX2Q6_K.variants + AVX2Q3_K.variants + AVX2Q2_K.variants + AVX2IQ4_XS.variants
        #else
        []  // this instruction set does not exist here
        #endif
    }
}
