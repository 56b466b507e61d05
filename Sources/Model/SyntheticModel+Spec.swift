import QuantFormats

extension SyntheticModel {
    /// Everything that determines a synthetic model file: same spec, same bytes.
    ///
    /// Decoding accepts a partial JSON object (missing keys take `builtin`'s values) and `weightType` as a ggml type
    /// name ("q8_0"); the decoded spec is validated, and a bad one is a decoding error whose message names the field.
    public struct Spec: Sendable, Equatable, Codable {
        public var architecture: Architecture
        /// Embedding (residual stream) width: `{arch}.embedding_length`.
        public var dim: Int
        /// Transformer blocks: `{arch}.block_count`.
        public var layers: Int
        /// Query heads: `{arch}.attention.head_count`; the head dimension is `dim / heads`.
        public var heads: Int
        /// Key/value heads (grouped-query attention): `{arch}.attention.head_count_kv`.
        public var kvHeads: Int
        /// Hidden width of the SwiGLU feed-forward block: `{arch}.feed_forward_length`.
        public var ffnDim: Int
        /// Tokens in the vocabulary, and rows of `token_embd.weight` (and `output.weight`).
        public var vocabularySize: Int
        public var contextLength: Int
        public var ropeFreqBase: Double
        public var rmsEpsilon: Double
        /// The type of every two-dimensional weight, `token_embd.weight` included; norms and biases stay f32.
        public var weightType: GGMLType
        /// True: no `output.weight`, the output projection is the token embedding (as SmolLM2). False: its own tensor.
        public var tiedOutput: Bool
        public var seed: UInt64
        /// How large the random weights are; see `WeightScales`.
        public var scales: WeightScales

        public init(architecture: Architecture, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int,
                    vocabularySize: Int, contextLength: Int, ropeFreqBase: Double = 10_000, rmsEpsilon: Double = 1e-5,
                    weightType: GGMLType, tiedOutput: Bool, seed: UInt64 = 0, scales: WeightScales = .standard) {
            self.architecture = architecture
            self.dim = dim
            self.layers = layers
            self.heads = heads
            self.kvHeads = kvHeads
            self.ffnDim = ffnDim
            self.vocabularySize = vocabularySize
            self.contextLength = contextLength
            self.ropeFreqBase = ropeFreqBase
            self.rmsEpsilon = rmsEpsilon
            self.weightType = weightType
            self.tiedOutput = tiedOutput
            self.seed = seed
            self.scales = scales
        }

        /// The lab's default model: a small llama (head dimension 64, grouped-query attention with 2 query heads per
        /// key/value head) whose every dimension is a multiple of 256, so that every weight format applies. 14.7 M
        /// weights; 15.7 MB as q8_0.
        public static let builtin = Spec(
            architecture: .llama, dim: 512, layers: 4, heads: 8, kvHeads: 4, ffnDim: 1536, vocabularySize: 4096,
            contextLength: 1024, ropeFreqBase: 10_000, rmsEpsilon: 1e-5, weightType: .q8_0, tiedOutput: true, seed: 0)

        /// `builtin` as a qwen2 model: q, k and v biases, and a separate output projection.
        public static let builtinQwen2: Spec = {
            var s = builtin
            s.architecture = .qwen2
            s.tiedOutput = false
            return s
        }()

        /// The weight types a synthetic model can be written in.
        public static let weightTypes: [GGMLType] = FormatTraits.weightFormats.map(\.type)

        /// Bounds that keep a typo from asking for terabytes.
        public static let maxDimension = 1 << 16
        public static let maxVocabularySize = 1 << 20
        public static let maxLayers = 1 << 10
        public static let maxParameters = 1 << 31

        public var headDim: Int { dim / heads }
        public var kvDim: Int { kvHeads * headDim }

        /// Weights in the file, norms and biases included.
        public var parameterCount: Int {
            let attention = 2 * dim * dim + 2 * dim * kvDim + (architecture.hasQKVBias ? dim + 2 * kvDim : 0)
            let layer = attention + 3 * dim * ffnDim + 2 * dim
            return layers * layer + vocabularySize * dim * (tiedOutput ? 1 : 2) + dim
        }

        /// The configuration a loader reads back from the file.
        public var config: ModelConfig {
            ModelConfig(architecture: architecture, dim: dim, layers: layers, heads: heads, kvHeads: kvHeads,
                        ffnDim: ffnDim, vocabularySize: vocabularySize, contextLength: contextLength, ropeDim: headDim,
                        ropeFreqBase: ropeFreqBase, rmsEpsilon: rmsEpsilon)
        }

