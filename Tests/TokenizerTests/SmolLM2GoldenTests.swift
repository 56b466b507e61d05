import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizer

/// Ids identical to llama.cpp's on the real SmolLM2 vocabulary (`tokenizer.ggml.pre` = `smollm`).
@Suite("SmolLM2 tokenizer against llama-tokenize", .enabled(if: RealModels.smolLM2Path != nil))
struct SmolLM2GoldenTests {
    let tokenizer = try! #require(SmolLM2.tokenizer)

    @Test func vocabularyAndSpecialIds() throws {
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.preTokenizer == .smollm)
        #expect(tokenizer.bosID == 1)
        #expect(tokenizer.eosID == 2)
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.tokenID("<|im_start|>") == 1)
        #expect(tokenizer.tokenType(1) == .control)
        #expect(tokenizer.endOfGenerationIDs == [0, 2])  // <|endoftext|>, <|im_end|> (EOS)
        #expect(tokenizer.isEndOfGeneration(2) && tokenizer.isEndOfGeneration(0) && !tokenizer.isEndOfGeneration(1))
        #expect(tokenizer.merges.count == 48900)
        #expect(tokenizer.merges.syntheticTexts.isEmpty)
    }

    @Test func shortCases() throws {
        let fixture = try TokenFixture.load("smollm2-tokens.json")
        #expect(fixture.cases.count == 19)
        for c in fixture.cases {
            #expect(tokenizer.encode(c.text) == c.ids, "text: \(c.text.debugDescription)")
            #expect(tokenizer.decode(c.ids) == c.text)
        }
    }

    @Test func longEnglishCodeAndUnicode() throws {
        let fixture = try TokenFixture.load("smollm2-long-tokens.json")
        #expect(fixture.cases.map { $0.name ?? "" } == ["apache-2.0-license", "swift-GGUFError", "swift-Arguments", "unicode-mix"])
        for c in fixture.cases {
            let ids = tokenizer.encode(c.text)
            #expect(ids.count == c.ids.count, "\(c.name ?? "")")
            if let i = zip(ids, c.ids).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("\(c.name ?? ""): first difference at token \(i): \(ids[i]) vs llama.cpp \(c.ids[i])")
            }
            #expect(tokenizer.decode(ids) == c.text, "\(c.name ?? "")")
        }
    }

    @Test func bosFollowsMetadataUnlessOverridden() {
        #expect(tokenizer.encode("Hello world!") == [19556, 905, 17])
        #expect(tokenizer.encode("Hello world!", addBOS: true) == [1, 19556, 905, 17])
        #expect(tokenizer.encode("Hello world!", addEOS: true) == [19556, 905, 17, 2])
    }

    @Test func specialTokensAreTextUnlessParsed() {
        let text = "<|im_start|>user\nhi<|im_end|>"
        let plain = tokenizer.encode(text)
        #expect(plain.count == 17 && !plain.contains(1) && !plain.contains(2))
        let parsed = tokenizer.encode(text, parseSpecial: true)
        #expect(parsed.first == 1)
        #expect(parsed.last == 2)
        #expect(Array(parsed.dropFirst().dropLast()) == tokenizer.encode("user\nhi"))
        // Control tokens decode to nothing unless asked for.
        #expect(tokenizer.decode(parsed) == "user\nhi")
        #expect(tokenizer.decode(parsed, renderSpecial: true) == text)
    }
}
