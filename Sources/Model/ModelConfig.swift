import GGUF

/// The Llama-family architectures the lab runs. They differ in two places only: qwen2 adds biases to the q, k and v
/// projections, and rotates the halves of each head (GPT-NeoX style) where llama rotates adjacent pairs (llama.cpp's
/// converter permutes llama's q and k rows so that adjacent pairs are right for it).
public enum Architecture: String, Sendable, Codable, CaseIterable {
    case llama, qwen2

    public var hasQKVBias: Bool { self == .qwen2 }

    public enum RopeStyle: String, Sendable, Codable { case adjacentPairs, halves }
    public var ropeStyle: RopeStyle { self == .qwen2 ? .halves : .adjacentPairs }
}

/// Hyper-parameters of a model, read from GGUF metadata (`{arch}.embedding_length` and friends).
public struct ModelConfig: Sendable, Codable, Equatable {
    public var architecture: Architecture
    public var dim: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var ffnDim: Int
    public var vocabularySize: Int
    public var contextLength: Int
    /// Rotary dimensions per head (the first `ropeDim` of each head rotate).
    public var ropeDim: Int
    public var ropeFreqBase: Double
    public var rmsEpsilon: Double

    public var kvDim: Int { kvHeads * headDim }
    /// Query heads that share one key/value head.
    public var groupSize: Int { heads / kvHeads }

    public init(architecture: Architecture, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int,
                vocabularySize: Int, contextLength: Int, ropeDim: Int? = nil, ropeFreqBase: Double = 10_000,
                rmsEpsilon: Double = 1e-5) {
        self.architecture = architecture
        self.dim = dim
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = heads > 0 ? dim / heads : 0
        self.ffnDim = ffnDim
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.ropeDim = ropeDim ?? (heads > 0 ? dim / heads : 0)
        self.ropeFreqBase = ropeFreqBase
        self.rmsEpsilon = rmsEpsilon
    }

    /// Reads the hyper-parameters; a missing or malformed key is an error that names it.
    public init(gguf file: GGUFFile) throws {
        let name = try Self.read { try file.string("general.architecture") }
        guard let architecture = Architecture(rawValue: name) else {
            throw ModelError("general.architecture is '\(name)'; the lab runs \(Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let a = name
        func int(_ key: String) throws -> Int { try Self.read { try file.int("\(a).\(key)") } }
        let dim = try int("embedding_length"), heads = try int("attention.head_count")
        let vocabulary: Int
        if file.contains("\(a).vocab_size") {
            vocabulary = try int("vocab_size")
        } else if let embedding = file.tensor(named: "token_embd.weight"), embedding.shape.count == 2 {
            vocabulary = embedding.shape[1]
        } else {
            throw ModelError("metadata key '\(a).vocab_size' is missing and token_embd.weight does not give it")
        }
        self.init(architecture: architecture, dim: dim, layers: try int("block_count"), heads: heads,
                  kvHeads: try Self.read { try file.int("\(a).attention.head_count_kv", default: heads) },
                  ffnDim: try int("feed_forward_length"), vocabularySize: vocabulary,
                  contextLength: try int("context_length"),
                  ropeDim: try Self.read { try file.int("\(a).rope.dimension_count", default: heads > 0 ? dim / heads : 0) },
                  ropeFreqBase: try Self.read { try file.double("\(a).rope.freq_base", default: 10_000) },
                  rmsEpsilon: try Self.read { try file.double("\(a).attention.layer_norm_rms_epsilon") })
        try validate()
    }

    /// Checks the relations the forward pass relies on; the error names the value at fault.
    public func validate() throws {
        for (name, value) in [("embedding_length", dim), ("block_count", layers), ("attention.head_count", heads),
                              ("attention.head_count_kv", kvHeads), ("feed_forward_length", ffnDim),
                              ("vocab_size", vocabularySize), ("context_length", contextLength)] where value <= 0 {
            throw ModelError("\(architecture.rawValue).\(name) is \(value); it must be positive")
        }
        guard dim % heads == 0 else { throw ModelError("embedding_length \(dim) is not a multiple of head_count \(heads)") }
        guard heads % kvHeads == 0 else { throw ModelError("head_count \(heads) is not a multiple of head_count_kv \(kvHeads)") }
        guard ropeDim > 0, ropeDim <= headDim, ropeDim % 2 == 0 else {
            throw ModelError("rope.dimension_count \(ropeDim) must be even and at most the head dimension \(headDim)")
        }
        guard headDim % 16 == 0 else { throw ModelError("head dimension \(headDim) must be a multiple of 16") }
        guard ropeFreqBase > 0, rmsEpsilon > 0 else { throw ModelError("rope.freq_base and layer_norm_rms_epsilon must be positive") }
    }

    /// Turns GGUF's errors (which name the key) into model errors.
    static func read<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GGUFError { throw ModelError("metadata: \(error)") }
    }
}
