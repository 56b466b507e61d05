#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// q4_0 (18-byte blocks: f16 d, 16 bytes of nibbles; w = d * (q - 8)) for `NibbleQuadRows`: codes are the nibbles
/// as unsigned bytes, and the panel's -8 * sum(a) per block makes the integer sums exact.
struct Q4_0Rows: NibbleQuadFormat {
    static let blockBytes = Q4_0.bytesPerBlock
    static let secondWindow = 8          // the windows cover bytes 0-63 and 8-71 of a 72-byte step
    static let panel = ActivationPanel(layout: .nibbleQuads, activation: .q8_0, offset: 8)
    static let hasMinimums = false
    static let runWords = nibbleRunWords(blockBytes: blockBytes, codesOffset: Q4_0.quantsOffset, secondWindow: secondWindow)
    static let scaleWords = blockFieldWords(blockBytes: blockBytes, fieldOffset: Q4_0.scaleOffset, secondWindow: secondWindow)

    let runWords = Self.runWords, scaleWords = Self.scaleWords

    @inline(__always) func unpack(_ first: __m512i, _ second: __m512i) -> NibbleStep {
        let packed = _mm512_permutex2var_epi16(first, runWords, second)
        let nibble = _mm512_set1_epi8(0x0f)
        return NibbleStep(low: _mm512_and_si512(packed, nibble),
                          high: _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble),
                          scales: _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(scaleWords, first))))
    }
}
#endif
