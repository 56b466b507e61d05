import KernelCore
import QuantFormats

/// The reference variants of every weight format in the traits table: a new format gets them automatically.
public enum ReferenceKernels {
    public static var all: [KernelVariant] {
        FormatTraits.weightFormats.flatMap { [ExactReference.variant(for: $0), ScalarReference.variant(for: $0)] }
    }
}
