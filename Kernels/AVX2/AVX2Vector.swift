#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore

/// Small AVX2 building blocks shared by the kernels of this target, each the Swift spelling of a helper in ggml's
/// `arch/x86/quants.c`. Immediate-operand intrinsics are C macros that Swift cannot import (`_mm256_extracti128_si256`,
/// `_mm256_inserti128_si256`, `_mm256_round_ps`), so halves go through the SIMD types' `lowHalf`/`highHalf` and
/// `_mm256_set_m128i`, which LLVM turns into the same single instructions.
enum AVX2Vector {
    /// The 4-bit mask that isolates one nibble per byte.
    @inline(__always) static var lowNibbles: __m256i { _mm256_set1_epi8(0x0f) }
    /// Sixteen int16 ones: `_mm256_madd_epi16(v, ones16)` sums adjacent int16 pairs into int32 lanes.
    @inline(__always) static var ones16: __m256i { _mm256_set1_epi16(1) }

    /// Two 16-byte runs of packed nibbles (one per half) split into their low and high nibbles: half h of `low`
    /// holds the low nibbles of run h, half h of `high` its high nibbles.
    @inline(__always) static func splitNibbles(_ both: __m256i) -> (low: __m256i, high: __m256i) {
        (_mm256_and_si256(both, lowNibbles), _mm256_and_si256(_mm256_srli_epi16(both, 4), lowNibbles))
    }

    /// 16 bytes from `first` in the low half and 16 from `second` in the high half.
    @inline(__always) static func pair(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> __m256i {
        _mm256_set_m128i(second.loadUnaligned(as: __m128i.self), first.loadUnaligned(as: __m128i.self))
    }

    /// The same 16 bytes in both halves (`vbroadcasti128`, a load with no ALU work on Zen and Intel cores).
    @inline(__always) static func broadcast16(_ p: UnsafeRawPointer) -> __m256i {
        _mm256_broadcastsi128_si256(p.loadUnaligned(as: __m128i.self))
    }

    /// An f16 scale as a float in all 8 lanes (`vpbroadcastw` + `vcvtph2ps`).
    @inline(__always) static func broadcastHalf(_ p: UnsafeRawPointer) -> __m256 {
        _mm256_cvtph_ps(_mm_set1_epi16(p.loadUnaligned(as: Int16.self)))
    }

    /// Two f16 values as floats [first, second, 0, 0]. Combined in a general register and moved with `vmovd`, so no
    /// vector insert merges into (and waits on) an unrelated register.
    @inline(__always) static func halves(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> __m128 {
        let bits = Int32(first.loadUnaligned(as: UInt16.self)) | Int32(second.loadUnaligned(as: UInt16.self)) << 16
        return _mm_cvtph_ps(_mm_cvtsi32_si128(bits))
    }

    /// Sum of the 8 lanes (`hsum_float_8`).
    @inline(__always) static func sum(_ v: __m256) -> Float {
        let quad = v.lowHalf + v.highHalf
        let pair = quad.lowHalf + quad.highHalf
        return pair[0] + pair[1]
    }

    /// Sums of lanes 0-3 and of lanes 4-7: the two row totals of a row-pair accumulator.
    @inline(__always) static func halfSums(_ v: __m256) -> (Float, Float) {
        let low = v.lowHalf, high = v.highHalf
        let lowPair = low.lowHalf + low.highHalf, highPair = high.lowHalf + high.highHalf
        return (lowPair[0] + lowPair[1], highPair[0] + highPair[1])
    }
}

/// LLVM's prefetch intrinsic bound by name (the technique of this lab's AVX-512 target): `_mm_prefetch` is a C macro
/// Swift cannot import, and Swift silently drops calls to the `_m_prefetch` builtin. Arguments: address, 0 = read,
/// locality 3 (all cache levels), 1 = data. Compiles to one `prefetcht0`.
#if QUANTLAB_SANITIZE
/// Under a sanitizer the intrinsic call becomes an `invoke`, which LLVM rejects; a prefetch changes no result.
@inline(__always) func avx2Prefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32) {}
#else
@_silgen_name("llvm.prefetch.p0")
func avx2Prefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)
#endif

/// Software prefetch of the weight stream, `distance` bytes ahead of the bytes being read. The hardware prefetchers
/// stop at 4 KiB page boundaries and follow one sequential stream well but not several interleaved ones, so without
/// it one thread reading long rows, or several rows at once, waits on DRAM.
enum AVX2Prefetch {
    static let parameter = TunableParameter(
        name: .prefetch, values: [0, 2048, 4096, 8192, 16384], defaultValue: 8192,
        summary: "bytes ahead of the weight stream to prefetch (0: hardware prefetchers only)")

    /// The resolved distance in `parameters`.
    static func distance(_ parameters: KernelParameters) -> Int { parameters[parameter.name] ?? parameter.defaultValue }

    /// Prefetches the cache lines covering `bytes` bytes at `address` (never faults, so past the end is harmless).
    @inline(__always) static func lines(_ address: UnsafeRawPointer, bytes: Int) {
        var offset = 0
        while offset < bytes {
            avx2Prefetch(address + offset, 0, 3, 1)
            offset &+= 64
        }
    }
}
#endif
