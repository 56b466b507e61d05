/// Receives a block's symbols as `SymbolLayout.visit` splits it: one code per weight, and each scale field's values
/// (`field` indexes `SymbolLayout.scaleFields`).
protocol SymbolSink {
    mutating func code(_ symbol: Int)
    mutating func scale(_ field: Int, _ symbol: Int)
}

extension SymbolLayout {
    /// Hands every code and scale symbol of the block at `b` (`bytesPerBlock` readable bytes) to `sink`.
    /// Codes come in no particular order: order-0 statistics do not depend on it.
    func visit<Sink: SymbolSink>(_ b: UnsafeRawPointer, into sink: inout Sink) {
        func byte(_ i: Int) -> Int { Int(b.load(fromByteOffset: i, as: UInt8.self)) }
        func half(_ i: Int) -> Int { Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: i, as: UInt16.self))) }
        func nibbles(_ range: Range<Int>) {
            for i in range {
                sink.code(byte(i) & 0x0f)
                sink.code(byte(i) >> 4)
            }
        }
        switch kind {
        case .q4_0:
            sink.scale(0, half(0))
            nibbles(2..<18)
        case .q4_1:
            sink.scale(0, half(0))
            sink.scale(1, half(2))
            nibbles(4..<20)
        case .q5_0:
            sink.scale(0, half(0))
            let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            for j in 0..<32 {
                let q = byte(6 + (j & 15))
                let low = j < 16 ? q & 0x0f : q >> 4
                sink.code(low | Int((qh >> UInt32(j)) & 1) << 4)
            }
        case .q8_0:
            sink.scale(0, half(0))
            for i in 2..<34 { sink.code(byte(i)) }
        case .q4_K:
            sink.scale(0, half(0))
            sink.scale(1, half(2))
            // 12 packed bytes at 4: sub-blocks 0-3 keep their 6 bits whole; 4-7 take 4 bits from bytes 8-11 and
            // their top 2 bits from the spare top bits of bytes 0-7.
            func packed(_ i: Int) -> Int { byte(4 + i) }
            for s in 0..<8 {
                if s < 4 {
                    sink.scale(2, packed(s) & 63)
                    sink.scale(3, packed(s + 4) & 63)
                } else {
                    sink.scale(2, (packed(s + 4) & 0x0f) | (packed(s - 4) >> 6) << 4)
                    sink.scale(3, (packed(s + 4) >> 4) | (packed(s) >> 6) << 4)
                }
            }
            nibbles(16..<144)
        case .q6_K:
            for half in 0..<2 {
                for quarter in 0..<4 {
                    for l in 0..<32 {
                        let low = byte(64 * half + 32 * (quarter & 1) + l)
                        let lowBits = quarter < 2 ? low & 0x0f : low >> 4
                        let highBits = (byte(128 + 32 * half + l) >> (2 * quarter)) & 3
                        sink.code(lowBits | highBits << 4)
                    }
                }
            }
            for s in 0..<16 { sink.scale(0, byte(192 + s)) }
            sink.scale(1, half(208))
        case .f16:
            sink.code(half(0))
        case .int8PerTensor:
            sink.code(byte(0))
        }
    }
}

/// Histograms of a stream's codes and of each of its scale fields.
struct SymbolStatistics: SymbolSink {
    private(set) var codes: SymbolHistogram
    private(set) var scales: [SymbolHistogram]

    init(_ layout: SymbolLayout) {
        codes = SymbolHistogram(width: layout.codeWidth)
        scales = layout.scaleFields.map { SymbolHistogram(width: $0.width) }
    }

    /// The statistics of every block in `bytes` (a whole number of blocks).
    init(_ layout: SymbolLayout, of bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count % layout.bytesPerBlock == 0, "\(layout.name): \(bytes.count) bytes are not whole blocks")
        self.init(layout)
        guard let base = bytes.baseAddress else { return }
        for block in 0..<bytes.count / layout.bytesPerBlock {
            layout.visit(base + block * layout.bytesPerBlock, into: &self)
        }
    }

    mutating func code(_ symbol: Int) { codes.add(symbol) }
    mutating func scale(_ field: Int, _ symbol: Int) { scales[field].add(symbol) }

    var scaleStoredBits: Double { scales.reduce(0) { $0 + $1.storedBits } }
    var scaleEntropyBoundBits: Double { scales.reduce(0) { $0 + $1.entropyBoundBits } }
}

/// Every symbol of a block in order, for tests and inspection.
struct SymbolList: SymbolSink {
    var codes: [Int] = []
    var scales: [[Int]]

    init(_ layout: SymbolLayout) { scales = layout.scaleFields.map { _ in [] } }

    mutating func code(_ symbol: Int) { codes.append(symbol) }
    mutating func scale(_ field: Int, _ symbol: Int) { scales[field].append(symbol) }
}
