import GGUF
import QuantFormats

/// The lab's built-in model: a small Llama-family transformer with seeded random weights, written as GGUF by the
/// lab's own `GGUFWriter`, so that the main command and the tests run without a download.
///
/// The file is what llama.cpp's converter would write for such a model (the same metadata keys, tensor names and
/// shapes, a GPT-2 byte-level BPE vocabulary), so llama.cpp's tools load it too. The weights are not trained: the
/// model's output is meaningless text, but every number in it is fixed by the `Spec`, and two runs of the generator
/// give the same bytes.
///
///     token_embd.weight        [dim, vocab]       weightType
///     blk.N.attn_norm.weight   [dim]              f32
///     blk.N.attn_q.weight      [dim, dim]         weightType   (+ attn_q.bias [dim], f32, qwen2)
///     blk.N.attn_k.weight      [dim, kvDim]       weightType   (+ attn_k.bias [kvDim], f32, qwen2)
///     blk.N.attn_v.weight      [dim, kvDim]       weightType   (+ attn_v.bias [kvDim], f32, qwen2)
///     blk.N.attn_output.weight [dim, dim]         weightType
///     blk.N.ffn_norm.weight    [dim]              f32
///     blk.N.ffn_gate.weight    [dim, ffnDim]      weightType
///     blk.N.ffn_up.weight      [dim, ffnDim]      weightType
///     blk.N.ffn_down.weight    [ffnDim, dim]      weightType
///     output_norm.weight       [dim]              f32          (scaled to set the logits' spread)
///     output.weight            [dim, vocab]       weightType   (absent when the output is tied to token_embd)
///
/// Shapes are in GGUF order (ne0, the row length, first).
public enum SyntheticModel {
    /// A GGUF writer holding the whole model; throws a `ModelError` naming the field when `spec` is invalid.
    public static func writer(for spec: Spec = .builtin) throws -> GGUFWriter {
        try spec.validate()
        var writer = GGUFWriter()
        try addMetadata(spec, to: &writer)
        let vocabulary = try SyntheticVocabulary(size: spec.vocabularySize)
        try vocabulary.addMetadata(to: &writer, preTokenizer: preTokenizer(spec.architecture))
        try writer.setMetadata("general.quantization_version", .uint32(2))
        for t in tensorPlan(spec) {
            let bytes = SyntheticWeights.tensor(rows: t.shape.count == 2 ? t.shape[1] : 1, columns: t.shape[0],
                                                mean: t.mean, std: t.std, type: t.type,
                                                seed: SyntheticWeights.seed(spec.seed, tensor: t.name))
            try writer.addTensor(name: t.name, type: t.type, shape: t.shape, bytes: bytes)
        }
        return writer
    }

    /// Writes the model to `path` (atomically, as `GGUFWriter.write(to:)`).
    public static func write(_ spec: Spec = .builtin, to path: String) throws {
        try writer(for: spec).write(to: path)
    }

    /// The model as an in-memory GGUF file, without touching the disk.
    public static func gguf(_ spec: Spec = .builtin) throws -> GGUFFile {
        try GGUFFile(bytes: writer(for: spec).serialized())
    }

    /// `general.name`, e.g. "QuantLab synthetic llama 4x512 q8_0 seed 0".
    public static func name(_ spec: Spec) -> String {
        "QuantLab synthetic \(spec.architecture.rawValue) \(spec.layers)x\(spec.dim) \(spec.weightType.name) seed \(spec.seed)"
    }

    /// `tokenizer.ggml.pre`: the pre-tokenizer llama.cpp applies, the one of the real models of each architecture
    /// the lab compares against (SmolLM2 for llama, Qwen2 for qwen2).
    public static func preTokenizer(_ architecture: Architecture) -> String {
        switch architecture {
        case .llama: "smollm"
        case .qwen2: "qwen2"
        }
    }

