/// Byte-level BPE training for the synthetic vocabulary: GPT-2's recipe, small and deterministic.
///
/// The text is first split into words roughly as GPT-2's pre-tokenizer splits it (a leading space joins the word that
/// follows it, runs of letters, of digits and of other symbols are separate, English contractions are their own
/// pieces). Each word starts as its UTF-8 bytes; then, repeatedly, the most frequent adjacent pair of symbols inside
/// words (counted over the whole text) is merged into a new symbol. Ties go to the pair whose two symbol ids are
/// smallest (left first), so the result never depends on hashing or dictionary order.
enum SyntheticBPE {
    /// One learned merge: `left` and `right` are symbol ids, `result` the id of their concatenation.
    struct Merge: Equatable {
        let left: Int
        let right: Int
        let result: Int
    }

    /// Splits `text` into GPT-2-style words: `'s|'t|'re|'ve|'m|'ll|'d| ?letters| ?digits| ?other|\s+(?!\S)|\s+`.
    static func preTokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        var i = 0
        func take(_ end: Int) {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[i..<end])
            words.append(String(s))
            i = end
        }
        func run(from start: Int, while test: (Unicode.Scalar) -> Bool) -> Int {
            var j = start
            while j < scalars.count, test(scalars[j]) { j += 1 }
            return j
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "'", let end = contraction(scalars, at: i) { take(end); continue }
            if isWhitespace(c) {
                let end = run(from: i, while: isWhitespace)
                if end == scalars.count { take(end); continue }
                // `\s+(?!\S)`: a whitespace run followed by a word leaves its last character to that word: a space
                // joins it, any other whitespace character becomes a piece of its own on the next turn.
                if end - i > 1 { take(end - 1); continue }
                if c != " " { take(end); continue }
            }
            // ` ?X+` where X is one class: letters, digits, or anything else that is not whitespace.
            let start = c == " " ? i + 1 : i
            let kind = CharacterClass(scalars[start])
            take(run(from: start) { CharacterClass($0) == kind })
        }
        return words
    }

    /// The end of a contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) starting at `i`, or nil.
    private static func contraction(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        for suffix in ["s", "t", "re", "ve", "m", "ll", "d"] {
            let u = Array(suffix.unicodeScalars)
            if i + u.count < s.count, Array(s[(i + 1)...(i + u.count)]) == u { return i + 1 + u.count }
        }
        return nil
    }

    private static func isWhitespace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

    /// The classes GPT-2's pattern keeps apart: `\p{L}`, `\p{N}`, whitespace, and everything else.
    private enum CharacterClass {
        case letter, digit, whitespace, other
        init(_ c: Unicode.Scalar) {
            if c.properties.isWhitespace { self = .whitespace }
            else if c.properties.isAlphabetic { self = .letter }
            else if c.properties.numericType != nil { self = .digit }
            else { self = .other }
        }
    }

    /// Learns up to `maxMerges` merges from `words`. Symbols 0...255 are the bytes; merge `k` creates symbol
    /// `256 + k` unless `symbolOf` maps its byte string to an existing symbol (two merge paths can spell the same
    /// string; the vocabulary keeps one token for it). Training stops when no pair occurs at least twice.
    ///
    /// Returns the merges in rank order and the byte string of every symbol (index = symbol id).
    static func train(words: [String], maxMerges: Int) -> (merges: [Merge], symbols: [[UInt8]]) {
        // Distinct words with their counts, in byte order so that nothing depends on hashing.
        var counts: [[UInt8]: Int] = [:]
        for w in words { counts[Array(w.utf8), default: 0] += 1 }
        let distinct = counts.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var pieces: [[Int]] = distinct.map { $0.map(Int.init) }
        let frequency: [Int] = distinct.map { counts[$0]! }

        var symbols: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        var symbolOf: [[UInt8]: Int] = [:]
        for (id, bytes) in symbols.enumerated() { symbolOf[bytes] = id }

        var pairCounts: [Pair: Int] = [:]
        for (w, p) in pieces.enumerated() { add(p, frequency[w], to: &pairCounts) }

        var merges: [Merge] = []
        while merges.count < maxMerges {
            var best: (pair: Pair, count: Int)?
            for (pair, count) in pairCounts where count >= 2 {
                if let b = best, count < b.count || (count == b.count && b.pair < pair) { continue }
                best = (pair, count)
            }
            guard let (pair, _) = best else { break }
            let bytes = symbols[pair.left] + symbols[pair.right]
            let result: Int
            if let existing = symbolOf[bytes] {
                result = existing
            } else {
                result = symbols.count
                symbols.append(bytes)
                symbolOf[bytes] = result
            }
            merges.append(Merge(left: pair.left, right: pair.right, result: result))
            for w in pieces.indices where contains(pieces[w], pair) {
                add(pieces[w], -frequency[w], to: &pairCounts)
                pieces[w] = apply(pair, result, to: pieces[w])
                add(pieces[w], frequency[w], to: &pairCounts)
            }
        }
        return (merges, symbols)
    }

    /// An adjacent pair of symbol ids, ordered left id first.
    struct Pair: Hashable, Comparable {
        let left: Int
        let right: Int
        static func < (a: Pair, b: Pair) -> Bool { (a.left, a.right) < (b.left, b.right) }
    }

    private static func add(_ piece: [Int], _ weight: Int, to counts: inout [Pair: Int]) {
        guard piece.count > 1 else { return }
        for k in 0..<(piece.count - 1) {
            let p = Pair(left: piece[k], right: piece[k + 1])
            let n = counts[p, default: 0] + weight
            counts[p] = n == 0 ? nil : n
        }
    }

    private static func contains(_ piece: [Int], _ pair: Pair) -> Bool {
        guard piece.count > 1 else { return false }
        for k in 0..<(piece.count - 1) where piece[k] == pair.left && piece[k + 1] == pair.right { return true }
        return false
    }

    /// Replaces each occurrence of `pair`, left to right without overlap, by `result`.
    private static func apply(_ pair: Pair, _ result: Int, to piece: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(piece.count)
        var k = 0
        while k < piece.count {
            if k + 1 < piece.count, piece[k] == pair.left, piece[k + 1] == pair.right {
                out.append(result)
                k += 2
            } else {
                out.append(piece[k])
                k += 1
            }
        }
        return out
    }
}
