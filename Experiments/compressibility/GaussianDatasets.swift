import KernelCore
import QuantFormats

/// Seeded Gaussian weights quantized with each format's reference quantizer: the codes a format gives to weights
/// with no structure, so the measured entropy is the format's own, and the quantization error is known.
enum GaussianDatasets {
    /// The GGML formats measured, f16 last as the unquantized contrast.
    static let formats: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K, .f16]
    /// The spread of a typical LLM linear layer's weights; the block formats are scale-free, f16's bytes are not.
    static let standardDeviation: Float = 0.02

    /// One dataset per format in `formats`, plus the paper's int8-per-tensor, all from the same `weightCount`
    /// weights (a multiple of 256, the largest block).
    static func make(weightCount: Int, seed: UInt64) -> [WeightDataset] {
        precondition(weightCount > 0 && weightCount % 256 == 0, "Gaussian weights come in whole blocks of 256")
        var random = SplitMix64(seed: seed)
        let weights = random.gaussians(weightCount).map { $0 * standardDeviation }
        let provenance = "\(weightCount) weights, N(0, \(standardDeviation)²), SplitMix64 seed \(seed)"
        var datasets = formats.map { type in
            let traits = FormatTraits.of(type)!
            let layout = SymbolLayout.of(type)!
            var bytes = [UInt8](repeating: 0, count: weightCount / layout.weightsPerBlock * layout.bytesPerBlock)
            var restored = [Float](repeating: 0, count: weightCount)
            weights.withUnsafeBufferPointer { x in
                bytes.withUnsafeMutableBytes { traits.quantize(x.baseAddress!, $0.baseAddress!, weightCount) }
            }
            bytes.withUnsafeBytes { b in
                restored.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, weightCount) }
            }
            return WeightDataset(label: "\(type.name) · Gaussian", source: .gaussian, layout: layout, bytes: bytes,
                                 nmse: normalizedSquaredError(weights, restored),
                                 provenance: provenance + ", reference quantizer")
        }
        let int8 = Int8PerTensor.quantize(weights)
        datasets.append(WeightDataset(label: "int8/tensor · Gaussian", source: .gaussian, layout: .int8PerTensor,
                                      bytes: int8.codes,
                                      nmse: normalizedSquaredError(weights, Int8PerTensor.dequantize(int8.codes, scale: int8.scale)),
                                      provenance: provenance + ", one scale max|x|/127 for all"))
        return datasets
    }
}
