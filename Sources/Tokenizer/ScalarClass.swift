/// The four classes the GPT-2-family split rules distinguish: `\p{L}`, `\p{N}`, `\s` and everything else.
///
/// Letters and numbers come from the Unicode general category (`L*`, `N*`); whitespace is the Unicode White_Space
/// set, the same list llama.cpp's `unicode_set_whitespace` holds. Unassigned code points fall in `other`, as they
/// do for llama.cpp's fast split paths (its flag table gives them a non-zero "undefined" flag).
enum ScalarClass: UInt8, Sendable {
    case letter, number, whitespace, other

    init(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        if v < 128 {
            self = ScalarClass.ascii[Int(v)]
            return
        }
        if ScalarClass.isWhitespace(v) {
            self = .whitespace
            return
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: self = .letter
        case .decimalNumber, .letterNumber, .otherNumber: self = .number
        default: self = .other
        }
    }

    /// Unicode White_Space: TAB...CR, space, NEL, NBSP, OGHAM SPACE MARK, U+2000...U+200A, LINE and PARAGRAPH
    /// SEPARATOR, NARROW NBSP, MEDIUM MATHEMATICAL SPACE, IDEOGRAPHIC SPACE.
    static func isWhitespace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// ASCII answered from a table: most text is ASCII, and the category lookup is the costly part of splitting.
    private static let ascii: [ScalarClass] = (0 ..< 128).map { v in
        if isWhitespace(UInt32(v)) { return .whitespace }
        switch UInt8(v) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return .other
        }
    }
}
