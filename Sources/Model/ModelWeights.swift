import GGUF
import KernelCore
import QuantFormats

/// One transformer block's tensors. Matrices are (out x in): a row per output value, as GGUF stores them.
public struct LayerWeights: Sendable {
    public let attentionNorm: [Float]        // (dim)
    public let query: QuantizedMatrix        // (dim, dim)
    public let key: QuantizedMatrix          // (kvDim, dim)
    public let value: QuantizedMatrix        // (kvDim, dim)
    public let queryBias, keyBias, valueBias: [Float]?  // (dim), (kvDim), (kvDim): qwen2 only
    public let attentionOutput: QuantizedMatrix  // (dim, dim)
    public let ffnNorm: [Float]              // (dim)
    public let gate: QuantizedMatrix         // (ffnDim, dim)
    public let up: QuantizedMatrix           // (ffnDim, dim)
    public let down: QuantizedMatrix         // (dim, ffnDim)

    public var matrices: [QuantizedMatrix] { [query, key, value, attentionOutput, gate, up, down] }
}

/// Every tensor of a Llama-family model, borrowed from the mapped GGUF file (nothing is copied but the small norm
/// vectors). Shapes are checked against the configuration; an error names the tensor.
public struct ModelWeights: Sendable {
    public let tokenEmbedding: QuantizedMatrix   // (vocab, dim)
    public let layers: [LayerWeights]
    public let outputNorm: [Float]               // (dim)
    /// The output projection; the token embedding itself when the model ties them (SmolLM2).
    public let output: QuantizedMatrix           // (vocab, dim)
    public let tiedOutput: Bool

    /// The types the forward passes can multiply: every format with traits (quantized, f16, bf16, f32).
    public static let supportedTypes: Set<GGMLType> = Set(FormatTraits.all.map(\.type))

    public init(file: GGUFFile, config c: ModelConfig) throws {
        let loader = TensorLoader(file: file)
        tokenEmbedding = try loader.matrix("token_embd.weight", rows: c.vocabularySize, columns: c.dim)
        outputNorm = try loader.vector("output_norm.weight", count: c.dim)
        if file.tensor(named: "output.weight") != nil {
            output = try loader.matrix("output.weight", rows: c.vocabularySize, columns: c.dim)
            tiedOutput = false
        } else {
            output = tokenEmbedding
            tiedOutput = true
        }
        layers = try (0..<c.layers).map { i in
            let p = "blk.\(i)."
            let bias = c.architecture.hasQKVBias
            return LayerWeights(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: c.dim),
                query: try loader.matrix(p + "attn_q.weight", rows: c.dim, columns: c.dim),
                key: try loader.matrix(p + "attn_k.weight", rows: c.kvDim, columns: c.dim),
                value: try loader.matrix(p + "attn_v.weight", rows: c.kvDim, columns: c.dim),
                queryBias: bias ? try loader.vector(p + "attn_q.bias", count: c.dim) : nil,
                keyBias: bias ? try loader.vector(p + "attn_k.bias", count: c.kvDim) : nil,
                valueBias: bias ? try loader.vector(p + "attn_v.bias", count: c.kvDim) : nil,
                attentionOutput: try loader.matrix(p + "attn_output.weight", rows: c.dim, columns: c.dim),
                ffnNorm: try loader.vector(p + "ffn_norm.weight", count: c.dim),
                gate: try loader.matrix(p + "ffn_gate.weight", rows: c.ffnDim, columns: c.dim),
                up: try loader.matrix(p + "ffn_up.weight", rows: c.ffnDim, columns: c.dim),
                down: try loader.matrix(p + "ffn_down.weight", rows: c.dim, columns: c.ffnDim))
        }
    }

    /// Every weight matrix once (the tied output counted with the embedding).
    public var allMatrices: [QuantizedMatrix] {
        [tokenEmbedding] + layers.flatMap(\.matrices) + (tiedOutput ? [] : [output])
    }

    public var weightBytes: Int { allMatrices.reduce(0) { $0 + $1.bytes.count } }
}

/// Reads named tensors with the shape the configuration expects.
struct TensorLoader {
    let file: GGUFFile

    func info(_ name: String) throws -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw ModelError("tensor '\(name)' is missing") }
        return info
    }

    func matrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix {
        let t = try info(name)
        guard t.shape == [columns, rows] else {
            throw ModelError("tensor '\(name)' has shape \(t.shape); the metadata implies [\(columns), \(rows)] (ne0 = row length)")
        }
        guard ModelWeights.supportedTypes.contains(t.type) else {
            throw ModelError("tensor '\(name)' is \(t.type.name); the lab runs \(FormatTraits.all.map(\.name).joined(separator: ", "))")
        }
        do {
            return try QuantizedMatrix(type: t.type, rows: rows, columns: columns, bytes: file.bytes(of: t), owner: file)
        } catch { throw ModelError("tensor '\(name)': \(error)") }
    }

    /// A one-dimensional tensor as floats (norm weights and biases are f32 in every llama.cpp mix; f16 is accepted).
    func vector(_ name: String, count: Int) throws -> [Float] {
        let t = try info(name)
        guard t.shape == [count] else { throw ModelError("tensor '\(name)' has shape \(t.shape); expected [\(count)]") }
        guard let traits = FormatTraits.of(t.type), t.type.rowBytes(count: count) != nil else {
            throw ModelError("tensor '\(name)' is \(t.type.name); one-dimensional tensors must be f32, f16 or bf16")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { traits.dequantize(file.bytes(of: t).baseAddress!, $0.baseAddress!, count) }
        return values
    }
}
