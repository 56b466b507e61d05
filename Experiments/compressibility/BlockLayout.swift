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
/// The layouts follow the byte maps documented in `Sources/QuantFormats` (one file per format); they are re-read
/// here rather than called because those helpers are internal to the module and the split needs only the bits.
struct BlockLayout: Equatable, Sendable {
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
    static func of(_ type: GGMLType) -> BlockLayout? {
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

    /// `d` (f16) then 16 bytes of nibbles.
    static let q4_0 = BlockLayout(kind: .q4_0, name: "q4_0", weightsPerBlock: 32, bytesPerBlock: 18, codeWidth: 4,
                                  scaleFields: [f16Field("d")], scaleByteRanges: [0..<2])
    /// `d`, `m` (f16) then 16 bytes of nibbles.
    static let q4_1 = BlockLayout(kind: .q4_1, name: "q4_1", weightsPerBlock: 32, bytesPerBlock: 20, codeWidth: 4,
                                  scaleFields: [f16Field("d"), f16Field("m")], scaleByteRanges: [0..<4])
    /// `d` (f16), then qh (the fifth bit of each code) and qs (the low nibbles): both are code bits.
    static let q5_0 = BlockLayout(kind: .q5_0, name: "q5_0", weightsPerBlock: 32, bytesPerBlock: 22, codeWidth: 5,
                                  scaleFields: [f16Field("d")], scaleByteRanges: [0..<2])
    /// `d` (f16) then 32 int8 codes.
    static let q8_0 = BlockLayout(kind: .q8_0, name: "q8_0", weightsPerBlock: 32, bytesPerBlock: 34, codeWidth: 8,
                                  scaleFields: [f16Field("d")], scaleByteRanges: [0..<2])
    /// `d`, `dmin` (f16), 12 bytes packing 8 six-bit sub-block scales and 8 six-bit minimums, then 128 bytes of nibbles.
    static let q4_K = BlockLayout(kind: .q4_K, name: "q4_K", weightsPerBlock: 256, bytesPerBlock: 144, codeWidth: 4,
                                  scaleFields: [f16Field("d"), f16Field("dmin"),
                                                ScaleField(name: "sub-block scale", width: 6, perBlock: 8),
                                                ScaleField(name: "sub-block min", width: 6, perBlock: 8)],
                                  scaleByteRanges: [0..<16])
    /// 128 bytes of low nibbles and 64 bytes of high bit pairs (codes), 16 int8 sub-block scales, then `d` (f16).
    static let q6_K = BlockLayout(kind: .q6_K, name: "q6_K", weightsPerBlock: 256, bytesPerBlock: 210, codeWidth: 6,
                                  scaleFields: [ScaleField(name: "sub-block scale", width: 8, perBlock: 16), f16Field("d")],
                                  scaleByteRanges: [192..<210])
    /// Each weight is its own 16-bit code; no scales.
    static let f16 = BlockLayout(kind: .f16, name: "f16", weightsPerBlock: 1, bytesPerBlock: 2, codeWidth: 16,
                                 scaleFields: [], scaleByteRanges: [])
    /// The paper's setting: one int8 code per weight and one scale for the whole tensor (kept aside: 4 bytes).
    static let int8PerTensor = BlockLayout(kind: .int8PerTensor, name: "int8/tensor", weightsPerBlock: 1, bytesPerBlock: 1,
                                           codeWidth: 8, scaleFields: [], scaleByteRanges: [])
}
