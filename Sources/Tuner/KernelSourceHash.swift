/// FNV-1a hash of every Swift source under `Kernels/` and `Sources/QuantFormats/` (sorted by path, path and
/// contents hashed): part of the tuning key, so tuned choices are not reused after kernel code changes.
/// `KernelSourceHashTests` recomputes it and fails, printing the new value, when a kernel changed without it.
public enum KernelSourceHash {
    public static let value = "73afa68fb21ebbd9"
}
