/// The BPE merge rules, keyed by the pair of token ids they join: `rank` (the rule's position in
/// `tokenizer.ggml.merges`; lower merges first) and `result`, the id of the joined text.
///
/// Keying by id pair instead of by text pair lets the merge loop compare integers: tokenizing 60 KB of text does
/// tens of thousands of lookups.
struct MergeTable: Sendable {
    struct Rule: Sendable {
        let rank: Int32
        /// The joined token, or an id at or above the vocabulary size when the joined text is not a token
        /// (`syntheticTexts[result - vocabularySize]` holds its byte-level text).
        let result: Int32
    }

    private let rules: [UInt64: Rule]
    /// Byte-level texts of merge results that are not in the vocabulary.
    let syntheticTexts: [String]

    /// Parses merge lines `"LEFT RIGHT"`, split at the first space after the first byte (as llama.cpp does, so a
    /// left part may itself be a space-like scalar). A repeated pair keeps its first rank.
    init(merges: [String], idOfText: [String: Int32], vocabularySize: Int) throws {
        var rules: [UInt64: Rule] = [:]
        rules.reserveCapacity(merges.count)
        var synthetic: [String] = []
        var syntheticIDs: [String: Int32] = [:]
        for (rank, line) in merges.enumerated() {
            let utf8 = line.utf8
            guard let space = utf8.dropFirst().firstIndex(of: UInt8(ascii: " ")) else {
                throw TokenizerError(.invalidMerge, "merge \(rank) '\(line)' (tokenizer.ggml.merges) has no space between two tokens")
            }
            let left = String(line[..<space])
            let right = String(line[utf8.index(after: space)...])
            guard let l = idOfText[left] else {
                throw TokenizerError(.invalidMerge, "merge \(rank) '\(line)' (tokenizer.ggml.merges) names '\(left)', which is not a token")
            }
            guard let r = idOfText[right] else {
                throw TokenizerError(.invalidMerge, "merge \(rank) '\(line)' (tokenizer.ggml.merges) names '\(right)', which is not a token")
            }
            let key = MergeTable.key(l, r)
            if rules[key] != nil { continue }
            let joined = left + right
            let result: Int32
            if let id = idOfText[joined] {
                result = id
            } else if let id = syntheticIDs[joined] {
                result = id
            } else {
                result = Int32(vocabularySize + synthetic.count)
                syntheticIDs[joined] = result
                synthetic.append(joined)
            }
            rules[key] = Rule(rank: Int32(rank), result: result)
        }
        self.rules = rules
        self.syntheticTexts = synthetic
    }

    var count: Int { rules.count }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    func rule(_ left: Int32, _ right: Int32) -> Rule? { rules[MergeTable.key(left, right)] }
}
