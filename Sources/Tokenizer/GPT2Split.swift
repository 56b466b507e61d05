/// GPT-2's split rule, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, applied to the
/// piece `start ..< end` of a text. The alternatives are tried in order at each position, as a regex engine would;
/// lookaheads see only the piece (llama.cpp splits piece by piece, so its end acts as the end of the text).
enum GPT2Split {
    static func run(_ text: ClassifiedScalars, _ start: Int, _ end: Int, _ ends: inout [Int]) {
        let v = text.values, c = text.classes
        var pos = start
        while pos < end {
            let contraction = contractionLength(v, pos, end, caseInsensitive: false)
            if contraction > 0 {
                pos += contraction
                ends.append(pos)
                continue
            }
            // ` ?X+` for X in letter, number, other: an optional single space, then a run of one class.
            let spaced = v[pos] == .space
            let head = spaced ? pos + 1 : pos
            if head < end, c[head] != .whitespace {
                let kind = c[head]
                pos = head + 1
                while pos < end && c[pos] == kind { pos += 1 }
                ends.append(pos)
                continue
            }
            // Whitespace: `\s+(?!\S)` leaves the last space of a run to the word that follows it; at the end of
            // the piece `\s+` takes the whole run.
            var run = 0
            while pos + run < end && c[pos + run] == .whitespace { run += 1 }
            if run > 1 && pos + run < end {
                pos += run - 1
            } else {
                pos += max(run, 1)
            }
            ends.append(pos)
        }
    }
}
