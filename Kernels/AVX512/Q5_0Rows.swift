#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// q5_0 (22-byte blocks: f16 d, u32 qh of fifth bits, 16 bytes of nibbles; w = d * (q - 16)) for `NibbleQuadRows`.
///
/// The fifth bits become byte masks without leaving the vector unit: a `vpermt2w` copies block j's qh into the
/// dword lanes i with i % 4 = j; a `vpshufb` repeats, in the four bytes of lane i = 4t + j, the qh byte that holds
/// bits 4t ..< 4t + 4 (16 + 4t ..< for the high nibbles); `vptestmb` against 1, 2, 4, 8 (shifted to the right
/// nibble) turns them into the mask of the panel-order bytes whose code gets 16, added with a byte-masked `vpaddb`.
/// (Dealing the bits with `pdep` in general registers took 8 `pdep` per step and ran at 8.3 cycles per 72 bytes
/// in cache against 4.6 for q4_0.) The panel's -16 * sum(a) per block makes the integer sums exact.
struct Q5_0Rows: NibbleQuadFormat {
    static let blockBytes = Q5_0.bytesPerBlock
    static let secondWindow = 24         // the windows cover bytes 0-63 and 24-87 of an 88-byte step
    static let panel = ActivationPanel(layout: .nibbleQuads, activation: .q8_0, offset: 16)
    static let hasMinimums = false
    static let runWords = nibbleRunWords(blockBytes: blockBytes, codesOffset: Q5_0.quantsOffset, secondWindow: secondWindow)
    static let scaleWords = blockFieldWords(blockBytes: blockBytes, fieldOffset: Q5_0.scaleOffset, secondWindow: secondWindow)
    /// Dword lane i takes block (i % 4)'s qh (words 11j + 1 and 11j + 2 of the step).
    static let highBitWords = AVX512Vector.words((0..<32).map { word in
        let w = 11 * ((word / 2) % 4) + 1 + word % 2
        return Int16(w < 32 ? w : 32 + w - secondWindow / 2)
    })
    /// Byte u of dword lane i = 4t + j takes qh byte t / 2 (low nibbles) or 2 + t / 2 (high nibbles).
    static func highBitBytes(_ first: Int) -> __m512i {
        bytes((0..<64).map { (byte: Int) -> Int in 4 * (byte / 4 % 4) + first + byte / 16 / 2 })
    }
    static let lowBitBytes = highBitBytes(0), highBitBytesOfHigh = highBitBytes(2)
    /// Byte u of lane 4t + j tests bit u of the nibble t % 2 of its qh byte.
    static let bitTests = bytes((0..<64).map { (byte: Int) -> Int in 1 << (byte % 4 + 4 * (byte / 16 % 2)) })

    static func bytes(_ values: [Int]) -> __m512i {
        var v = SIMD64<UInt8>()
        for (i, value) in values.enumerated() { v[i] = UInt8(value) }
        return unsafeBitCast(v, to: __m512i.self)
    }

    let runWords = Self.runWords, scaleWords = Self.scaleWords, highBitWords = Self.highBitWords
    let lowBitBytes = Self.lowBitBytes, highBitBytes = Self.highBitBytesOfHigh, bitTests = Self.bitTests

    @inline(__always) func unpack(_ first: __m512i, _ second: __m512i) -> NibbleStep {
        let packed = _mm512_permutex2var_epi16(first, runWords, second)
        let nibble = _mm512_set1_epi8(0x0f), sixteen = _mm512_set1_epi8(0x10)
        let fifthBits = _mm512_permutex2var_epi16(first, highBitWords, second)
        let lowMask = _mm512_test_epi8_mask(_mm512_shuffle_epi8(fifthBits, lowBitBytes), bitTests)
        let highMask = _mm512_test_epi8_mask(_mm512_shuffle_epi8(fifthBits, highBitBytes), bitTests)
        let low = _mm512_and_si512(packed, nibble), high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble)
        return NibbleStep(low: _mm512_mask_add_epi8(low, lowMask, low, sixteen),
                          high: _mm512_mask_add_epi8(high, highMask, high, sixteen),
                          scales: _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutex2var_epi16(first, scaleWords, second))))
    }
}
#endif
