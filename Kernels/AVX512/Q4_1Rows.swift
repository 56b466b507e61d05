#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// q4_1 (20-byte blocks: f16 d, f16 m, 16 bytes of nibbles; w = d * q + m) x q8_1 for `NibbleQuadRows`: the codes
/// need no offset, and each block adds m * s, with s = d_a * sum(q_a) from q8_1, through the panel's sums.
struct Q4_1Rows: NibbleQuadFormat {
    static let blockBytes = Q4_1.bytesPerBlock
    static let secondWindow = 16         // the windows cover bytes 0-63 and 16-79 of an 80-byte step
    static let panel = ActivationPanel(layout: .nibbleQuads, activation: .q8_1, offset: 0)
    static let hasMinimums = true
    static let runWords = nibbleRunWords(blockBytes: blockBytes, codesOffset: Q4_1.quantsOffset, secondWindow: secondWindow)
    static let scaleWords = blockFieldWords(blockBytes: blockBytes, fieldOffset: Q4_1.scaleOffset, secondWindow: secondWindow)
    static let minimumWords = blockFieldWords(blockBytes: blockBytes, fieldOffset: Q4_1.minimumOffset, secondWindow: secondWindow)

    let runWords = Self.runWords, scaleWords = Self.scaleWords, minimumWords = Self.minimumWords

    @inline(__always) func unpack(_ first: __m512i, _ second: __m512i) -> NibbleStep {
        let packed = _mm512_permutex2var_epi16(first, runWords, second)
        let nibble = _mm512_set1_epi8(0x0f)
        // Only lanes 0-3 keep a minimum, so each block's m * s is added once.
        let minimums = _mm512_maskz_permutexvar_epi16(0x0000_000f, minimumWords, first)
        return NibbleStep(low: _mm512_and_si512(packed, nibble),
                          high: _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble),
                          scales: _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(scaleWords, first))),
                          minimums: _mm512_cvtph_ps(_mm512_castsi512_si256(minimums)))
    }
}
#endif
