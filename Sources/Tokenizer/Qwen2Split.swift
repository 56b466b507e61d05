/// Qwen2's split rule, applied to the piece `start ..< end` of a text:
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
///
/// Unlike GPT-2: a letter run may take any one non-letter, non-number, non-newline scalar in front (a space, a tab,
/// a quote), every number scalar stands alone, a punctuation run takes the newlines after it, and a whitespace run
/// that holds newlines ends at its last newline.
enum Qwen2Split {
    static func run(_ text: ClassifiedScalars, _ start: Int, _ end: Int, _ ends: inout [Int]) {
        let v = text.values, c = text.classes
        func isNewline(_ i: Int) -> Bool { v[i] == .carriageReturn || v[i] == .lineFeed }
        var pos = start
        while pos < end {
            let contraction = contractionLength(v, pos, end, caseInsensitive: true)
            if contraction > 0 {
                pos += contraction
                ends.append(pos)
                continue
            }
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !isNewline(pos) && c[pos] != .number && (c[pos] == .letter || (pos + 1 < end && c[pos + 1] == .letter)) {
                pos += 1
                while pos < end && c[pos] == .letter { pos += 1 }
                ends.append(pos)
                continue
            }
            // `\p{N}`
            if c[pos] == .number {
                pos += 1
                ends.append(pos)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let head = v[pos] == .space ? pos + 1 : pos
            if head < end && c[head] == .other {
                pos = head + 1
                while pos < end && c[pos] == .other { pos += 1 }
                while pos < end && isNewline(pos) { pos += 1 }
                ends.append(pos)
                continue
            }
            // `\s*[\r\n]+`: a whitespace run holding newlines ends just after its last newline.
            var run = 0
            var afterLastNewline = -1
            while pos + run < end && c[pos + run] == .whitespace {
                if isNewline(pos + run) { afterLastNewline = pos + run + 1 }
                run += 1
            }
            if afterLastNewline > 0 {
                pos = afterLastNewline
            } else if run > 1 && pos + run < end {
                pos += run - 1  // `\s+(?!\S)`
            } else {
                pos += max(run, 1)  // `\s+`, or a lone scalar nothing matched
            }
            ends.append(pos)
        }
    }
}
