import GGUF
import Testing
@testable import Tokenizer

/// Malformed vocabularies are thrown errors that name the problem, never crashes.
@Suite struct BadInputTests {
    func error(_ entries: [(String, GGUFValue)]) throws -> TokenizerError? {
        let file = try ToyVocabulary.gguf(entries)
        return #expect(throws: TokenizerError.self) { try Tokenizer(gguf: file) }
    }

    @Test func minimalVocabularyWorks() throws {
        let t = try Tokenizer(gguf: ToyVocabulary.gguf(ToyVocabulary.minimal))
        #expect(t.encode("ab") == [2])
        #expect(t.encode("ba") == [1, 0])
        #expect(t.bosID == nil && !t.addsBOS)
    }

    @Test(arguments: ["tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.model"])
    func missingKey(_ key: String) throws {
        let e = try error(ToyVocabulary.minimal(key, nil))
        #expect(e?.kind == .badMetadata)
        #expect(e?.description.contains(key) == true)
    }

    @Test func wrongTypeNamesTheKey() throws {
        let e = try error(ToyVocabulary.minimal("tokenizer.ggml.tokens", .array(.int32([1, 2, 3]))))
        #expect(e?.kind == .badMetadata)
        #expect(e?.description.contains("tokenizer.ggml.tokens") == true)
    }

    @Test func mergeNamingAnUnknownToken() throws {
        let e = try error(ToyVocabulary.minimal("tokenizer.ggml.merges", .array(.string(["a b", "ab q"]))))
        #expect(e?.kind == .invalidMerge)
        #expect(e?.description.contains("'q'") == true)
        #expect(e?.description.contains("merge 1") == true)
    }

    @Test func mergeWithoutSpace() throws {
        let e = try error(ToyVocabulary.minimal("tokenizer.ggml.merges", .array(.string(["ab"]))))
        #expect(e?.kind == .invalidMerge)
    }

    @Test func unknownPreTokenizer() throws {
        let e = try error(ToyVocabulary.minimal("tokenizer.ggml.pre", .string("falcon")))
        #expect(e?.kind == .unsupportedPreTokenizer)
        #expect(e?.description.contains("'falcon'") == true)
        #expect(e?.description.contains("'qwen2'") == true)
        let missing = try error(ToyVocabulary.minimal("tokenizer.ggml.pre", nil))
        #expect(missing?.kind == .unsupportedPreTokenizer)
    }

    @Test func unknownModel() throws {
        let e = try error(ToyVocabulary.minimal("tokenizer.ggml.model", .string("llama")))
        #expect(e?.kind == .unsupportedModel)
        #expect(e?.description.contains("'llama'") == true)
    }

    @Test func inconsistentArrays() throws {
        let types = try error(ToyVocabulary.minimal("tokenizer.ggml.token_type", .array(.int32([1, 1]))))
        #expect(types?.kind == .invalidVocabulary)
        let bos = try error(ToyVocabulary.minimal("tokenizer.ggml.bos_token_id", .uint32(7)))
        #expect(bos?.kind == .invalidVocabulary)
        #expect(bos?.description.contains("7") == true)
        let empty = try error(ToyVocabulary.minimal("tokenizer.ggml.tokens", .array(.string([]))))
        #expect(empty?.kind == .invalidVocabulary)
        let addBOS = try error(ToyVocabulary.minimal("tokenizer.ggml.add_bos_token", .bool(true)))
        #expect(addBOS?.kind == .invalidVocabulary)
    }
}
