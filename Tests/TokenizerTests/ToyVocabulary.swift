import GGUF
@testable import Tokenizer

/// Small hand-made vocabularies for rules that the real one does not isolate.
enum ToyVocabulary {
    /// Every byte is a token (id = byte value) and nothing merges.
    static func bytes() throws -> Tokenizer {
        try Tokenizer(tokens: ByteLevel.scalarOfByte.map { String($0) }, merges: [], preTokenizer: .gpt2)
    }

    /// A GGUF file holding `entries` as metadata.
    static func gguf(_ entries: [(String, GGUFValue)]) throws -> GGUFFile {
        var writer = GGUFWriter()
        for (key, value) in entries { try writer.setMetadata(key, value) }
        return try GGUFFile(bytes: writer.serialized())
    }

    /// The metadata of a valid three-token vocabulary, `a`, `b`, `ab`, with one merge.
    static let minimal: [(String, GGUFValue)] = [
        ("tokenizer.ggml.model", .string("gpt2")),
        ("tokenizer.ggml.pre", .string("smollm")),
        ("tokenizer.ggml.tokens", .array(.string(["a", "b", "ab"]))),
        ("tokenizer.ggml.token_type", .array(.int32([1, 1, 1]))),
        ("tokenizer.ggml.merges", .array(.string(["a b"]))),
    ]

    /// `minimal` with `key` replaced by `value`, or removed when `value` is nil.
    static func minimal(_ key: String, _ value: GGUFValue?) -> [(String, GGUFValue)] {
        var entries = minimal.filter { $0.0 != key }
        if let value { entries.append((key, value)) }
        return entries
    }
}