        /// Throws a `ModelError` naming the first field that is out of range or inconsistent.
        public func validate() throws {
            func fail(_ message: String) -> ModelError { ModelError("SyntheticModel.Spec.\(message)") }
            for (name, value, limit) in [("dim", dim, Self.maxDimension), ("layers", layers, Self.maxLayers),
                                         ("heads", heads, Self.maxDimension), ("kvHeads", kvHeads, Self.maxDimension),
                                         ("ffnDim", ffnDim, Self.maxDimension),
                                         ("vocabularySize", vocabularySize, Self.maxVocabularySize),
                                         ("contextLength", contextLength, Int(Int32.max))] {
                guard value >= 1 else { throw fail("\(name) is \(value); it must be at least 1") }
                guard value <= limit else { throw fail("\(name) is \(value); the generator allows at most \(limit)") }
            }
            guard dim % heads == 0 else { throw fail("dim \(dim) is not a multiple of heads \(heads)") }
            guard heads % kvHeads == 0 else { throw fail("heads \(heads) is not a multiple of kvHeads \(kvHeads)") }
            guard headDim % 2 == 0 else { throw fail("dim / heads = \(headDim) (the head dimension) must be even for RoPE") }
            guard Self.weightTypes.contains(weightType) else {
                throw fail("weightType \(weightType.name) is not one of \(Self.weightTypes.map(\.name).joined(separator: ", "))")
            }
            let block = weightType.blockSize
            // Rows of every matrix run along dim, except ffn_down's, which run along ffnDim.
            guard dim % block == 0 else {
                throw fail("dim \(dim) is not a whole number of \(weightType.name) blocks of \(block)")
            }
            guard ffnDim % block == 0 else {
                throw fail("ffnDim \(ffnDim) is not a whole number of \(weightType.name) blocks of \(block)")
            }
            guard vocabularySize >= SyntheticVocabulary.minimumSize else {
                throw fail("vocabularySize is \(vocabularySize); it must be at least \(SyntheticVocabulary.minimumSize) (3 special tokens and 256 bytes)")
            }
            guard ropeFreqBase.isFinite, ropeFreqBase > 0 else { throw fail("ropeFreqBase \(ropeFreqBase) must be positive and finite") }
            guard rmsEpsilon.isFinite, rmsEpsilon > 0 else { throw fail("rmsEpsilon \(rmsEpsilon) must be positive and finite") }
            // The bounds above keep this product far from overflow (at most about 2^45).
            guard parameterCount <= Self.maxParameters else {
                throw fail("dim, ffnDim, layers and vocabularySize ask for more than \(Self.maxParameters) weights")
            }
            try scales.validate()
            do { try config.validate() } catch { throw fail("\(error)") }
        }

        // MARK: Codable

        enum CodingKeys: String, CodingKey {
            case architecture, dim, layers, heads, kvHeads, ffnDim, vocabularySize, contextLength, ropeFreqBase,
                 rmsEpsilon, weightType, tiedOutput, seed, scales
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Spec.builtin
            func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
                try c.decodeIfPresent(T.self, forKey: key) ?? fallback
            }
            let typeName = try value(.weightType, d.weightType.name)
            guard let type = GGMLType(name: typeName) else {
                throw DecodingError.dataCorruptedError(forKey: .weightType, in: c,
                                                       debugDescription: "weightType '\(typeName)' is not a ggml type name")
            }
            self.init(architecture: try value(.architecture, d.architecture), dim: try value(.dim, d.dim),
                      layers: try value(.layers, d.layers), heads: try value(.heads, d.heads),
                      kvHeads: try value(.kvHeads, d.kvHeads), ffnDim: try value(.ffnDim, d.ffnDim),
                      vocabularySize: try value(.vocabularySize, d.vocabularySize),
                      contextLength: try value(.contextLength, d.contextLength),
                      ropeFreqBase: try value(.ropeFreqBase, d.ropeFreqBase), rmsEpsilon: try value(.rmsEpsilon, d.rmsEpsilon),
                      weightType: type, tiedOutput: try value(.tiedOutput, d.tiedOutput), seed: try value(.seed, d.seed),
                      scales: try value(.scales, d.scales))
            do { try validate() } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(architecture, forKey: .architecture)
            try c.encode(dim, forKey: .dim)
            try c.encode(layers, forKey: .layers)
            try c.encode(heads, forKey: .heads)
            try c.encode(kvHeads, forKey: .kvHeads)
            try c.encode(ffnDim, forKey: .ffnDim)
            try c.encode(vocabularySize, forKey: .vocabularySize)
            try c.encode(contextLength, forKey: .contextLength)
            try c.encode(ropeFreqBase, forKey: .ropeFreqBase)
            try c.encode(rmsEpsilon, forKey: .rmsEpsilon)
            try c.encode(weightType.name, forKey: .weightType)
            try c.encode(tiedOutput, forKey: .tiedOutput)
            try c.encode(seed, forKey: .seed)
            try c.encode(scales, forKey: .scales)
        }
    }
}