    /// The hyper-parameter keys, in the order llama.cpp's converter writes them.
    static func addMetadata(_ spec: Spec, to writer: inout GGUFWriter) throws {
        let a = spec.architecture.rawValue
        func u32(_ key: String, _ v: Int) throws { try writer.setMetadata(key, .uint32(UInt32(v))) }
        func f32(_ key: String, _ v: Double) throws { try writer.setMetadata(key, .float32(Float(v))) }
        try writer.setMetadata("general.architecture", .string(a))
        try writer.setMetadata("general.name", .string(name(spec)))
        try u32("\(a).block_count", spec.layers)
        try u32("\(a).context_length", spec.contextLength)
        try u32("\(a).embedding_length", spec.dim)
        try u32("\(a).feed_forward_length", spec.ffnDim)
        try u32("\(a).attention.head_count", spec.heads)
        try u32("\(a).attention.head_count_kv", spec.kvHeads)
        try f32("\(a).rope.freq_base", spec.ropeFreqBase)
        try f32("\(a).attention.layer_norm_rms_epsilon", spec.rmsEpsilon)
        try writer.setMetadata("general.file_type", .uint32(spec.weightType.pureFileType))
        try u32("\(a).vocab_size", spec.vocabularySize)
        try u32("\(a).rope.dimension_count", spec.headDim)
    }

    /// One tensor to generate: values `mean + std * N(0, 1)` in `type`.
    struct PlannedTensor {
        let name: String
        let shape: [Int]
        let type: GGMLType
        let mean: Double
        let std: Double
    }

    /// Every tensor of the model, in file order, with the distribution its values are drawn from.
    static func tensorPlan(_ spec: Spec) -> [PlannedTensor] {
        let s = spec.scales, w = spec.weightType
        let (dim, kvDim, ffn, vocab) = (spec.dim, spec.kvDim, spec.ffnDim, spec.vocabularySize)
        func matrix(_ name: String, _ columns: Int, _ rows: Int) -> PlannedTensor {
            PlannedTensor(name: name, shape: [columns, rows], type: w, mean: 0,
                          std: s.projectionGain / Double(columns).squareRoot())
        }
        func norm(_ name: String, mean: Double) -> PlannedTensor {
            PlannedTensor(name: name, shape: [dim], type: .f32, mean: mean, std: mean * s.normSpread)
        }
        func bias(_ name: String, _ count: Int) -> PlannedTensor {
            PlannedTensor(name: name, shape: [count], type: .f32, mean: 0, std: s.bias)
        }
        var plan = [PlannedTensor(name: "token_embd.weight", shape: [dim, vocab], type: w, mean: 0, std: s.embedding)]
        for i in 0..<spec.layers {
            let p = "blk.\(i)."
            plan.append(norm(p + "attn_norm.weight", mean: s.normMean))
            plan.append(matrix(p + "attn_q.weight", dim, dim))
            if spec.architecture.hasQKVBias { plan.append(bias(p + "attn_q.bias", dim)) }
            plan.append(matrix(p + "attn_k.weight", dim, kvDim))
            if spec.architecture.hasQKVBias { plan.append(bias(p + "attn_k.bias", kvDim)) }
            plan.append(matrix(p + "attn_v.weight", dim, kvDim))
            if spec.architecture.hasQKVBias { plan.append(bias(p + "attn_v.bias", kvDim)) }
            plan.append(matrix(p + "attn_output.weight", dim, dim))
            plan.append(norm(p + "ffn_norm.weight", mean: s.normMean))
            plan.append(matrix(p + "ffn_gate.weight", dim, ffn))
            plan.append(matrix(p + "ffn_up.weight", dim, ffn))
            plan.append(matrix(p + "ffn_down.weight", ffn, dim))
        }
        plan.append(norm("output_norm.weight", mean: s.outputNormMean(dim: dim, tiedOutput: spec.tiedOutput)))
        if !spec.tiedOutput { plan.append(matrix("output.weight", dim, vocab)) }
        return plan
    }
}
