extension Tokenizer {
    /// Builds a tokenizer from vocabulary arrays as GGUF stores them.
    ///
    /// - Parameters:
    ///   - tokens: token texts, byte-level spelled; the index is the id.
    ///   - types: one type per token, or nil for all normal.
    ///   - merges: `"LEFT RIGHT"` rules, highest priority first; both parts must be tokens.
    ///   - endOfGenerationIDs: ids that end generation besides EOS and the end-of-turn texts.
    public init(tokens: [String], types: [TokenType]? = nil, merges: [String], preTokenizer: PreTokenizer,
                bosID: Int? = nil, eosID: Int? = nil, addsBOS: Bool = false, addsEOS: Bool = false,
                endOfGenerationIDs: [Int] = []) throws {
        guard !tokens.isEmpty else { throw TokenizerError(.invalidVocabulary, "the vocabulary (tokenizer.ggml.tokens) is empty") }
        guard tokens.count <= Int(Int32.max) / 2 else {
            throw TokenizerError(.invalidVocabulary, "the vocabulary (tokenizer.ggml.tokens) has \(tokens.count) tokens, too many")
        }
        var types = types ?? Array(repeating: .normal, count: tokens.count)
        guard types.count == tokens.count else {
            throw TokenizerError(.invalidVocabulary,
                                 "tokenizer.ggml.token_type has \(types.count) entries for \(tokens.count) tokens")
        }
        let named: [(String, Int?)] = [("bos", bosID), ("eos", eosID)] + endOfGenerationIDs.map { ("end-of-generation", $0) }
        for (name, id) in named {
            if let id, !tokens.indices.contains(id) {
                throw TokenizerError(.invalidVocabulary, "\(name) token id \(id) is outside the vocabulary of \(tokens.count) tokens")
            }
        }
        if addsBOS && bosID == nil {
            throw TokenizerError(.invalidVocabulary, "tokenizer.ggml.add_bos_token is true but there is no bos_token_id")
        }
        if addsEOS && eosID == nil {
            throw TokenizerError(.invalidVocabulary, "tokenizer.ggml.add_eos_token is true but there is no eos_token_id")
        }

        var idOfText: [String: Int32] = [:]
        idOfText.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() { idOfText[t] = Int32(i) }

        // End of generation: the ids given, EOS, and the end-of-turn texts. As llama.cpp does, a token found by its
        // text is treated as a control token even when the file calls it something else.
        var endOfGeneration = Set(endOfGenerationIDs)
        if let eosID { endOfGeneration.insert(eosID) }
        for text in Tokenizer.endOfTurnTexts {
            guard let id = idOfText[text].map(Int.init) else { continue }
            endOfGeneration.insert(id)
            types[id] = .control
        }

        self.tokens = tokens
        self.types = types
        self.idOfText = idOfText
        self.byteTokens = ByteLevel.scalarOfByte.map { idOfText[String($0)] ?? BytePairEncoder.absent }
        self.merges = try MergeTable(merges: merges, idOfText: idOfText, vocabularySize: tokens.count)
        self.specials = SpecialTokenSplitter(tokens: tokens, types: types)
        (self.pieceBytes, self.pieceStarts) = Tokenizer.pieces(tokens: tokens, types: types)
        self.endOfGeneration = endOfGeneration
        self.preTokenizer = preTokenizer
        self.bosID = bosID
        self.eosID = eosID
        self.addsBOS = addsBOS
        self.addsEOS = addsEOS
    }

    /// Token texts that end a turn in the chat formats this module knows (a subset of llama.cpp's list).
    static let endOfTurnTexts = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<end_of_turn>"]

    /// The bytes each token decodes to, flattened: normal tokens un-spelled from byte-level, special and
    /// user-defined tokens as their text, `<0xXX>` byte tokens as that byte, undefined and unused ones as nothing.
    private static func pieces(tokens: [String], types: [TokenType]) -> ([UInt8], [Int]) {
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        starts.reserveCapacity(tokens.count + 1)
        for (text, type) in zip(tokens, types) {
            switch type {
            case .normal: ByteLevel.decode(text, into: &bytes)
            case .control, .unknown, .userDefined: bytes.append(contentsOf: text.utf8)
            case .byte: if let b = byteTokenValue(text) { bytes.append(b) }
            case .undefined, .unused: break
            }
            starts.append(bytes.count)
        }
        return (bytes, starts)
    }

    /// The byte a `<0xXX>` token stands for.
    private static func byteTokenValue(_ text: String) -> UInt8? {
        guard text.hasPrefix("<0x"), text.hasSuffix(">"), text.utf8.count == 6 else { return nil }
        return UInt8(text.dropFirst(3).dropLast(), radix: 16)
    }
}
