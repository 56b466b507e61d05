import Dispatch
import KernelCore
import QuantFormats

/// How large the synthetic model's random weights are: the one place to turn if the model comes out too quiet (every
/// token about equally likely) or too loud (one token always wins, activations overflow f16).
///
/// Projections are N(0, (gain / sqrt(fan_in))^2), the scale that keeps `W x` about as large as `x`, so each block adds
/// to the residual stream an amount comparable to what is already there. The logits get their own knob,
/// `logitSpread`, applied through the final norm's weights, so that tied and separate outputs behave alike.
///
/// The defaults were checked with llama.cpp's `llama-perplexity` on English text (the built-in model, q8_0, 4 chunks
/// of 256 tokens). Predictions that ignore the text score about vocab * e^(spread^2 / 2), 3.7e5 here. The built-in
/// (tied) model scores 2.3e5, the same model with a separate output 3.0e5, the qwen2 model 3.0e5. With embeddings as
/// large as a normalized hidden state (`embedding` 1) the tied model scored 5e17: the hidden state keeps pointing
/// along its input token's embedding, which is also that token's output row, so the model mostly predicted its input
/// again (at 0.3: 2.4e6).
public struct WeightScales: Sendable, Equatable, Codable {
    /// Standard deviation of `token_embd.weight` entries: small beside the blocks' outputs (see above).
    public var embedding: Double
    /// Multiplies `1 / sqrt(fan_in)` for every projection (attention, feed-forward and a separate `output.weight`).
    public var projectionGain: Double
    /// Norm weights are `mean * (1 + normSpread * N(0, 1))`, with mean `normMean` for the per-block norms.
    public var normMean: Double
    public var normSpread: Double
    /// Standard deviation of the qwen2 q, k and v biases.
    public var bias: Double
    /// Standard deviation of the logits for a final hidden state of unit RMS: sets `output_norm.weight`'s mean. At 3
    /// (the default) the next-token distribution over 4096 tokens has an entropy of about 4 nats, less than uniform
    /// (8.3) and more than a trained model's (2 to 3): a clear preference that a small numerical error can still move.
    public var logitSpread: Double

    public init(embedding: Double, projectionGain: Double, normMean: Double, normSpread: Double, bias: Double,
                logitSpread: Double) {
        self.embedding = embedding
        self.projectionGain = projectionGain
        self.normMean = normMean
        self.normSpread = normSpread
        self.bias = bias
        self.logitSpread = logitSpread
    }

    public static let standard = WeightScales(embedding: 0.1, projectionGain: 1, normMean: 1, normSpread: 0.1, bias: 0.1,
                                              logitSpread: 3)

    /// Decodes a partial object: missing keys take `standard`'s values.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = WeightScales.standard
        func value(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            try c.decodeIfPresent(Double.self, forKey: key) ?? fallback
        }
        self.init(embedding: try value(.embedding, d.embedding), projectionGain: try value(.projectionGain, d.projectionGain),
                  normMean: try value(.normMean, d.normMean), normSpread: try value(.normSpread, d.normSpread),
                  bias: try value(.bias, d.bias), logitSpread: try value(.logitSpread, d.logitSpread))
    }

    /// The mean of `output_norm.weight` that gives logits of standard deviation `logitSpread`: the output matrix's
    /// entries have standard deviation `outputStd`, so a row dotted with a unit-RMS vector of length `dim` gives
    /// `outputStd * sqrt(dim)` before the norm's weights scale it.
    func outputNormMean(dim: Int, tiedOutput: Bool) -> Double {
        let outputStd = tiedOutput ? embedding : projectionGain / Double(dim).squareRoot()
        return logitSpread / (outputStd * Double(dim).squareRoot())
    }

    func validate() throws {
        for (name, v) in [("embedding", embedding), ("projectionGain", projectionGain), ("normMean", normMean),
                          ("normSpread", normSpread), ("bias", bias), ("logitSpread", logitSpread)]
        where !v.isFinite || abs(v) > 1e6 {
            throw ModelError("SyntheticModel.Spec.scales.\(name) is \(v); it must be finite and at most 1e6 in size")
        }
        guard embedding != 0 || logitSpread == 0, projectionGain != 0 || logitSpread == 0 else {
            throw ModelError("SyntheticModel.Spec.scales.logitSpread \(logitSpread) needs a non-zero embedding and projectionGain")
        }
    }
}

/// Deterministic random tensors: every value depends only on the model seed, the tensor's name and its row, so rows
/// can be generated on any number of threads in any order and come out the same.
enum SyntheticWeights {
    /// The seed of one tensor: the model seed mixed with a hash (64-bit FNV-1a) of the tensor's name.
    static func seed(_ modelSeed: UInt64, tensor name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        var g = SplitMix64(seed: modelSeed ^ h)
        return g.next()
    }

    /// The seed of one row's stream: the `row`-th output of a SplitMix64 stream started at the tensor's seed. (Seeding
    /// rows with `seed + row * constant` would not do: SplitMix64 steps its state by that same constant, so each row's
    /// stream would be the previous row's shifted by one draw.)
    static func rowSeed(_ tensorSeed: UInt64, row: Int) -> UInt64 {
        var g = SplitMix64(seed: tensorSeed &+ UInt64(row) &* 0x9e37_79b9_7f4a_7c15)
        return g.next()
    }

    /// `rows` rows of `columns` values `mean + std * N(0, 1)`, encoded row by row as `type` with the format's
    /// reference quantizer. Rows are spread over the cores in chunks.
    static func tensor(rows: Int, columns: Int, mean: Double = 0, std: Double, type: GGMLType, seed: UInt64) -> [UInt8] {
        let traits = FormatTraits.of(type)!
        let rowBytes = type.rowBytes(count: columns)!
        var output = [UInt8](repeating: 0, count: rowBytes * rows)
        // About 64 Ki values per chunk: enough work per task, and enough tasks to balance the cores.
        let rowsPerChunk = max(1, (1 << 16) / max(columns, 1))
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        let (m, s) = (Float(mean), Float(std))
        output.withUnsafeMutableBytes { out in
            let base = RowsPointer(out.baseAddress!)
            let fill: @Sendable (Int) -> Void = { c in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: columns)
                defer { scratch.deallocate() }
                for r in c * rowsPerChunk..<min(rows, (c + 1) * rowsPerChunk) {
                    var rng = SplitMix64(seed: rowSeed(seed, row: r))
                    SyntheticGaussian.fill(&rng, scratch, count: columns, mean: m, std: s)
                    traits.quantize(scratch, base.pointer + r * rowBytes, columns)
                }
            }
            if chunks == 1 { fill(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: fill) }
        }
        return output
    }
}

/// The output buffer's base, handed to worker threads that write disjoint rows.
private struct RowsPointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}
