import KernelCore
import ReferenceKernels

/// Every kernel variant compiled into this build. Instruction-set targets add their lists here; the registry
/// decides at run time which of them this CPU can run.
public enum KernelCatalog {
    public static let registry = KernelRegistry(ReferenceKernels.all)
}
