/// A token's type as `tokenizer.ggml.token_type` stores it (llama.cpp's `llama_token_type`). The type decides how a
/// token is matched in text and how it decodes.
public enum TokenType: Int32, Sendable, CaseIterable {
    /// No type given (also what any value outside 0...6 reads as, as in llama.cpp): never matched, decodes to nothing.
    case undefined = 0
    /// An ordinary BPE token, spelled in GPT-2's byte-level alphabet.
    case normal = 1
    /// The unknown token: matched in text only with `parseSpecial`, decodes to its text only with `renderSpecial`.
    case unknown = 2
    /// A control token (`<|im_start|>`, `<|endoftext|>`): like `unknown`.
    case control = 3
    /// A user-defined token: always matched in text before BPE, even without `parseSpecial`; decodes to its text.
    case userDefined = 4
    /// Reserved, never produced; decodes to nothing.
    case unused = 5
    /// A raw byte written `<0xXX>`: decodes to that byte.
    case byte = 6

    /// Matched as a whole in text before BPE runs (with `parseSpecial` for control and unknown tokens).
    var isSpecial: Bool { self == .control || self == .userDefined || self == .unknown }
}
