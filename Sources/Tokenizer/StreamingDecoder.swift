/// Decodes tokens one at a time as generation produces them, returning text only once it is complete: a token
/// may end in the middle of a multi-byte character (byte-level BPE splits emoji and CJK into byte tokens), and
/// those bytes are held back until the character's last byte arrives.
///
/// The concatenation of everything `append` and `finish` return equals `tokenizer.decode(ids)` of the same ids.
public struct StreamingDecoder: Sendable {
    public let tokenizer: Tokenizer
    /// Include the text of control tokens (see `Tokenizer.decode`).
    public let renderSpecial: Bool
    /// Bytes decoded but not yet returned: at most the start of one incomplete UTF-8 sequence.
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// The text that token `id` completes; empty while a character is still unfinished.
    public mutating func append(_ id: Int) -> String {
        tokenizer.appendBytes(of: id, renderSpecial: renderSpecial, to: &pending)
        let complete = StreamingDecoder.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is held back, with an unfinished character replaced by U+FFFD; the decoder is then empty.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence that more bytes could
    /// still complete. Invalid bytes are not held back: decoding replaces them at once.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // The last sequence starts at most 3 bytes from the end; find its lead byte.
        var i = n - 1
        while i >= 0 && i >= n - 3 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0 else { return n }
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return n  // ASCII, a stray continuation run, or a byte that never starts a sequence
        }
        guard n - i < length else { return n }  // complete
        // Hold back only a prefix that can still become valid (E0 and ED, F0 and F4 restrict the second byte).
        if n - i >= 2 {
            let second = bytes[i + 1]
            let ok: Bool
            switch lead {
            case 0xE0: ok = (0xA0...0xBF).contains(second)
            case 0xED: ok = (0x80...0x9F).contains(second)
            case 0xF0: ok = (0x90...0xBF).contains(second)
            case 0xF4: ok = (0x80...0x8F).contains(second)
            default: ok = true
            }
            if !ok { return n }
        }
        return i
    }
}
