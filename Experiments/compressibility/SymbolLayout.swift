import QuantFormats

/// One kind of scale (or minimum) field in a block: its name, its stored width and how many a block holds.
struct ScaleField: Equatable, Codable, Sendable {
    let name: String
    let width: Int
    let perBlock: Int
}

/// How a format's block divides into quant codes (one per weight) and scale fields, with the byte ranges that hold
/// scales, so a stream of blocks can be split into its code and scale symbols and regrouped for compressors.
///
/// Sizes and byte ranges come from the format's `BlockLayout` in QuantFormats; what is added here is which of its
/// members hold scales and how wide the codes are.
struct SymbolLayout: Equatable, Sendable {
    enum Kind: Equatable, Sendable { case q4_0, q4_1, q5_0, q8_0, q4_K, q6_K, f16, int8PerTensor }

    let kind: Kind
    let name: String
    let weightsPerBlock: Int
    let bytesPerBlock: Int
    /// Bits per quant code: 4 (nibbles), 5 (q5_0: nibble plus a bit from qh), 6 (q6_K: nibble plus 2 bits), 8, 16.
    let codeWidth: Int
    let scaleFields: [ScaleField]
    /// Byte ranges inside a block that hold scale fields; every other byte holds code bits.
    let scaleByteRanges: [Range<Int>]

    /// Bits per weight as stored, scales included.
    var storedBitsPerWeight: Double { Double(bytesPerBlock * 8) / Double(weightsPerBlock) }

    /// The GGML layout of `type`, for the formats this experiment splits.
    static func of(_ type: GGMLType) -> SymbolLayout? {
        switch type {
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q8_0: .q8_0
        case .q4_K: .q4_K
        case .q6_K: .q6_K
        case .f16: .f16
        default: nil
        }
    }

    static func f16Field(_ name: String) -> ScaleField { ScaleField(name: name, width: 16, perBlock: 1) }

    /// The split of a QuantFormats block layout whose members named in `scaleMembers` hold scales.
    static func of<L: BlockLayout>(_ layout: L.Type, kind: Kind, codeWidth: Int, scaleFields: [ScaleField],
                                   scaleMembers: Set<String>) -> SymbolLayout {
        SymbolLayout(kind: kind, name: L.type.name, weightsPerBlock: L.blockSize, bytesPerBlock: L.bytesPerBlock,
                     codeWidth: codeWidth, scaleFields: scaleFields,
                     scaleByteRanges: merged(L.fields.filter { scaleMembers.contains($0.name) }.map { $0.offset..<$0.offset + $0.bytes }))
    }

    /// Adjacent ranges joined (q4_K's d, dmin and scales are one 16-byte run).
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        ranges.reduce(into: []) { out, r in
            if let last = out.last, last.upperBound == r.lowerBound { out[out.count - 1] = last.lowerBound..<r.upperBound } else { out.append(r) }
        }
    }

    /// `d` (f16) then 16 bytes of nibbles.
    static let q4_0 = of(Q4_0.self, kind: .q4_0, codeWidth: 4,
                         scaleFields: [f16Field("d")],
                         scaleMembers: ["d"])
    /// `d`, `m` (f16) then 16 bytes of nibbles.
    static let q4_1 = of(Q4_1.self, kind: .q4_1, codeWidth: 4,
                         scaleFields: [f16Field("d"), f16Field("m")],
                         scaleMembers: ["d", "m"])
    /// `d` (f16), then qh (the fifth bit of each code) and qs (the low nibbles): both are code bits.
    static let q5_0 = of(Q5_0.self, kind: .q5_0, codeWidth: 5,
                         scaleFields: [f16Field("d")],
                         scaleMembers: ["d"])
    /// `d` (f16) then 32 int8 codes.
    static let q8_0 = of(Q8_0.self, kind: .q8_0, codeWidth: 8,
                         scaleFields: [f16Field("d")],
                         scaleMembers: ["d"])
    /// `d`, `dmin` (f16), 12 bytes packing 8 six-bit sub-block scales and 8 six-bit minimums, then 128 bytes of nibbles.
    static let q4_K = of(Q4_K.self, kind: .q4_K, codeWidth: 4,
                         scaleFields: [f16Field("d"), f16Field("dmin"), ScaleField(name: "sub-block scale", width: 6, perBlock: 8),
                                       ScaleField(name: "sub-block min", width: 6, perBlock: 8)],
                         scaleMembers: ["d", "dmin", "scales"])
    /// 128 bytes of low nibbles and 64 bytes of high bit pairs (codes), 16 int8 sub-block scales, then `d` (f16).
    static let q6_K = of(Q6_K.self, kind: .q6_K, codeWidth: 6,
                         scaleFields: [ScaleField(name: "sub-block scale", width: 8, perBlock: 16), f16Field("d")],
                         scaleMembers: ["scales", "d"])
    /// Each weight is its own 16-bit code; no scales.
    static let f16 = SymbolLayout(kind: .f16, name: "f16", weightsPerBlock: 1, bytesPerBlock: 2, codeWidth: 16,
                                 scaleFields: [], scaleByteRanges: [])
    /// The paper's setting: one int8 code per weight and one scale for the whole tensor (kept aside: 4 bytes).
    static let int8PerTensor = SymbolLayout(kind: .int8PerTensor, name: "int8/tensor", weightsPerBlock: 1, bytesPerBlock: 1,
                                           codeWidth: 8, scaleFields: [], scaleByteRanges: [])
}
