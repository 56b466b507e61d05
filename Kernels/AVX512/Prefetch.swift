#if arch(x86_64)
import KernelCore

/// LLVM's prefetch intrinsic, bound by name: `_mm_prefetch` is a C macro Swift cannot import, and Swift drops calls to
/// the `_m_prefetch` builtin without a trace. Arguments: address, 0 = read, locality 3 (keep in all levels), 1 = data.
/// Compiles to one `prefetcht0` in debug and release builds (checked with objdump).
#if QUANTLAB_SANITIZE
/// Under a sanitizer (Tests/sanitize.sh) the intrinsic call becomes an `invoke`, which LLVM rejects ("Cannot invoke
/// an intrinsic"); a prefetch changes no result, so sanitized builds leave it out.
@inline(__always) func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32) {}
#else
@_silgen_name("llvm.prefetch.p0")
func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)
#endif

/// Software prefetch distance, in bytes ahead of the weight row being read. Row kernels spend several instructions
/// per cache line, so their out-of-order window reaches only 1-2 KiB ahead, and the hardware stream prefetchers do
/// not run ahead across 4 KiB pages on their own: without help one thread reads well below the machine's bandwidth.
/// Measured on the 16384 x 16384 q4_0 decode, one thread, against a plain read loop timed in the same process:
/// 73% of its bandwidth with no prefetch, 82% at 4 KiB, 98% at 8 KiB, 94% at 16 KiB (see the report of this
/// target; the default is the best of those).
enum Prefetch {
    static let values = [0, 1024, 2048, 4096, 8192, 16384]
    static let defaultValue = 8192
    static let parameter = TunableParameter(
        name: .prefetch, values: values, defaultValue: defaultValue,
        summary: "bytes ahead of the weight stream to prefetch (0: hardware prefetchers only)")

    /// Prefetches the cache lines covering `bytes` bytes from `address` (a prefetch never faults, so past the end
    /// of the matrix is harmless).
    @inline(__always) static func lines(_ address: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            llvmPrefetch(address + offset, 0, 3, 1)
            offset &+= 64
        }
    }
}
#endif
