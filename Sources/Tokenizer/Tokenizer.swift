/// GPT-2-style byte-level BPE, built from a GGUF vocabulary, that gives the same ids as llama.cpp.
///
/// Encoding: special tokens are cut out first (`SpecialTokenSplitter`), the rest is split into words by the
/// pre-tokenizer `tokenizer.ggml.pre` names (`PreTokenizer`), and each word's bytes are merged by rank
/// (`BytePairEncoder`). Decoding joins each token's bytes and repairs invalid UTF-8.
///
/// Immutable after construction, so one value can be shared across tasks.
public struct Tokenizer: Sendable {
    /// Token texts as the vocabulary stores them (byte-level spelling for normal tokens).
    let tokens: [String]
    let types: [TokenType]
    /// Text to id; where texts repeat, the last id wins (as in llama.cpp's `token_to_id`).
    let idOfText: [String: Int32]
    /// The token of each single byte's byte-level character, or `BytePairEncoder.absent`.
    let byteTokens: [Int32]
    let merges: MergeTable
    let specials: SpecialTokenSplitter
    /// The bytes each token decodes to: `pieceBytes[pieceStarts[id] ..< pieceStarts[id + 1]]`.
    let pieceBytes: [UInt8]
    let pieceStarts: [Int]
    let endOfGeneration: Set<Int>

    /// How text is cut into words before merging.
    public let preTokenizer: PreTokenizer
    /// The beginning-of-sequence token (`tokenizer.ggml.bos_token_id`), if the vocabulary names one.
    public let bosID: Int?
    /// The end-of-sequence token (`tokenizer.ggml.eos_token_id`), if the vocabulary names one.
    public let eosID: Int?
    /// Whether `encode` starts with BOS unless told otherwise (`tokenizer.ggml.add_bos_token`; false when absent).
    public let addsBOS: Bool
    /// Whether `encode` ends with EOS unless told otherwise (`tokenizer.ggml.add_eos_token`; false when absent).
    public let addsEOS: Bool

    /// The number of tokens in the vocabulary; ids are `0 ..< vocabularySize`.
    public var vocabularySize: Int { tokens.count }

    /// The ids that end generation, ascending: EOS, EOT and EOM when the metadata names them, and the tokens whose
    /// text marks the end of a turn (`<|im_end|>`, `<|endoftext|>`, ...).
    public var endOfGenerationIDs: [Int] { endOfGeneration.sorted() }

    /// Whether sampling `id` ends generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { endOfGeneration.contains(id) }

    /// The token's text as the vocabulary stores it (byte-level spelling, `Ġ` for a space), or nil for an id
    /// outside the vocabulary.
    public func tokenText(_ id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// The token's type, or nil for an id outside the vocabulary.
    public func tokenType(_ id: Int) -> TokenType? { types.indices.contains(id) ? types[id] : nil }

    /// The id of the token whose vocabulary text is exactly `text` (`"<|im_start|>"`, `"Ġthe"`), or nil.
    public func tokenID(_ text: String) -> Int? { idOfText[text].map(Int.init) }
}
