// HELPER: before anything else, read /tmp/brief.md (context, rules: no git, no Package.swift edits, build and test
// commands, the kernel contract and the tests your variants must pass). Remove this comment when you replace the stub.
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
