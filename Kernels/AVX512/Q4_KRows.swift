#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q4_K x q8_K rows, one 256-weight block per step, read straight from the GGUF layout.
///
/// The 6-bit sub-block scales and minimums are unpacked in two 64-bit general registers (ggml's `utmp` shuffle),
/// widened to int32 lanes holding the value in both 16-bit halves, and dealt to the lanes of each code register with
/// `vpermd`. Each 64-byte load of codes splits into two registers of nibbles (sub-blocks 4c, 4c + 2 and 4c + 1,
/// 4c + 3) that meet the reordered activation panel (`Q8_KPanel`) in `vpmaddubsw`; `vpdpwssds` multiplies the int16
/// pair sums by the sub-block scales and accumulates them in int32, exactly as ggml's integer sum. The minimums enter
/// through q8_K's 16-value sums: one `vpmaddwd` of the broadcast sums with the minimums (zero in lanes 0-7). Both
/// int32 results are converted, multiplied by d8 and added into the block's float accumulator (two, alternating by
/// block) times d and -dmin, which the block's columns share.
///
/// In cache this runs at about 6 cycles per 72 bytes of weights (42 GB/s at 3.56 GHz), against 4.2-4.5 for q4_0:
/// the per-block scale unpacking (about 1 cycle per 72 bytes) and the second multiply (vpmaddubsw + vpdpwssds on the
/// same two pipes, where q4_0 needs one vpdpbusd) are what it costs over q4_0.
struct Q4_KRows: RowDot {

    /// Lanes 0-7 take the doubled scale of the first sub-block of a register, lanes 8-15 that of the second; the
    /// registers hold sub-blocks (0, 2), (1, 3), (4, 6), (5, 7).
    static let scaleDwords: [__m512i] = [(0, 2), (1, 3), (4, 6), (5, 7)].map { pair in
        AVX512Vector.dwords((0..<16).map { Int32($0 < 8 ? pair.0 : pair.1) })
    }

    let blocks: Int
    /// Bytes ahead of the row to prefetch (0: none).
    let prefetch: Int
    let scale0 = Self.scaleDwords[0], scale1 = Self.scaleDwords[1], scale2 = Self.scaleDwords[2], scale3 = Self.scaleDwords[3]

    /// One block's unpacked weights: 4 registers of codes, their per-lane scales, the doubled minimums (lanes 8-15)
    /// and the super-block scales d and -dmin in every lane.
    struct Step {
        let codes: (__m512i, __m512i, __m512i, __m512i)
        let scales: (__m512i, __m512i, __m512i, __m512i)
        /// The doubled minimums in lanes 8-15, zeros in lanes 0-7.
        let minimums: __m512i
        let d: __m512, negativeDmin: __m512

        @inline(__always) init(_ p: UnsafeRawPointer, _ s0: __m512i, _ s1: __m512i, _ s2: __m512i, _ s3: __m512i) {
            let nibble = _mm512_set1_epi8(0x0f)
            let first = AVX512Vector.load(p, Q4_K.quantsOffset), second = AVX512Vector.load(p, Q4_K.quantsOffset + 64)
            codes = (_mm512_and_si512(first, nibble), _mm512_and_si512(_mm512_srli_epi16(first, 4), nibble),
                     _mm512_and_si512(second, nibble), _mm512_and_si512(_mm512_srli_epi16(second, 4), nibble))
            // All eight scales and minimums at once: low = [scales 0-3, mins 0-3], high = [scales 4-7, mins 4-7].
            let (low, high) = Q4_K.unpackScalesAndMinimumsByHalves(p + Q4_K.scalesOffset)
            let packed = _mm_unpacklo_epi32(_mm_cvtsi64_si128(Int64(bitPattern: low)), _mm_cvtsi64_si128(Int64(bitPattern: high)))
            let widened = _mm512_cvtepu8_epi32(packed)              // lanes 0-7 scales, 8-15 minimums
            let doubled = _mm512_or_si512(widened, _mm512_slli_epi32(widened, 16))
            scales = (_mm512_permutexvar_epi32(s0, doubled), _mm512_permutexvar_epi32(s1, doubled),
                      _mm512_permutexvar_epi32(s2, doubled), _mm512_permutexvar_epi32(s3, doubled))
            let superScales = _mm_cvtph_ps(_mm_cvtsi32_si128(p.loadUnaligned(as: Int32.self)))   // [d, dmin, 0, 0]
            d = _mm512_broadcastss_ps(superScales)
            negativeDmin = _mm512_broadcastss_ps(_mm_sub_ps(_mm_setzero_ps(), _mm_movehdup_ps(superScales)))
            minimums = _mm512_maskz_mov_epi32(0xff00, doubled)
        }

