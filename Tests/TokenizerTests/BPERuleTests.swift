import Testing
@testable import Tokenizer

/// Merge order, special-token matching and decoding on toy vocabularies, where each expected id list can be
/// worked out by hand.
@Suite struct BPERuleTests {
    func toy(_ tokens: [String], _ merges: [String], types: [TokenType]? = nil, bos: Int? = nil, addsBOS: Bool = false) throws -> Tokenizer {
        try Tokenizer(tokens: tokens, types: types, merges: merges, preTokenizer: .gpt2, bosID: bos, addsBOS: addsBOS)
    }

    @Test func lowerRankMergesFirst() throws {
        let t = try toy(["a", "b", "c", "ab", "bc"], ["b c", "a b"])
        #expect(t.encode("abc") == [0, 4])  // "b c" (rank 0) wins over "a b" (rank 1)
        let u = try toy(["a", "b", "c", "ab", "bc"], ["a b", "b c"])
        #expect(u.encode("abc") == [3, 2])
    }

    @Test func leftmostPairWinsATie() throws {
        let t = try toy(["a", "aa", "aaaa"], ["a a", "aa aa"])
        #expect(t.encode("aaa") == [1, 0])
        #expect(t.encode("aaaa") == [2])
        #expect(t.encode("aaaaa") == [2, 0])
    }

    @Test func mergeIntoANonTokenFallsBackToBytes() throws {
        // "ab" is not a token: llama.cpp still joins a+b first (rank 0), which blocks "b c", then spells the
        // unknown "ab" with single-byte tokens.
        let t = try toy(["a", "b", "c", "bc"], ["a b", "b c"])
        #expect(t.merges.syntheticTexts == ["ab"])
        #expect(t.encode("abc") == [0, 1, 2])
        #expect(t.encode("bc") == [3])
    }

    @Test func bytesWithoutATokenAreDropped() throws {
        let t = try toy(["a", "b"], [])
        #expect(t.encode("azb") == [0, 1])
    }

    @Test func wordsMergeOnlyInsideThemselves() throws {
        let t = try toy(["a", "Ġ", "Ġa", "aĠ"], ["a Ġ", "Ġ a"])
        // "a a" splits into "a" and " a": the rank-0 merge "a Ġ" never sees its pair.
        #expect(t.encode("a a") == [0, 2])
    }

    @Test func specialTokens() throws {
        let tokens = ["a", "b", "<", "x", ">", "<x>", "<x><x>", "[U]", "[", "U", "]"]
        var types = [TokenType](repeating: .normal, count: tokens.count)
        types[5] = .control
        types[6] = .control
        types[7] = .userDefined
        let t = try toy(tokens, [], types: types)
        // User-defined tokens are matched even when special tokens are not parsed.
        #expect(t.encode("a<x>b[U]") == [0, 2, 3, 4, 1, 7])
        #expect(t.encode("a<x>b[U]", parseSpecial: true) == [0, 5, 1, 7])
        // Longest text first.
        #expect(t.encode("<x><x><x>", parseSpecial: true) == [6, 5])
        #expect(t.decode([0, 5, 1, 7]) == "ab[U]")
        #expect(t.decode([0, 5, 1, 7], renderSpecial: true) == "a<x>b[U]")
    }

    @Test func bosAndEos() throws {
        let t = try toy(["a", "<s>", "</s>"], [], types: [.normal, .control, .control], bos: 1, addsBOS: true)
        #expect(t.encode("a") == [1, 0])
        #expect(t.encode("a", addBOS: false) == [0])
        #expect(t.encode("") == [1])
        let noBOS = try toy(["a"], [])
        #expect(noBOS.encode("a", addBOS: true) == [0])  // no BOS token to add
    }

    @Test func decodeByType() throws {
        let t = try toy(["a", "<0x41>", "unused", "Ġb", "Ċ"], [], types: [.normal, .byte, .unused, .normal, .normal])
        #expect(t.decode([0, 1, 2, 3, 4]) == "aA b\n")
        #expect(t.decode([0, -1, 99, 0]) == "aa")  // ids outside the vocabulary decode to nothing
        #expect(t.bytes(of: 3) == [0x20, 0x62])
        #expect(t.tokenText(3) == "Ġb")
        #expect(t.tokenText(5) == nil)
    }

    @Test func invalidUTF8IsRepaired() throws {
        let t = try ToyVocabulary.bytes()
        #expect(t.decode([0xE2, 0x82]) == "\u{FFFD}")
        #expect(t.decode([0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
    }
}
