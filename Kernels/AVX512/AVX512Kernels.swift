import KernelCore

/// The variants this target contributes to the registry: AVX-512 VNNI row kernels for decode, each as a
/// single-threaded `.rows` variant and its `.threaded` form.
public enum AVX512Kernels {
    public static var all: [KernelVariant] {
        #if arch(x86_64)
        AVX512RowVariants.all
        #else
        []  // this instruction set does not exist here
        #endif
    }
}