        /// acc += d * d8 * sum(scale * q * a) - dmin * d8 * sum(min * bsums), for one column's panel block.
        @inline(__always) func accumulate(_ a: UnsafeRawPointer, into acc: inout __m512) {
            // vpdpwssds (saturating) rather than vpdpwssd: LLVM's generic tuning splits chains of the latter into
            // vpmaddwd + vpaddd (with this and the 64-bit scale unpacking, 4096 x 4096 went from 32 to 39 GB/s).
            // The sums never come near saturation (|sum| < 2^24). Two independent chains halve the latency from the
            // loads to the sum.
            let zero = _mm512_setzero_si512()
            let first = _mm512_dpwssds_epi32(_mm512_dpwssds_epi32(zero, _mm512_maddubs_epi16(codes.0, AVX512Vector.load(a)), scales.0),
                                             _mm512_maddubs_epi16(codes.1, AVX512Vector.load(a, 64)), scales.1)
            let second = _mm512_dpwssds_epi32(_mm512_dpwssds_epi32(zero, _mm512_maddubs_epi16(codes.2, AVX512Vector.load(a, 128)), scales.2),
                                              _mm512_maddubs_epi16(codes.3, AVX512Vector.load(a, 192)), scales.3)
            let sums = _mm512_add_epi32(first, second)
            // The 16-value sums, broadcast to both halves, meet the minimums in lanes 8-15 (zeros elsewhere).
            let minimumSums = _mm512_madd_epi16(AVX512Vector.broadcast32(a, Q8_KPanel.sumsOffset), minimums)
            // d8 reaches every lane as an embedded broadcast from memory, d and -dmin are the block's (shared by all
            // columns): no shuffles per column.
            let d8 = _mm512_set1_ps(a.loadUnaligned(fromByteOffset: Q8_KPanel.scaleOffset, as: Float.self))
            acc = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(sums), d8), d, acc)
            acc = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(minimumSums), d8), negativeDmin, acc)
        }
    }

    /// Dot products of one weight row with C activation panels.
    @inline(__always)
    func dot<let C: Int>(_ w: UnsafeRawPointer, _ panels: InlineArray<C, UnsafeRawPointer>) -> InlineArray<C, Float> {
        let panelBytes = Q8_KPanel.blockBytes
        var acc0 = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        var acc1 = acc0
        @inline(__always) func block(_ b: Int, _ acc: inout InlineArray<C, __m512>) {
            let step = Step(w + b &* Q4_K.bytesPerBlock, scale0, scale1, scale2, scale3)
            for c in 0..<C { step.accumulate(panels[c] + b &* panelBytes, into: &acc[c]) }
        }
        var b = 0
        while b &+ 2 <= blocks {
            if prefetch > 0 { Prefetch.lines(w + (b &* Q4_K.bytesPerBlock &+ prefetch), bytes: 2 * Q4_K.bytesPerBlock) }
            block(b, &acc0); block(b &+ 1, &acc1)
            b &+= 2
        }
        if b < blocks { block(b, &acc0) }
        var result = InlineArray<C, Float>(repeating: 0)
        for c in 0..<C { result[c] = AVX512Vector.sum(_mm512_add_ps(acc0[c], acc1[c])) }
        return result
    }

    static let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX512Quantize.q8_K) { weights, xq, n, y, rows, parameters in
        let w = weights.matrix, blocks = w.columns / Q4_K.blockSize
        let dot = Q4_KRows(blocks: blocks, prefetch: parameters[.prefetch] ?? Prefetch.defaultValue)
        Q8_KPanel.withPanels(xq, columns: n, blocks: blocks) { panels, panelBytes in
            RowColumns.forEachRow(dot, rows: rows, n: n, columns: parameters[.columns] ?? RowColumns.defaultValue,
                                  matrix: w, y: y, activations: panels, stride: panelBytes)
        }
    }
}
#endif
