import GGUF

extension Tokenizer {
    /// Builds the tokenizer a GGUF file describes: `tokenizer.ggml.model` must be `gpt2` and `tokenizer.ggml.pre` a
    /// supported pre-tokenizer; `tokens` and `merges` are required, `token_type`, the special ids and
    /// `add_bos_token`/`add_eos_token` optional. Errors name the key.
    public init(gguf: GGUFFile) throws {
        func read<T>(_ key: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as GGUFError {
                throw TokenizerError(.badMetadata, "\(key): \(e.message)")
            }
        }
        func optionalID(_ key: String) throws -> Int? {
            gguf.contains(key) ? try read(key) { try gguf.int(key) } : nil
        }
        let model = try read("tokenizer.ggml.model") { try gguf.string("tokenizer.ggml.model") }
        guard model == "gpt2" else {
            throw TokenizerError(.unsupportedModel,
                                 "tokenizer model '\(model)' (tokenizer.ggml.model) is not supported; only 'gpt2' (byte-level BPE) is")
        }
        guard gguf.contains("tokenizer.ggml.pre") else {
            throw TokenizerError(.unsupportedPreTokenizer,
                                 "tokenizer.ggml.pre is missing (llama.cpp would fall back to its 'default' pre-tokenizer, which is not supported)")
        }
        let pre = try PreTokenizer(name: try read("tokenizer.ggml.pre") { try gguf.string("tokenizer.ggml.pre") })
        let tokens = try read("tokenizer.ggml.tokens") { try gguf.stringArray("tokenizer.ggml.tokens") }
        let merges = try read("tokenizer.ggml.merges") { try gguf.stringArray("tokenizer.ggml.merges") }
        let types: [TokenType]? = try gguf.contains("tokenizer.ggml.token_type")
            ? read("tokenizer.ggml.token_type") {
                try gguf.intArray("tokenizer.ggml.token_type").map { Int32(exactly: $0).flatMap(TokenType.init) ?? .undefined }
            }
            : nil
        let eot = try optionalID("tokenizer.ggml.eot_token_id")
        let eom = try optionalID("tokenizer.ggml.eom_token_id")
        try self.init(
            tokens: tokens, types: types, merges: merges, preTokenizer: pre,
            bosID: try optionalID("tokenizer.ggml.bos_token_id"), eosID: try optionalID("tokenizer.ggml.eos_token_id"),
            addsBOS: try read("tokenizer.ggml.add_bos_token") { try gguf.bool("tokenizer.ggml.add_bos_token", default: false) },
            addsEOS: try read("tokenizer.ggml.add_eos_token") { try gguf.bool("tokenizer.ggml.add_eos_token", default: false) },
            endOfGenerationIDs: [eot, eom].compactMap { $0 })
    }
}
