/// BPE inside one pre-tokenized word: start from one symbol per byte, then repeatedly join the adjacent pair whose
/// merge rule has the lowest rank (the leftmost pair on a tie) until no adjacent pair has a rule.
///
/// This is llama.cpp's order (`llm_tokenizer_bpe_session`: a priority queue on (rank, left position) with stale
/// entries skipped). Symbols form a linked list over the word's positions; a candidate pair is checked against the
/// ids it was queued with when it comes out of the heap, so merges elsewhere in the word invalidate it cheaply.
/// O(n log n) in the word's length, so a long run of spaces or punctuation costs little.
struct BytePairEncoder {
    /// Per-word scratch, reused across the words of one `encode` call.
    private var ids: [Int32] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    private var heap = PairHeap()

    /// Marks a symbol absorbed into its left neighbour.
    private static let dead: Int32 = -2
    /// Stands for a byte whose byte-level character is not a token (never merges, emits nothing).
    static let absent: Int32 = -1

    /// Appends the symbols `word` (raw bytes) ends as to `out`: token ids, or ids at or above the vocabulary size
    /// for merge results whose text is not a token (the caller expands those; see `MergeTable.syntheticTexts`).
    mutating func encode(_ word: ArraySlice<UInt8>, byteTokens: [Int32], merges: MergeTable, into out: inout [Int32]) {
        let n = word.count
        ids.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        heap.removeAll()
        for (i, b) in word.enumerated() {
            ids.append(byteTokens[Int(b)])
            prev.append(Int32(i - 1))
            next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 0 ..< max(n - 1, 0) { queue(Int32(i), Int32(i + 1), merges) }

        while let pair = heap.popMin() {
            let left = Int(pair.left)
            let right = Int(next[left])
            // Stale: the left symbol was absorbed or grew, or its right neighbour changed.
            guard ids[left] == pair.leftID, right >= 0, ids[right] == pair.rightID else { continue }
            ids[left] = pair.result
            ids[right] = BytePairEncoder.dead
            next[left] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = Int32(left) }
            if prev[left] >= 0 { queue(prev[left], Int32(left), merges) }
            if next[left] >= 0 { queue(Int32(left), next[left], merges) }
        }

        var i: Int32 = n > 0 ? 0 : -1
        while i >= 0 {
            if ids[Int(i)] >= 0 { out.append(ids[Int(i)]) }
            i = next[Int(i)]
        }
    }

    private mutating func queue(_ left: Int32, _ right: Int32, _ merges: MergeTable) {
        let l = ids[Int(left)], r = ids[Int(right)]
        guard l >= 0, r >= 0, let rule = merges.rule(l, r) else { return }
        heap.push(PairHeap.Entry(rank: rule.rank, left: left, leftID: l, rightID: r, result: rule.result))
    }
}
