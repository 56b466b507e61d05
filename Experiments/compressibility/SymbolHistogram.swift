import Foundation

/// Counts of the symbols of one stream (quant codes, or one kind of scale field), each `width` bits wide, and the
/// order-0 Shannon entropy of their empirical distribution.
///
/// Order-0 means each symbol is coded on its own with one fixed table (Huffman, ANS): the entropy is the fewest bits
/// per symbol such a coder can reach on this data, table excluded. Coders that use context (LZ77 matches, zstd's
/// repeat offsets) can go lower when neighbouring symbols are correlated, so it is a bound for the first kind only.
struct SymbolHistogram: Equatable {
    /// Bits each symbol takes in the stored format.
    let width: Int
    private(set) var counts: [Int]
    private(set) var total = 0

    init(width: Int) {
        precondition((1...16).contains(width), "symbols are 1 to 16 bits wide")
        self.width = width
        counts = [Int](repeating: 0, count: 1 << width)
    }

    /// Counts one symbol; `symbol` must fit in `width` bits.
    @inline(__always) mutating func add(_ symbol: Int) {
        counts[symbol] += 1
        total += 1
    }

    mutating func merge(_ other: SymbolHistogram) {
        precondition(other.width == width, "merging histograms of different widths")
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
    }

    /// H = -Σ p log2 p over the symbols seen, in bits per symbol; 0 for an empty or constant stream.
    var entropyBits: Double { Self.entropy(counts) }

    /// How many distinct symbols occur.
    var distinctSymbols: Int { counts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Bits the stream takes as stored.
    var storedBits: Double { Double(total * width) }

    /// Bits an ideal order-0 coder needs for the whole stream: total × H.
    var entropyBoundBits: Double { Double(total) * entropyBits }

    /// Order-0 entropy in bits per symbol of a histogram of counts.
    static func entropy(_ counts: [Int]) -> Double {
        let total = Double(counts.reduce(0, +))
        guard total > 0 else { return 0 }
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / total
            h -= p * log2(p)
        }
        return h
    }
}
