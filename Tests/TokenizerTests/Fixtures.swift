import Foundation
import GGUF
import TestSupport
import Tokenizer

/// Token-id fixtures made with llama.cpp's `llama-tokenize` on SmolLM2 (no BOS, special tokens not parsed).
struct TokenFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        let name: String?
        let text: String
        let ids: [Int]
    }
    let tokenizer: String
    let cases: [Case]

    static func load(_ name: String) throws -> TokenFixture {
        try JSONDecoder().decode(TokenFixture.self, from: Data(contentsOf: Golden.fixtureURL(name)))
    }
}

enum SmolLM2 {
    /// The real SmolLM2 tokenizer, loaded once for all tests (nil when the model is not fetched).
    static let tokenizer: Tokenizer? = RealModels.smolLM2Path.flatMap { try? Tokenizer(gguf: GGUFFile(path: $0)) }
}
