import Testing
@testable import Tokenizer

/// The split rules on hand-made cases. The qwen2 expectations are worked out from its regex
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// (alternatives tried in order at each position, each taking its longest match); no Qwen model is available to
/// compare with.
@Suite struct PreTokenizerTests {
    static let qwen2Cases: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        // Every digit alone, never with a space.
        ("12345", ["1", "2", "3", "4", "5"]),
        ("abc123def", ["abc", "1", "2", "3", "def"]),
        (" 42", [" ", "4", "2"]),
        ("$100", ["$", "1", "0", "0"]),
        // Contractions, case-insensitive; an apostrophe that starts no contraction leads the letters after it, but
        // only when nothing precedes it in its run (the optional lead is one scalar).
        ("I'M here, you'RE", ["I", "'M", " here", ",", " you", "'RE"]),
        ("they've we'll", ["they", "'ve", " we", "'ll"]),
        ("'sup 'hello", ["'s", "up", " '", "hello"]),
        ("'hello", ["'hello"]),
        // One non-letter, non-newline scalar may lead a word (a tab here); after a space, punctuation is its own
        // word; a punctuation run takes the newlines after it.
        ("\tfoo -bar --baz", ["\tfoo", " -", "bar", " --", "baz"]),
        ("Hello!!! ...\n\nNext", ["Hello", "!!!", " ...\n\n", "Next"]),
        ("foo.\n", ["foo", ".\n"]),
        // Whitespace: a run with newlines ends at its last newline; otherwise its last space goes to the next word.
        ("a\n\n  b", ["a", "\n\n", " ", " b"]),
        ("a\r\nb", ["a", "\r\n", "b"]),
        ("x   y", ["x", "  ", " y"]),
        ("x  ", ["x", "  "]),
        ("  \n", ["  \n"]),
        // Letters of any script.
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("Привет, мир", ["Привет", ",", " мир"]),
        ("café naïve", ["café", " naïve"]),
        ("", []),
    ]

    @Test(arguments: qwen2Cases)
    func qwen2(_ text: String, _ expected: [String]) {
        #expect(PreTokenizer.qwen2.split(text) == expected)
    }

    static let gpt2Cases: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("abc 123 def", ["abc", " 123", " def"]),
        // Case-sensitive contractions: `'RE` is punctuation then letters.
        ("you're YOU'RE", ["you", "'re", " YOU", "'", "RE"]),
        ("a\n\n  b", ["a", "\n\n ", " b"]),
        ("x  ", ["x", "  "]),
        ("-- hi!!", ["--", " hi", "!!"]),
        ("\tfoo", ["\t", "foo"]),
    ]

    @Test(arguments: gpt2Cases)
    func gpt2(_ text: String, _ expected: [String]) {
        #expect(PreTokenizer.gpt2.split(text) == expected)
    }

    /// SmolLM cuts out each number first, so a digit never takes a space and a space run before one stays whole.
    static let smollmCases: [(String, [String])] = [
        ("abc 123 def", ["abc", " ", "1", "2", "3", " def"]),
        ("x  4", ["x", "  ", "4"]),
        ("x² ½", ["x", "²", " ", "½"]),
        ("it's 2026", ["it", "'s", " ", "2", "0", "2", "6"]),
    ]

    @Test(arguments: smollmCases)
    func smollm(_ text: String, _ expected: [String]) {
        #expect(PreTokenizer.smollm.split(text) == expected)
    }

    @Test func splitsReassembleTheText() {
        let text = "Ünïcödé — “quotes”\r\n\t 3.14 x²  👩‍💻 日本語\u{3000}end  "
        for p in PreTokenizer.allCases {
            let words = p.split(text)
            #expect(words.joined() == text, "\(p)")
            #expect(!words.contains(""), "\(p)")
        }
    }

    @Test func names() throws {
        #expect(try PreTokenizer(name: "smollm") == .smollm)
        #expect(try PreTokenizer(name: "qwen2") == .qwen2)
        #expect(try PreTokenizer(name: "gpt-2") == .gpt2)
        let error = #expect(throws: TokenizerError.self) { try PreTokenizer(name: "llama-bpe") }
        #expect(error?.kind == .unsupportedPreTokenizer)
        #expect(error?.description.contains("'llama-bpe'") == true)
        #expect(error?.description.contains("'smollm'") == true)
    }
}
