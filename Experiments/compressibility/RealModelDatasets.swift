import Foundation
import GGUF
import QuantFormats

/// The codes a real model file ships: one dataset per tensor type of the file (SmolLM2-135M Q4_1: q4_1 in every
/// layer matrix, q8_0 in token_embd), each only in its own format; requantizing q4_1 codes to another format would
/// inherit the q4_1 grid and say nothing about that format's real codes. The one requantized dataset, labelled so,
/// is int8/tensor from the finest-grained shipped format (q8_0), for the paper's setting on real weights.
enum RealModelDatasets {
    static func make(path: String, sampleBytes: Int) throws -> [WeightDataset] {
        let file = try GGUFFile(path: path)
        // The file name up to its first dot: "SmolLM2-135M-Instruct" of "SmolLM2-135M-Instruct.Q4_1.gguf".
        let model = String(URL(fileURLWithPath: path).lastPathComponent.split(separator: ".").first ?? "model")
        // Chart labels have room for about 40 characters: "SmolLM2" of "SmolLM2-135M-Instruct".
        let shortModel = String(model.split(separator: "-").first ?? Substring(model))
        var datasets: [WeightDataset] = []
        for type in GaussianDatasets.formats {
            guard let layout = SymbolLayout.of(type) else { continue }
            let tensors = file.tensors.filter { $0.type == type && $0.shape.count >= 2 }
            guard !tensors.isEmpty else { continue }
            var all: [UInt8] = []
            for tensor in tensors { all.append(contentsOf: file.bytes(of: tensor)) }
            let sample = evenlySpacedSample(all, blockBytes: layout.bytesPerBlock, capBytes: sampleBytes)
            let which = tensors.count <= 2 ? tensors.map(\.name).joined(separator: ", ") : "\(tensors.count) tensors"
            let part = tensors.count <= 2 ? tensors.map { $0.name.replacingOccurrences(of: ".weight", with: "") }.joined(separator: ", ") : "layers"
            let sampled = sample.count < all.count
                ? "\(Cell.bytes(Double(sample.count))) sampled evenly from \(Cell.bytes(Double(all.count)))"
                : "all \(Cell.bytes(Double(all.count)))"
            datasets.append(WeightDataset(label: "\(type.name) · \(shortModel) \(part)",
                                          source: .real, layout: layout, bytes: sample, nmse: nil,
                                          provenance: "\(which) of \(URL(fileURLWithPath: path).lastPathComponent), \(sampled)"))
            if type == .q8_0 {
                datasets.append(requantizedInt8(fromQ8_0: sample, tensorAbsMax: q8_0AbsMax(all), model: shortModel, which: which))
            }
        }
        return datasets
    }

    /// Whole blocks taken in up to 64 evenly spaced runs so that the sample spans every tensor, when `bytes` is
    /// larger than `capBytes`.
    static func evenlySpacedSample(_ bytes: [UInt8], blockBytes: Int, capBytes: Int) -> [UInt8] {
        let totalBlocks = bytes.count / blockBytes
        let wantedBlocks = max(1, capBytes / blockBytes)
        guard wantedBlocks < totalBlocks else { return bytes }
        let runs = min(64, wantedBlocks)
        let blocksPerRun = wantedBlocks / runs
        let stride = totalBlocks / runs
        var sample: [UInt8] = []
        sample.reserveCapacity(runs * blocksPerRun * blockBytes)
        for run in 0..<runs {
            let start = run * stride * blockBytes
            sample.append(contentsOf: bytes[start ..< start + blocksPerRun * blockBytes])
        }
        return sample
    }

    /// The largest |weight| of q8_0 blocks: max over blocks of |d| · max|q|.
    static func q8_0AbsMax(_ bytes: [UInt8]) -> Float {
        var amax: Float = 0
        bytes.withUnsafeBytes { b in
            for block in 0..<b.count / Q8_0.bytesPerBlock {
                let base = block * Q8_0.bytesPerBlock
                let d = abs(Float(Float16(bitPattern: b.loadUnaligned(fromByteOffset: base, as: UInt16.self))))
                var qmax: Int32 = 0
                for i in 2..<Q8_0.bytesPerBlock { qmax = max(qmax, abs(Int32(Int8(bitPattern: b[base + i])))) }
                amax = max(amax, d * Float(qmax))
            }
        }
        return amax
    }

    static func requantizedInt8(fromQ8_0 sample: [UInt8], tensorAbsMax: Float, model: String, which: String) -> WeightDataset {
        let count = sample.count / Q8_0.bytesPerBlock * Q8_0.blockSize
        var weights = [Float](repeating: 0, count: count)
        sample.withUnsafeBytes { b in
            weights.withUnsafeMutableBufferPointer { FormatTraits.q8_0.dequantize(b.baseAddress!, $0.baseAddress!, count) }
        }
        let int8 = Int8PerTensor.quantize(weights, tensorAbsMax: tensorAbsMax)
        return WeightDataset(label: "int8/tensor · \(model) (requantized)", source: .requantized, layout: .int8PerTensor,
                             bytes: int8.codes,
                             nmse: normalizedSquaredError(weights, Int8PerTensor.dequantize(int8.codes, scale: int8.scale)),
                             provenance: "the q8_0 sample of \(which) dequantized and requantized to int8 with one scale (the tensor's max|x|/127): not real codes of any shipped format; its error is against the q8_0 values")
    }
}
