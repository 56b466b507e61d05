extension SymbolLayout {
    /// The block stream's bytes regrouped into two streams: every block's code bytes in order, then (separately)
    /// every block's scale bytes. A byte-oriented compressor then sees like next to like, which is how a loader
    /// that knows the format could store it; the split is exact, so `interleave` restores the original bytes.
    func regroup(_ bytes: [UInt8]) -> (codes: [UInt8], scales: [UInt8]) {
        precondition(bytes.count % bytesPerBlock == 0, "\(name): \(bytes.count) bytes are not whole blocks")
        let isScale = scaleMask
        var codes: [UInt8] = [], scales: [UInt8] = []
        let scaleBytesPerBlock = isScale.filter { $0 }.count
        let blocks = bytes.count / bytesPerBlock
        codes.reserveCapacity(blocks * (bytesPerBlock - scaleBytesPerBlock))
        scales.reserveCapacity(blocks * scaleBytesPerBlock)
        for block in 0..<blocks {
            for i in 0..<bytesPerBlock {
                let value = bytes[block * bytesPerBlock + i]
                if isScale[i] { scales.append(value) } else { codes.append(value) }
            }
        }
        return (codes, scales)
    }

    /// The inverse of `regroup`.
    func interleave(codes: [UInt8], scales: [UInt8]) -> [UInt8] {
        let isScale = scaleMask
        let scaleBytesPerBlock = isScale.filter { $0 }.count
        let blocks = (codes.count + scales.count) / bytesPerBlock
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blocks * bytesPerBlock)
        var c = 0, s = 0
        for _ in 0..<blocks {
            for i in 0..<bytesPerBlock {
                if isScale[i] { bytes.append(scales[s]); s += 1 } else { bytes.append(codes[c]); c += 1 }
            }
        }
        precondition(c == codes.count && s == scales.count && s == blocks * scaleBytesPerBlock, "\(name): streams do not match")
        return bytes
    }

    /// For each byte of a block, whether it belongs to a scale field.
    var scaleMask: [Bool] {
        (0..<bytesPerBlock).map { i in scaleByteRanges.contains { $0.contains(i) } }
    }
}
