import Testing
import TestSupport
@testable import Tokenizer

@Suite struct StreamingDecoderTests {
    @Test(.enabled(if: RealModels.smolLM2Path != nil))
    func streamEqualsDecodeAndNeverSplitsACharacter() throws {
        let tokenizer = try #require(SmolLM2.tokenizer)
        let text = try TokenFixture.load("smollm2-long-tokens.json").cases.first { $0.name == "unicode-mix" }!.text
        let ids = tokenizer.encode(text)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var pieces: [String] = []
        for id in ids { pieces.append(decoder.append(id)) }
        pieces.append(decoder.finish())
        #expect(pieces.joined() == text)
        #expect(pieces.joined() == tokenizer.decode(ids))
        // Emoji and CJK are split into byte tokens here, so some tokens finish no character...
        #expect(pieces.contains(""))
        // ...and no piece contains a replacement character.
        #expect(!pieces.contains { $0.contains("\u{FFFD}") })
    }

    @Test func holdsBackOnlyWhatCanStillComplete() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        #expect(StreamingDecoder.completePrefixLength([0x61] + euro.prefix(1)) == 1)
        #expect(StreamingDecoder.completePrefixLength([0x61] + euro.prefix(2)) == 1)
        #expect(StreamingDecoder.completePrefixLength([0x61] + euro) == 4)
        #expect(StreamingDecoder.completePrefixLength([0xF0, 0x9F, 0x99]) == 0)
        // Bytes that can never complete are not held back: decoding replaces them at once.
        #expect(StreamingDecoder.completePrefixLength([0x61, 0xFF]) == 2)
        #expect(StreamingDecoder.completePrefixLength([0x61, 0xE0, 0x80]) == 3)
        #expect(StreamingDecoder.completePrefixLength([0x80, 0x80, 0x80, 0x80]) == 4)
        #expect(StreamingDecoder.completePrefixLength([]) == 0)
    }

    @Test func finishRepairsAnUnfinishedCharacter() throws {
        // A toy vocabulary whose tokens are single bytes: the euro sign arrives in three tokens.
        let tokenizer = try ToyVocabulary.bytes()
        let ids = tokenizer.encode("a€")
        #expect(ids.count == 4)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.append(ids[0]) == "a")
        #expect(decoder.append(ids[1]) == "")
        #expect(decoder.append(ids[2]) == "")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.finish() == "")
        #expect(decoder.append(ids[3]) == "\u{FFFD}")  // a lone continuation byte
    }
}
