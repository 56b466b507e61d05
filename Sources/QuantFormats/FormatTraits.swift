/// Quantizes `count` floats (a whole number of blocks) into the format's blocks.
public typealias QuantizeRow = @Sendable (_ source: UnsafePointer<Float>, _ destination: UnsafeMutableRawPointer, _ count: Int) -> Void
/// Expands `count` elements (a whole number of blocks) back to floats.
public typealias DequantizeRow = @Sendable (_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ count: Int) -> Void
/// Dot product of `count` elements of a weight row with an activation row already in the activation format.
public typealias BlockDot = @Sendable (_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, _ count: Int) -> Float

/// Error bounds that tests and `check` hold a format to.
public struct Tolerance: Sendable, Codable, Equatable {
    /// Largest normalized MSE of quantize-then-dequantize on Gaussian data.
    public var roundTripNMSE: Double
    /// Largest normalized MSE of a quantized matrix product (weights and activations quantized) against the f64
    /// product of the dequantized weights with the f32 activations.
    public var matmulNMSE: Double

    public init(roundTripNMSE: Double, matmulNMSE: Double) {
        self.roundTripNMSE = roundTripNMSE
        self.matmulNMSE = matmulNMSE
    }
}

/// One format's entry in the traits table (ggml's `type_traits` / `type_traits_cpu`).
///
/// Adding a format is one file with its layout and functions, plus one line in `FormatTraits.all`.
public struct FormatTraits: Sendable {
    public let type: GGMLType
    /// Reference quantizer: the exact bytes ggml's `quantize_row_*_ref` writes.
    public let quantize: QuantizeRow
    public let dequantize: DequantizeRow
    /// How ggml's CPU backend quantizes activations into this format (`from_float` in `type_traits_cpu`); it can
    /// round differently from the reference quantizer (q8_0: `127 / amax` and round-half-even).
    public let quantizeActivations: QuantizeRow
    /// The format a weight row is dotted against (q8_0, q8_1, q8_K, ...); nil for pure activation formats.
    public let activationType: GGMLType?
    /// Scalar block dot product against `activationType`, in ggml's integer arithmetic.
    public let dot: BlockDot?
    public let tolerance: Tolerance

    public init(type: GGMLType, quantize: @escaping QuantizeRow, dequantize: @escaping DequantizeRow,
                quantizeActivations: QuantizeRow? = nil,
                activationType: GGMLType?, dot: BlockDot?, tolerance: Tolerance) {
        self.type = type
        self.quantize = quantize
        self.quantizeActivations = quantizeActivations ?? quantize
        self.dequantize = dequantize
        self.activationType = activationType
        self.dot = dot
        self.tolerance = tolerance
    }

    public var name: String { type.name }
    public var blockSize: Int { type.blockSize }
    public var bytesPerBlock: Int { type.bytesPerBlock }
    /// True for formats that weights are stored in (they have an activation partner).
    public var isWeightFormat: Bool { activationType != nil }
    /// True for the block formats (q4_0 ... q6_K), false for f32, f16 and bf16 (blocks of one element).
    public var isQuantized: Bool { blockSize > 1 }
}

extension FormatTraits {
    /// Traits of every format the lab implements.
    public static let all: [FormatTraits] = [
        .f32, .f16, .bf16,
        .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs,
        .q8_1, .q8_K,
    ]

    /// The traits of `type`, or nil when the lab does not implement it.
    public static func of(_ type: GGMLType) -> FormatTraits? {
        all.first { $0.type == type }
    }

    /// The weight formats, in table order: what `quantize` writes, synthetic models are made of and kernels multiply.
    public static var weightFormats: [FormatTraits] { all.filter(\.isWeightFormat) }
    /// The quantized weight formats (block formats), in table order: what the experiments compare.
    public static var quantizedWeightFormats: [FormatTraits] { weightFormats.filter(\.isQuantized) }
}
