import ExampleKernels
import X86AVX2Kernels
import X86AVX512Kernels
import X86AVX512TiledKernels
import KernelCore
import PortableKernels
import ReferenceKernels

/// Every kernel variant compiled into this build that this CPU may enter. Instruction-set targets add their lists
/// here; the registry decides at run time which variants this CPU runs.
public enum KernelCatalog {
    /// An instruction-set target and the features its whole module is compiled for (its flags in Package.swift).
    /// The compiler uses those instructions anywhere in the module, registration code included, so a CPU without
    /// them must not call into it at all: there the target is withheld, not registered.
    struct InstructionSetTarget: Sendable {
        let name: String
        let compiledFor: Set<CPUFeature>
        let variants: @Sendable () -> [KernelVariant]
        let attention: @Sendable () -> [AttentionKernel]
    }

    /// Widest first.
    static let instructionSetTargets: [InstructionSetTarget] = {
        #if arch(x86_64)
        let avx2 = CPUFeature.avx2Target, avx512 = CPUFeature.avx512Target
        return [
            InstructionSetTarget(name: "AVX512Kernels", compiledFor: avx512, variants: { AVX512Kernels.all }, attention: { AVX512Kernels.attention }),
            InstructionSetTarget(name: "AVX512TiledKernels", compiledFor: avx512, variants: { AVX512TiledKernels.all }, attention: { [] }),
            InstructionSetTarget(name: "AVX2Kernels", compiledFor: avx2, variants: { AVX2Kernels.all }, attention: { AVX2Kernels.attention }),
        ]
        #else
        return []  // these instruction sets do not exist here
        #endif
    }()

    static var enterable: [InstructionSetTarget] {
        instructionSetTargets.filter { HostCPU.current.features.isSuperset(of: $0.compiledFor) }
    }

    /// The instruction-set targets this CPU cannot enter, each with the features it lacks (for `list`).
    public static var withheld: [(target: String, missing: [CPUFeature])] {
        instructionSetTargets.compactMap { t in
            let missing = t.compiledFor.subtracting(HostCPU.current.features).sorted()
            return missing.isEmpty ? nil : (t.name, missing)
        }
    }

    public static let registry = KernelRegistry(
        ReferenceKernels.all + PortableKernels.all + ExampleKernels.all + enterable.flatMap { $0.variants() })

    /// Attention over the KV cache, widest instruction set first.
    public static let attentionKernels: [AttentionKernel] = enterable.flatMap { $0.attention() } + [PortableKernels.attention]
}
