#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q6_K x q8_K rows, one 256-weight block per step, read straight from the GGUF layout and against the q8_K
/// column as quantized (no panel: the unpacked codes come out in natural order).
///
/// Per 128-weight half, one 64-byte load of low bits holds weights 0-63 in its low nibbles and 64-127 in its high
/// ones; the 32 bytes of high bits, broadcast to both register halves, give each half its two bits with one
/// per-half variable word shift (`vpsllvw` by 4 | 2 for the first register, `vpsrlvw` by 0 | 2 for the second) and
/// a mask of 0x30. The unsigned 6-bit codes meet the activations in `vpmaddubsw`; `vpdpwssds` multiplies the int16
/// pair sums by the int8 sub-block scales (one per 128-bit lane, dealt with `vpermd`) in int32. The codes' offset of
/// 32 is taken off once per block as 32 * sum(scale * bsums) through q8_K's 16-value sums, which are exactly the
/// sub-blocks, so the integer block sum is exact; it is scaled by d * d8 into one of two float accumulators.
struct Q6_KRows: RowDot {

    /// Dword lanes of the four code registers (weights 0-63, 64-127, 128-191, 192-255): lane i takes the doubled
    /// scale of sub-block 4r + i / 4.
    static let scaleDwords: [__m512i] = (0..<4).map { r in AVX512Vector.dwords((0..<16).map { Int32(4 * r + $0 / 4) }) }
    /// Word shift counts per register half.
    static let firstShifts = AVX512Vector.words((0..<32).map { $0 < 16 ? 4 : 2 })
    static let secondShifts = AVX512Vector.words((0..<32).map { $0 < 16 ? 0 : 2 })

    let blocks: Int
    /// Bytes ahead of the row to prefetch (0: none).
    let prefetch: Int
    let scale0 = Self.scaleDwords[0], scale1 = Self.scaleDwords[1], scale2 = Self.scaleDwords[2], scale3 = Self.scaleDwords[3]
    let firstShifts = Self.firstShifts, secondShifts = Self.secondShifts

    /// One block's unpacked weights: four registers of 6-bit codes in natural order, their per-lane scales, the
    /// 16 scales as int16 (for the offset correction) and d.
    struct Step {
        let codes: (__m512i, __m512i, __m512i, __m512i)
        let scales: (__m512i, __m512i, __m512i, __m512i)
        let scaleWords: __m256i
        let d: Float

        @inline(__always) init(_ p: UnsafeRawPointer, _ rows: Q6_KRows) {
            let nibble = _mm512_set1_epi8(0x0f), twoBits = _mm512_set1_epi8(0x30)
            @inline(__always) func half(_ h: Int) -> (__m512i, __m512i) {
                let low = AVX512Vector.load(p, 64 * h)
                let high = AVX512Vector.broadcast32(p, Q6_K.highBitsOffset + 32 * h)
                let first = _mm512_or_si512(_mm512_and_si512(low, nibble),
                                            _mm512_and_si512(_mm512_sllv_epi16(high, rows.firstShifts), twoBits))
                let second = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(low, 4), nibble),
                                             _mm512_and_si512(_mm512_srlv_epi16(high, rows.secondShifts), twoBits))
                return (first, second)
            }
            let (c0, c1) = half(0), (c2, c3) = half(1)
            codes = (c0, c1, c2, c3)
            let packedScales = p.loadUnaligned(fromByteOffset: Q6_K.scalesOffset, as: __m128i.self)
            let widened = _mm512_cvtepi8_epi32(packedScales)
            let doubled = _mm512_or_si512(_mm512_and_si512(widened, _mm512_set1_epi32(0xffff)), _mm512_slli_epi32(widened, 16))
            scales = (_mm512_permutexvar_epi32(rows.scale0, doubled), _mm512_permutexvar_epi32(rows.scale1, doubled),
                      _mm512_permutexvar_epi32(rows.scale2, doubled), _mm512_permutexvar_epi32(rows.scale3, doubled))
            scaleWords = _mm256_cvtepi8_epi16(packedScales)
            d = Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: Q6_K.scaleOffset, as: UInt16.self)))
        }

        /// acc += d * d8 * (sum(scale * q * a) - 32 * sum(scale * bsums)), for one column's q8_K block.
        @inline(__always) func accumulate(_ a: UnsafeRawPointer, into acc: inout __m512) {
            let quants = Q8_K.quantsOffset
            // The offset correction seeds the first chain: -32 * (scale * bsums summed in pairs), in lanes 0-7.
            let groupSums = a.loadUnaligned(fromByteOffset: Q8_K.sumsOffset, as: __m256i.self)
            let offset = _mm256_slli_epi32(_mm256_madd_epi16(groupSums, scaleWords), 5)
            let seed = _mm512_zextsi256_si512(_mm256_sub_epi32(_mm256_setzero_si256(), offset))
            let zero = _mm512_setzero_si512()
            let first = _mm512_dpwssds_epi32(_mm512_dpwssds_epi32(seed, _mm512_maddubs_epi16(codes.0, AVX512Vector.load(a, quants)), scales.0),
                                             _mm512_maddubs_epi16(codes.1, AVX512Vector.load(a, quants + 64)), scales.1)
            let second = _mm512_dpwssds_epi32(_mm512_dpwssds_epi32(zero, _mm512_maddubs_epi16(codes.2, AVX512Vector.load(a, quants + 128)), scales.2),
                                              _mm512_maddubs_epi16(codes.3, AVX512Vector.load(a, quants + 192)), scales.3)
            let d8 = a.loadUnaligned(as: Float.self)
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(first, second)), _mm512_set1_ps(d * d8), acc)
        }
    }

    /// Dot products of one weight row with C q8_K columns.
    @inline(__always)
    func dot<let C: Int>(_ w: UnsafeRawPointer, _ columns: InlineArray<C, UnsafeRawPointer>) -> InlineArray<C, Float> {
        let activationBytes = Q8_K.bytesPerBlock
        var acc0 = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        var acc1 = acc0
        @inline(__always) func block(_ b: Int, _ acc: inout InlineArray<C, __m512>) {
            let step = Step(w + b &* Q6_K.bytesPerBlock, self)
            for c in 0..<C { step.accumulate(columns[c] + b &* activationBytes, into: &acc[c]) }
        }
        var b = 0
        while b &+ 2 <= blocks {
            if prefetch > 0 { Prefetch.lines(w + (b &* Q6_K.bytesPerBlock &+ prefetch), bytes: 2 * Q6_K.bytesPerBlock) }
            block(b, &acc0); block(b &+ 1, &acc1)
            b &+= 2
        }
        if b < blocks { block(b, &acc0) }
        var result = InlineArray<C, Float>(repeating: 0)
        for c in 0..<C { result[c] = AVX512Vector.sum(_mm512_add_ps(acc0[c], acc1[c])) }
        return result
    }

    static let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX512Quantize.q8_K) { weights, xq, n, y, rows, parameters in
        let w = weights.matrix, blocks = w.columns / Q6_K.blockSize
        let dot = Q6_KRows(blocks: blocks, prefetch: parameters[.prefetch] ?? Prefetch.defaultValue)
        RowColumns.forEachRow(dot, rows: rows, n: n, columns: parameters[.columns] ?? RowColumns.defaultValue,
                              matrix: w, y: y, activations: xq, stride: blocks * Q8_K.bytesPerBlock)
    }
}
#endif
