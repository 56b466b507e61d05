#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q5_0 x q8_0: two blocks per register (`AVX2BlockPairKernel`). The fifth bit of each code comes from the block's
/// 32-bit qh (ggml's `bytes_from_bits_32`: a byte shuffle spreads qh over the bytes, an OR with a one-hole mask and a
/// compare with all-ones expand bit j to byte j); codes stay unsigned (q + 16, 0...31) and the 16 is taken back as
/// 16 * sum(y) from the activation table.
enum AVX2Q5_0: AVX2BlockPairFormat {
    static var bytesPerBlock: Int { Q5_0.bytesPerBlock }
    static var activationType: GGMLType { .q8_0 }
    static var codeOffset: Int32 { 16 }
    static var hasMinimum: Bool { false }

    /// Layout (Q5_0): f16 d at 0, u32 qh at 2 (bit j = bit 4 of q[j]), 16 bytes of low nibbles at 6.
    @inline(__always)
    static func unpack(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> AVX2WeightPair {
        let (low, high) = fiveBitCodes(first, second, highBitsOffset: Q5_0.highBitsOffset, quantsOffset: Q5_0.quantsOffset)
        return AVX2WeightPair(low: low, high: high, scales: AVX2Vector.halves(first, second), minimums: _mm_setzero_ps())
    }

    /// The codes (0...31) of two blocks in q5_0's bit layout (also q5_1's): nibbles at `quantsOffset`, the fifth
    /// bits in the u32 at `highBitsOffset`.
    @inline(__always)
    static func fiveBitCodes(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, highBitsOffset: Int, quantsOffset: Int) -> (__m256i, __m256i) {
        let (low, high) = AVX2Vector.splitNibbles(AVX2Vector.pair(first + quantsOffset, second + quantsOffset))
        // Each half holds one block's qh four times; bytes 0-7 of the low codes need qh byte 0, 8-15 byte 1, and the
        // high codes (q[16..31]) bytes 2 and 3.
        let bits = _mm256_set_m128i(_mm_set1_epi32(second.loadUnaligned(fromByteOffset: highBitsOffset, as: Int32.self)),
                                    _mm_set1_epi32(first.loadUnaligned(fromByteOffset: highBitsOffset, as: Int32.self)))
        let lowBytes = _mm256_setr_epi64x(0, 0x0101_0101_0101_0101, 0, 0x0101_0101_0101_0101)
        let highBytes = _mm256_setr_epi64x(0x0202_0202_0202_0202, 0x0303_0303_0303_0303, 0x0202_0202_0202_0202, 0x0303_0303_0303_0303)
        let bit4 = _mm256_set1_epi8(0x10)
        let lowTop = _mm256_and_si256(expandBits(_mm256_shuffle_epi8(bits, lowBytes)), bit4)
        let highTop = _mm256_and_si256(expandBits(_mm256_shuffle_epi8(bits, highBytes)), bit4)
        return (_mm256_or_si256(low, lowTop), _mm256_or_si256(high, highTop))
    }

    /// 0xff in byte j where bit (j % 8) of byte j is set, else 0.
    @inline(__always) static func expandBits(_ bytes: __m256i) -> __m256i {
        let allButBit = _mm256_set1_epi64x(0x7fbf_dfef_f7fb_fdfe)
        return _mm256_cmpeq_epi8(_mm256_or_si256(bytes, allButBit), _mm256_set1_epi64x(-1))
    }

    static var variants: [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX2Quantize.q8_0,
                               computeRows: AVX2BlockPairKernel<Self>.computeRows)
        return AVX2Variants.rowsAndThreaded(
            weights: .q5_0, parameters: AVX2TileShapes.parameters,
            summary: "q5_0 two blocks per register, fifth bit from qh by byte shuffle, unsigned codes x q8_0, offset as exact int sums",
            kernel: kernel)
    }
}
#endif
