/// A binary min-heap of candidate merges ordered by (rank, left position): the order in which llama.cpp's BPE
/// queue pops them.
struct PairHeap {
    struct Entry {
        let rank: Int32
        let left: Int32
        /// The ids of the two symbols when the pair was queued; a popped entry whose symbols changed is stale.
        let leftID: Int32
        let rightID: Int32
        let result: Int32

        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : left < other.left
        }
    }

    private var items: [Entry] = []

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ entry: Entry) {
        items.append(entry)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Entry? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var parent = 0
        while true {
            let l = 2 * parent + 1, r = l + 1
            var best = parent
            if l < items.count && items[l].precedes(items[best]) { best = l }
            if r < items.count && items[r].precedes(items[best]) { best = r }
            if best == parent { break }
            items.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
