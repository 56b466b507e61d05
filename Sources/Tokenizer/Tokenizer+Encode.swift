extension Tokenizer {
    /// The token ids of `text`.
    ///
    /// - Parameters:
    ///   - addBOS: start with the BOS token; nil follows `tokenizer.ggml.add_bos_token` (`addsBOS`). Ignored when
    ///     the vocabulary names no BOS token.
    ///   - addEOS: end with the EOS token; nil follows `addsEOS`.
    ///   - parseSpecial: match control-token texts such as `<|im_start|>` as their single ids (for chat prompts).
    ///     When false they are ordinary text, as `llama-tokenize --no-parse-special` treats them; user-defined
    ///     tokens are matched either way.
    public func encode(_ text: String, addBOS: Bool? = nil, addEOS: Bool? = nil, parseSpecial: Bool = false) -> [Int] {
        var out: [Int32] = []
        out.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS ?? addsBOS, let bosID { out.append(Int32(bosID)) }
        let bytes = Array(text.utf8)
        var session = EncodeSession()
        for piece in specials.split(bytes, parseSpecial: parseSpecial) {
            switch piece {
            case .token(let id): out.append(id)
            case .text(let range): encodePlain(bytes, range, &session, &out)
            }
        }
        if addEOS ?? addsEOS, let eosID { out.append(Int32(eosID)) }
        return out.map(Int.init)
    }

    /// State of one `encode` call: the words already encoded (text repeats words, so most words are looked up,
    /// not merged) and the merge loop's scratch space.
    struct EncodeSession {
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        var encoder = BytePairEncoder()
        var wordEnds: [Int] = []
        var offsets: [Int] = []
    }

    /// Pre-tokenizes `bytes[range]` (valid UTF-8: it comes from a `String`, cut only at special-token texts) and
    /// appends each word's tokens.
    private func encodePlain(_ bytes: [UInt8], _ range: Range<Int>, _ session: inout EncodeSession, _ out: inout [Int32]) {
        let scalars = ClassifiedScalars(String(decoding: bytes[range], as: UTF8.self).unicodeScalars)
        // Byte offset of each scalar, to cut words out of `bytes`.
        session.offsets.removeAll(keepingCapacity: true)
        var offset = range.lowerBound
        for v in scalars.values {
            session.offsets.append(offset)
            offset += v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4
        }
        session.offsets.append(offset)
        session.wordEnds.removeAll(keepingCapacity: true)
        preTokenizer.wordEnds(scalars, into: &session.wordEnds)

        var start = 0
        for end in session.wordEnds {
            let word = bytes[session.offsets[start] ..< session.offsets[end]]
            start = end
            if let ids = session.cache[word] {
                out.append(contentsOf: ids)
                continue
            }
            var ids: [Int32] = []
            session.encoder.encode(word, byteTokens: byteTokens, merges: merges, into: &ids)
            if ids.contains(where: { Int($0) >= tokens.count }) { ids = expandSynthetic(ids) }
            session.cache[word] = ids
            out.append(contentsOf: ids)
        }
    }

    /// Replaces merge results that are not tokens as llama.cpp does: by the single-byte tokens of their text's
    /// bytes, where those exist (only ASCII bytes can be whole tokens; others are dropped).
    private func expandSynthetic(_ ids: [Int32]) -> [Int32] {
        var out: [Int32] = []
        for id in ids {
            guard Int(id) >= tokens.count else { out.append(id); continue }
            for byte in merges.syntheticTexts[Int(id) - tokens.count].utf8 where byte < 0x80 {
                if let t = idOfText[String(Unicode.Scalar(byte))] { out.append(t) }
            }
        }
        return out
    }
}
