import GGUF

/// The synthetic model's tokenizer vocabulary: a GPT-2 byte-level BPE vocabulary as llama.cpp reads it from GGUF
/// (`tokenizer.ggml.model` = "gpt2").
///
/// Token ids, in order:
///
///     0 ..< 3                  `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`             control (type 3)
///     3 ..< 259                the 256 bytes, byte b at id 3 + b, in GPT-2's spelling       normal (type 1)
///     259 ..< 259 + m          the tokens the m merges create, in merge order               normal (type 1)
///     259 + m ..< size         `<|reserved_0|>`, `<|reserved_1|>`, ...                      control (type 3)
///
/// The merges are learned from `SyntheticCorpus` (see `SyntheticBPE`) until the vocabulary is full or no pair repeats;
/// reserved tokens fill whatever is left, so every size from 259 up gives a valid vocabulary. GPT-2 spells each byte as
/// one printable character (a space is `Ġ`, a newline `Ċ`) so that tokens and the "A B" merge strings never hold raw
/// whitespace.
public struct SyntheticVocabulary: Sendable, Equatable {
    /// The control tokens at the start of the vocabulary, ChatML's.
    public static let specialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    /// The smallest vocabulary: the special tokens and the 256 bytes.
    public static let minimumSize = specialTokens.count + 256

    /// llama.cpp's `llama_token_type` values used here.
    public static let normalType: Int32 = 1
    public static let controlType: Int32 = 3

    /// Every token's text, index = id.
    public let tokens: [String]
    /// `normalType` or `controlType` per token.
    public let tokenTypes: [Int32]
    /// "A B" in rank order; each joins two tokens into the token "AB".
    public let merges: [String]
    /// How many `<|reserved_N|>` tokens fill the end (0 when the merges filled the vocabulary).
    public let reservedCount: Int

    /// As in SmolLM2: BOS is `<|im_start|>`, EOS and padding `<|im_end|>`, unknown `<|endoftext|>`.
    public var bosTokenID: Int { 1 }
    public var eosTokenID: Int { 2 }
    public var unknownTokenID: Int { 0 }
    public var paddingTokenID: Int { 2 }

    /// A ChatML template (the role and content of each message between `<|im_start|>` and `<|im_end|>`), the same
    /// shape as SmolLM2's and Qwen2's without their default system prompt.
    public static let chatTemplate = """
        {% for message in messages %}{{ '<|im_start|>' + message['role'] + '
        ' + message['content'] + '<|im_end|>' + '
        ' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant
        ' }}{% endif %}
        """

    /// Builds a vocabulary of exactly `size` tokens; throws when `size` is below `minimumSize` or absurdly large.
    public init(size: Int) throws {
        guard size >= Self.minimumSize else {
            throw ModelError("SyntheticModel.Spec.vocabularySize is \(size); it must be at least \(Self.minimumSize) (3 special tokens and 256 bytes)")
        }
        guard size <= GGUFConstants.maxArrayElements else {
            throw ModelError("SyntheticModel.Spec.vocabularySize is \(size); GGUF arrays hold at most \(GGUFConstants.maxArrayElements)")
        }
        let words = SyntheticBPE.preTokenize(SyntheticCorpus.text)
        let (learned, symbols) = SyntheticBPE.train(words: words, maxMerges: size - Self.minimumSize)
        let spell = { (bytes: [UInt8]) in String(String.UnicodeScalarView(bytes.map { Self.byteToUnicode[Int($0)] })) }

        var tokens = Self.specialTokens
        tokens.reserveCapacity(size)
        tokens += symbols.map(spell)                         // bytes, then merged tokens in creation order
        let mergedCount = tokens.count - Self.minimumSize
        var types = [Int32](repeating: Self.controlType, count: Self.specialTokens.count)
        types += [Int32](repeating: Self.normalType, count: 256 + mergedCount)
        let reserved = size - tokens.count
        for n in 0..<reserved { tokens.append("<|reserved_\(n)|>") }
        types += [Int32](repeating: Self.controlType, count: reserved)

        self.tokens = tokens
        self.tokenTypes = types
        self.merges = learned.map { spell(symbols[$0.left]) + " " + spell(symbols[$0.right]) }
        self.reservedCount = reserved
    }

    /// Writes the `tokenizer.*` keys; `preTokenizer` is `tokenizer.ggml.pre` ("smollm", "qwen2", ...).
    public func addMetadata(to writer: inout GGUFWriter, preTokenizer: String) throws {
        try writer.setMetadata("tokenizer.ggml.model", .string("gpt2"))
        try writer.setMetadata("tokenizer.ggml.pre", .string(preTokenizer))
        try writer.setMetadata("tokenizer.ggml.tokens", .array(.string(tokens)))
        try writer.setMetadata("tokenizer.ggml.token_type", .array(.int32(tokenTypes)))
        try writer.setMetadata("tokenizer.ggml.merges", .array(.string(merges)))
        try writer.setMetadata("tokenizer.ggml.bos_token_id", .uint32(UInt32(bosTokenID)))
        try writer.setMetadata("tokenizer.ggml.eos_token_id", .uint32(UInt32(eosTokenID)))
        try writer.setMetadata("tokenizer.ggml.unknown_token_id", .uint32(UInt32(unknownTokenID)))
        try writer.setMetadata("tokenizer.ggml.padding_token_id", .uint32(UInt32(paddingTokenID)))
        try writer.setMetadata("tokenizer.ggml.add_bos_token", .bool(false))
        try writer.setMetadata("tokenizer.chat_template", .string(Self.chatTemplate))
    }

    /// GPT-2's byte-to-character table: the printable bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves;
    /// the other 68 bytes (controls, space, DEL, NBSP, soft hyphen), in byte order, take U+0100, U+0101, ...
    public static let byteToUnicode: [Unicode.Scalar] = {
        var table: [Unicode.Scalar] = []
        var next: UInt32 = 256
        for b in UInt32(0)...255 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable {
                table.append(Unicode.Scalar(b)!)
            } else {
                table.append(Unicode.Scalar(next)!)
                next += 1
            }
        }
        return table
    }()
}
