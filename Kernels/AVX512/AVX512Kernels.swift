import KernelCore

/// The variants this target contributes to the registry.
public enum AVX512Kernels {
    public static var all: [KernelVariant] {
        #if arch(x86_64)
        []
        #else
        []  // this instruction set does not exist here
        #endif
    }
}
