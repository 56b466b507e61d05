#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Probes of the machine's two limits with AVX-512: streaming read bandwidth and int8 dot-product throughput.
/// Callers must check the CPU has AVX-512 F/BW and VNNI first; this target is compiled for it.
public enum AVX512Probes {
    /// Reads `bytes` (a multiple of 256) from `base` with 64-byte loads into four independent accumulators and
    /// returns a checksum, so the loads cannot be optimised away.
    public static func read(_ base: UnsafeRawPointer, bytes: Int) -> UInt64 {
        var a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0
        var p = base
        let end = base + bytes
        while p < end {
            a0 = _mm512_add_epi64(a0, _mm512_load_si512(p))
            a1 = _mm512_add_epi64(a1, _mm512_load_si512(p + 64))
            a2 = _mm512_add_epi64(a2, _mm512_load_si512(p + 128))
            a3 = _mm512_add_epi64(a3, _mm512_load_si512(p + 192))
            p += 256
        }
        let sum = _mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3))
        return UInt64(bitPattern: _mm512_reduce_add_epi64(sum))
    }

    /// Runs `iterations` rounds of 12 independent 512-bit `vpdpbusd` (64 int8 products each) and returns a checksum.
    /// Twelve chains hide the instruction's latency, so the loop runs at the dot-product units' throughput.
    /// Operations counted: iterations * 12 * 64 * 2.
    public static func int8DotProducts(iterations: Int, seed: Int32) -> Int32 {
        let a = _mm512_set1_epi32(seed | 0x0101_0101), b = _mm512_set1_epi32(seed &* 3 | 0x0102_0304)
        var c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0
        var c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0
        for _ in 0..<iterations {
            c0 = _mm512_dpbusd_epi32(c0, a, b); c1 = _mm512_dpbusd_epi32(c1, a, b)
            c2 = _mm512_dpbusd_epi32(c2, a, b); c3 = _mm512_dpbusd_epi32(c3, a, b)
            c4 = _mm512_dpbusd_epi32(c4, a, b); c5 = _mm512_dpbusd_epi32(c5, a, b)
            c6 = _mm512_dpbusd_epi32(c6, a, b); c7 = _mm512_dpbusd_epi32(c7, a, b)
            c8 = _mm512_dpbusd_epi32(c8, a, b); c9 = _mm512_dpbusd_epi32(c9, a, b)
            c10 = _mm512_dpbusd_epi32(c10, a, b); c11 = _mm512_dpbusd_epi32(c11, a, b)
        }
        let s = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3)),
                                 _mm512_add_epi32(_mm512_add_epi32(c4, c5), _mm512_add_epi32(c6, c7)))
        let t = _mm512_add_epi32(_mm512_add_epi32(c8, c9), _mm512_add_epi32(c10, c11))
        return _mm512_reduce_add_epi32(_mm512_add_epi32(s, t))
    }

    public static let int8OperationsPerIteration = 12 * 64 * 2
}
#endif
