import Model
import Tokenizer

enum TokenizerFuzz {
    /// One tokenizer per pre-tokenizer, over the built-in model's vocabulary (built once).
    static let tokenizers: [Tokenizer] = {
        guard let vocabulary = try? SyntheticVocabulary(size: 4096) else { fatalError("the built-in vocabulary must build") }
        return [PreTokenizer.smollm, .qwen2, .gpt2].map { pre in
            guard let t = try? Tokenizer(tokens: vocabulary.tokens, types: vocabulary.tokenTypes.map { TokenType(rawValue: $0) ?? .normal },
                                         merges: vocabulary.merges, preTokenizer: pre) else { fatalError("tokenizer must build") }
            return t
        }
    }()

    /// The first byte picks the pre-tokenizer; the rest is text (invalid UTF-8 becomes U+FFFD, as any reader of
    /// the bytes would see it). Byte-level BPE loses nothing: decoding the ids must give the text back.
    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let tokenizer = tokenizers[Int(selector) % tokenizers.count]
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let ids = tokenizer.encode(text, addBOS: false, parseSpecial: false)
        let decoded = tokenizer.decode(ids)
        if decoded != text {
            fatalError("tokenizer round trip lost text: \(Array(text.utf8)) became \(Array(decoded.utf8))")
        }
    }
}
