#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Small AVX-512 building blocks shared by the row kernels. Intrinsics that take an immediate operand are C macros
/// that Swift cannot import (`_mm512_shuffle_i64x2`, `_mm512_cmp_*_mask`, `_mm_prefetch`, gathers), so the kernels
/// use the variable-index permutes (`vpermw`, `vpermd`, `vpermt2w`) and masked or broadcasting loads instead.
enum AVX512Vector {
    /// 32 int16 lanes as a register: the index vectors of `vpermw` / `vpermt2w` and per-word shift counts.
    static func words(_ values: [Int16]) -> __m512i {
        precondition(values.count == 32, "a zmm register holds 32 words")
        var v = SIMD32<Int16>()
        for (i, value) in values.enumerated() { v[i] = value }
        return unsafeBitCast(v, to: __m512i.self)
    }

    /// 16 int32 lanes as a register: the index vectors of `vpermd`.
    static func dwords(_ values: [Int32]) -> __m512i {
        precondition(values.count == 16, "a zmm register holds 16 dwords")
        var v = SIMD16<Int32>()
        for (i, value) in values.enumerated() { v[i] = value }
        return unsafeBitCast(v, to: __m512i.self)
    }

    /// Mask of the first `count` lanes (count <= 32).
    @inline(__always) static func firstLanes32(_ count: Int) -> UInt32 {
        count >= 32 ? .max : (UInt32(1) << UInt32(truncatingIfNeeded: max(count, 0))) &- 1
    }

    @inline(__always) static func load(_ p: UnsafeRawPointer, _ offset: Int = 0) -> __m512i {
        p.loadUnaligned(fromByteOffset: offset, as: __m512i.self)
    }

    /// 32 bytes in both halves of a register (`vbroadcasti64x4` from memory: a load, no shuffle uop).
    @inline(__always) static func broadcast32(_ p: UnsafeRawPointer, _ offset: Int = 0) -> __m512i {
        _mm512_broadcast_i64x4(p.loadUnaligned(fromByteOffset: offset, as: __m256i.self))
    }

    /// Sum of the 16 float lanes.
    @inline(__always) static func sum(_ v: __m512) -> Float { _mm512_reduce_add_ps(v) }
}

/// A 64-byte aligned scratch allocation for the duration of a call (activation panels).
@inline(__always) func withScratch<R>(bytes: Int, _ body: (UnsafeMutableRawPointer) -> R) -> R {
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
    defer { scratch.deallocate() }
    return body(scratch)
}
#endif
