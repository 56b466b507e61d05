import KernelCore

/// The variants this target contributes to the registry.
public enum PortableKernels {
    public static var all: [KernelVariant] {
        []
    }
}
