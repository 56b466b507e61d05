import AVX2Kernels
import AVX512Kernels
import AVX512TiledKernels
import KernelCore
import PortableKernels
import ReferenceKernels

/// Every kernel variant compiled into this build. Instruction-set targets add their lists here; the registry
/// decides at run time which of them this CPU can run.
public enum KernelCatalog {
    public static let registry = KernelRegistry(
        ReferenceKernels.all + PortableKernels.all + AVX2Kernels.all + AVX512Kernels.all + AVX512TiledKernels.all)

    /// Attention over the KV cache, widest instruction set first.
    public static let attentionKernels: [AttentionKernel] = AVX512Kernels.attention + AVX2Kernels.attention + [PortableKernels.attention]
}
