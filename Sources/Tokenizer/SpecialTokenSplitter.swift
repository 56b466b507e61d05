/// Cuts text at occurrences of special-token texts before BPE, so that `<|im_start|>` becomes its one id instead of
/// eight BPE pieces.
///
/// As llama.cpp's `tokenizer_st_partition`: special tokens are tried longest text first; each one splits every
/// piece of plain text left by the longer ones at its leftmost non-overlapping occurrences. User-defined tokens are
/// always matched; control and unknown tokens only when the caller asks to parse special tokens.
struct SpecialTokenSplitter: Sendable {
    enum Piece: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Candidate: Sendable {
        let id: Int32
        let bytes: [UInt8]
        /// Matched even when special tokens are not parsed.
        let always: Bool
    }

    private let candidates: [Candidate]

    init(tokens: [String], types: [TokenType]) {
        var list: [Candidate] = []
        for (i, type) in types.enumerated() where type.isSpecial && !tokens[i].isEmpty {
            list.append(Candidate(id: Int32(i), bytes: Array(tokens[i].utf8), always: type == .userDefined))
        }
        // Longest first; ties by id, so the order does not depend on the sort algorithm.
        list.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        candidates = list
    }

    /// The pieces of `bytes`, in order: plain-text ranges and special-token ids.
    func split(_ bytes: [UInt8], parseSpecial: Bool) -> [Piece] {
        var pieces: [Piece] = bytes.isEmpty ? [] : [.text(0 ..< bytes.count)]
        for candidate in candidates where candidate.always || parseSpecial {
            var refined: [Piece] = []
            refined.reserveCapacity(pieces.count)
            for piece in pieces {
                guard case .text(let range) = piece else { refined.append(piece); continue }
                var start = range.lowerBound
                while let match = SpecialTokenSplitter.find(candidate.bytes, in: bytes, start ..< range.upperBound) {
                    if match > start { refined.append(.text(start ..< match)) }
                    refined.append(.token(candidate.id))
                    start = match + candidate.bytes.count
                }
                if start < range.upperBound { refined.append(.text(start ..< range.upperBound)) }
            }
            pieces = refined
        }
        return pieces
    }

    /// The first position in `range` where `needle` occurs in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], _ range: Range<Int>) -> Int? {
        guard let first = needle.first, range.count >= needle.count else { return nil }
        var i = range.lowerBound
        let last = range.upperBound - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
