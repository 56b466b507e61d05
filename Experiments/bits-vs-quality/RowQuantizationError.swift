import Foundation
import GGUF
import KernelCore
import QuantFormats

/// A format's own rounding, away from any model: relative RMS error of quantizing and dequantizing weight rows.
struct RowQuantizationError: Codable {
    let format: String
    /// Storage cost of the format itself (block bytes x 8 / block weights).
    let bitsPerWeight: Double
    /// RMS(dequantized - original) / RMS(original), on Gaussian rows.
    let gaussian: Double
    /// The same on real rows (nil when the source model has no suitable tensor).
    let real: Double?

    static let rowLength = 2304   // a multiple of 256, so every format applies

    /// Gaussian rows are seeded; real rows are the token embedding's first `rows` rows when it is stored at 8 bits
    /// (SmolLM2 ships it as q8_0, quantized by llama.cpp from the original weights: within 0.5% of them, unlike the
    /// layers' q4_1 values, which already sit on a 4-bit grid that requantizing to q4_1 would reproduce exactly).
    static func measure(formats: [GGMLType], realRowsFrom path: String, rows: Int, lab: Lab) throws -> [RowQuantizationError] {
        var random = SplitMix64(seed: 7)
        let gaussian = random.gaussians(rows * rowLength)
        let real = try realRows(path, rows: rows)
        lab.record("row quantization error: \(rows) Gaussian rows of \(rowLength) (seed 7)"
                   + (real.map { " and \($0.values.count / $0.columns) rows of \($0.name)" } ?? ""))
        return try formats.map { format in
            guard let traits = FormatTraits.of(format) else { throw ExperimentError("no traits for \(format.name)") }
            return RowQuantizationError(
                format: format.name, bitsPerWeight: Double(traits.bytesPerBlock * 8) / Double(traits.blockSize),
                gaussian: relativeError(gaussian, columns: rowLength, traits),
                real: real.flatMap { $0.columns % traits.blockSize == 0 ? relativeError($0.values, columns: $0.columns, traits) : nil })
        }
    }

    static func relativeError(_ values: [Float], columns: Int, _ traits: FormatTraits) -> Double {
        var block = [UInt8](repeating: 0, count: columns / traits.blockSize * traits.bytesPerBlock)
        var restored = [Float](repeating: 0, count: columns)
        var squaredError = 0.0, squaredValue = 0.0
        values.withUnsafeBufferPointer { v in
            for start in stride(from: 0, to: values.count, by: columns) {
                block.withUnsafeMutableBytes { traits.quantize(v.baseAddress! + start, $0.baseAddress!, columns) }
                block.withUnsafeBytes { traits.dequantize($0.baseAddress!, &restored, columns) }
                for i in 0..<columns {
                    let x = Double(v[start + i])
                    squaredError += (Double(restored[i]) - x) * (Double(restored[i]) - x)
                    squaredValue += x * x
                }
            }
        }
        return (squaredError / max(squaredValue, .leastNormalMagnitude)).squareRoot()
    }

    /// The first rows of `token_embd.weight` when it is q8_0 or wider, dequantized to f32.
    static func realRows(_ path: String, rows: Int) throws -> (name: String, values: [Float], columns: Int)? {
        let file = try GGUFFile(path: path)
        guard let tensor = file.tensors.first(where: { $0.name == "token_embd.weight" }),
              [.q8_0, .f16, .bf16, .f32].contains(tensor.type), let traits = FormatTraits.of(tensor.type) else { return nil }
        let columns = tensor.rowLength
        let count = min(rows, tensor.rowCount)
        let rowBytes = columns / traits.blockSize * traits.bytesPerBlock
        let bytes = file.bytes(of: tensor)
        var values = [Float](repeating: 0, count: count * columns)
        values.withUnsafeMutableBufferPointer { out in
            for r in 0..<count { traits.dequantize(bytes.baseAddress! + r * rowBytes, out.baseAddress! + r * columns, columns) }
        }
        return ("token_embd.weight (\(tensor.type.name))", values, columns)
    }
}
