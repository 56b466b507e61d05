/// The pre-tokenizer: how text is cut into words before BPE merges run inside each word. Named by
/// `tokenizer.ggml.pre`; each case reproduces the split llama.cpp makes for that name (its regexes, applied the way
/// `unicode_regex_split` applies them), written by hand over Unicode scalars rather than with a regex engine.
public enum PreTokenizer: String, CaseIterable, Sendable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2 = "gpt-2"
    /// SmolLM: first every `\p{N}` scalar is cut out on its own, then the GPT-2 rule splits each remaining piece.
    /// Digits therefore become single tokens and never take a leading space.
    case smollm
    /// Qwen2: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    case qwen2

    /// The pre-tokenizer `tokenizer.ggml.pre` names, or an error naming it and the supported names.
    public init(name: String) throws {
        guard let p = PreTokenizer(rawValue: name) else {
            let known = PreTokenizer.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw TokenizerError(.unsupportedPreTokenizer,
                                 "pre-tokenizer '\(name)' (tokenizer.ggml.pre) is not supported; supported: \(known)")
        }
        self = p
    }

    /// The words of `text`, in order; their concatenation is `text`.
    public func split(_ text: String) -> [String] {
        let scalars = ClassifiedScalars(text.unicodeScalars)
        var ends: [Int] = []
        wordEnds(scalars, into: &ends)
        var words: [String] = []
        var start = 0
        for end in ends {
            var word = String.UnicodeScalarView()
            for i in start ..< end { word.append(Unicode.Scalar(scalars.values[i])!) }
            words.append(String(word))
            start = end
        }
        return words
    }

    /// Appends the end index (in scalars) of each word of `text` to `ends`; the last one is `text.count`.
    func wordEnds(_ text: ClassifiedScalars, into ends: inout [Int]) {
        switch self {
        case .gpt2: GPT2Split.run(text, 0, text.count, &ends)
        case .qwen2: Qwen2Split.run(text, 0, text.count, &ends)
        case .smollm:
            // `\p{N}` first: each number scalar is a piece of its own, and the GPT-2 rule sees only the pieces
            // between them, so its lookaheads stop at a digit as they would at the end of the text.
            var start = 0
            for i in 0 ..< text.count where text.classes[i] == .number {
                GPT2Split.run(text, start, i, &ends)
                ends.append(i + 1)
                start = i + 1
            }
            GPT2Split.run(text, start, text.count, &ends)
        }
    }
}

/// Scalars with their split classes, computed once per text.
struct ClassifiedScalars {
    let values: [UInt32]
    let classes: [ScalarClass]
    var count: Int { values.count }

    init<S: Sequence<Unicode.Scalar>>(_ scalars: S) {
        var values: [UInt32] = []
        var classes: [ScalarClass] = []
        values.reserveCapacity(scalars.underestimatedCount)
        classes.reserveCapacity(scalars.underestimatedCount)
        for s in scalars {
            values.append(s.value)
            classes.append(ScalarClass(s))
        }
        self.values = values
        self.classes = classes
    }
}

extension UInt32 {
    static let space = UInt32(UInt8(ascii: " "))
    static let apostrophe = UInt32(UInt8(ascii: "'"))
    static let carriageReturn = UInt32(UInt8(ascii: "\r"))
    static let lineFeed = UInt32(UInt8(ascii: "\n"))
}

/// The contraction suffixes `'s 't 'm 'd` (two scalars) and `'re 've 'll` (three): the length of the one starting at
/// `pos` (an apostrophe) inside `pos ..< end`, or 0. `caseInsensitive` is Qwen2's `(?i:...)`.
func contractionLength(_ v: [UInt32], _ pos: Int, _ end: Int, caseInsensitive: Bool) -> Int {
    guard v[pos] == .apostrophe, pos + 1 < end else { return 0 }
    func lower(_ c: UInt32) -> UInt32 { caseInsensitive && (65...90).contains(c) ? c + 32 : c }
    let a = lower(v[pos + 1])
    if a == 115 || a == 116 || a == 109 || a == 100 { return 2 }  // s, t, m, d
    guard pos + 2 < end else { return 0 }
    let b = lower(v[pos + 2])
    switch (a, b) {
    case (114, 101), (118, 101), (108, 108): return 3  // re, ve, ll
    default: return 0
    }
}
