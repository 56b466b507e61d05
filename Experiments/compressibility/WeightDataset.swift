/// One stream of quantized weights to measure: its format's block layout, its bytes as stored, and where it came from.
struct WeightDataset {
    enum Source: String, Codable {
        /// Seeded Gaussian weights quantized with the format's reference quantizer.
        case gaussian
        /// Codes as shipped in the real model file (quantized by llama.cpp from the original weights).
        case real
        /// Real weights dequantized from their shipped format and quantized again: not that format's real codes.
        case requantized
    }

    /// What the notebook calls it: "q4_0 · Gaussian".
    let label: String
    let source: Source
    let layout: SymbolLayout
    /// The blocks, as a file stores them.
    let bytes: [UInt8]
    /// Normalized squared error of the quantized weights against the weights they were made from
    /// (Σ(x − x̂)² / Σx²), where those are known; nil for real codes (the original weights are not here).
    let nmse: Double?
    /// Where the bytes came from, for the notebook's data table.
    let provenance: String

    var weightCount: Int { bytes.count / layout.bytesPerBlock * layout.weightsPerBlock }
}

/// Normalized squared error Σ(x − x̂)² / Σx² of an approximation `approximate` of `exact`.
func normalizedSquaredError(_ exact: [Float], _ approximate: [Float]) -> Double {
    precondition(exact.count == approximate.count, "comparing \(exact.count) values with \(approximate.count)")
    var error = 0.0, energy = 0.0
    for i in exact.indices {
        let e = Double(exact[i]), d = e - Double(approximate[i])
        error += d * d
        energy += e * e
    }
    return energy > 0 ? error / energy : 0
}
