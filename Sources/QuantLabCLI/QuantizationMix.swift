import QuantFormats

/// llama.cpp's default quantization mixes (`llama-quantize IN OUT Q4_K_M`, no `--pure`, no importance matrix), for the
/// file types whose every possible tensor type the lab can write on an ordinary model.
///
/// A mix is a base type plus rules that give some tensors more bits: the output matrix (and the token embedding when
/// it doubles as the output) gets q6_K, and the _M and _L mixes give `attn_v`, `ffn_down` and `attn_output` more
/// bits in some or all layers, more of them at both ends of the stack. The rules are learnt from
/// `llama_tensor_get_type_impl` in llama.cpp's `src/llama-quant.cpp` (build 0c1e570); only the branches these file
/// types can reach without an importance matrix are written here.
public enum QuantizationMix: String, CaseIterable, Sendable {
    case q4_0 = "Q4_0", q4_1 = "Q4_1", q5_0 = "Q5_0", q5_1 = "Q5_1", q8_0 = "Q8_0"
    case q2_K = "Q2_K", q3_K_S = "Q3_K_S", q3_K_M = "Q3_K_M", q3_K_L = "Q3_K_L", q4_K_S = "Q4_K_S", q4_K_M = "Q4_K_M"
    case q5_K_S = "Q5_K_S", q5_K_M = "Q5_K_M", q6_K = "Q6_K", iq4_nl = "IQ4_NL", iq4_xs = "IQ4_XS"

    /// llama-quantize's aliases: a K-quant named without its size is the _M mix.
    static let aliases: [String: QuantizationMix] = ["Q3_K": .q3_K_M, "Q4_K": .q4_K_M, "Q5_K": .q5_K_M]

    /// Looks a mix up by llama-quantize's name, case-insensitively (`q4_k_m` is `Q4_K_M`, `Q4_K` too).
    public init?(name: String) {
        if let alias = Self.aliases.first(where: { $0.key.lowercased() == name.lowercased() }) { self = alias.value; return }
        guard let mix = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = mix
    }

    /// llama.cpp's `llama_ftype` (include/llama.h), written as `general.file_type`: a mix named after its base type,
    /// or its _S form, has that type's (`pureFileType`); the _M and _L mixes have their own.
    public var fileType: UInt32 {
        switch self {
        case .q3_K_M: 12
        case .q3_K_L: 13
        case .q4_K_M: 15
        case .q5_K_M: 17
        default: baseType.pureFileType
        }
    }

    /// The type every weight matrix gets unless a rule says otherwise (`llama_ftype_get_default_type`).
    public var baseType: GGMLType {
        switch self {
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q5_1: .q5_1
        case .q8_0: .q8_0
        case .q2_K: .q2_K
        case .q3_K_S, .q3_K_M, .q3_K_L: .q3_K
        case .q4_K_S, .q4_K_M: .q4_K
        case .q5_K_S, .q5_K_M: .q5_K
        case .q6_K: .q6_K
        case .iq4_nl: .iq4_nl
        case .iq4_xs: .iq4_xs
        }
    }

    /// The types `quantlab quantize` can write; a rule that asks for any other type is an error, not a substitution.
    public static let writableTypes: [GGMLType] = FormatTraits.weightFormats.map(\.type)

    /// A tensor's type and why it differs from the base type, when it does.
    public struct Choice: Sendable, Equatable {
        public let type: GGMLType
        /// The mix rule that picked the type, e.g. "attn_v in a use_more_bits layer: q6_K".
        public let rule: String?
        /// Why the rule's type was replaced because the row is not whole blocks of it.
        public let fallback: String?

        public init(type: GGMLType, rule: String?, fallback: String?) {
            (self.type, self.rule, self.fallback) = (type, rule, fallback)
        }
    }

    /// The type of one quantizable weight matrix under this mix.
    ///
    /// - Parameters:
    ///   - name: the tensor's GGUF name (`blk.3.attn_v.weight`).
    ///   - shape: ggml's `ne`, row length first.
    ///   - layer: the tensor's index among the tensors of its kind, in llama.cpp's order (see `MixPlanner`): its
    ///     block number in an ordinary model. Read only for `attn_v` and `ffn_down`.
    ///   - layerCount: how many of that kind llama.cpp counts (`attn_v`: the number of such tensors; `ffn_down`:
    ///     `block_count`).
    ///   - model: the whole-model facts the rules consult.
    /// - Throws: `InputError` when the rules give a type the lab cannot write, naming it. Every type the mixes here
    ///   reach is writable today; the check keeps a future mix (an IQ2/IQ3 one) from writing a type it cannot.
    public func choose(name: String, shape: [Int], layer: Int, layerCount: Int, model: MixModel) throws -> Choice {
        let choice = try decide(name: name, shape: shape, layer: layer, layerCount: layerCount, model: model)
        guard Self.writableTypes.contains(choice.type) else {
            let why = [choice.rule, choice.fallback].compactMap { $0 }.joined(separator: "; ")
            throw InputError("\(rawValue) gives \(name) type \(choice.type.name) (\(why)), which the lab cannot write; it writes \(Self.writableTypes.map(\.name).joined(separator: ", "))")
        }
        return choice
    }

    /// `choose` without the check that the lab can write the type: what llama-quantize would write, for comparing
    /// plans with llama.cpp's even where the lab could not write them.
    public func decide(name: String, shape: [Int], layer: Int, layerCount: Int, model: MixModel) throws -> Choice {
        let rowLength = shape.first ?? 1
        let (ruled, rule) = ruleType(name: name, rowLength: rowLength, layer: layer, layerCount: layerCount, model: model)
        let (type, fallback) = try Self.blockFallback(ruled, rowLength: rowLength)
        return Choice(type: type, rule: rule, fallback: fallback)
    }

    /// llama.cpp's `use_more_bits`: the first and last eighth of the layers, and every third layer between.
    public static func useMoreBits(_ layer: Int, _ count: Int) -> Bool {
        layer < count / 8 || layer >= 7 * count / 8 || (layer - count / 8) % 3 == 2
    }

    /// The rule's type before the block-size fallback, and the rule's name when it is not the base type's.
    private func ruleType(name: String, rowLength: Int, layer: Int, layerCount: Int, model: MixModel) -> (GGMLType, String?) {
        let base = baseType, role = TensorRole(name: name)
        let falcon = model.architecture == "falcon"
        if role == .output || (role == .tokenEmbedding && model.tiedEmbeddings) {
            let what = role == .output ? "output" : "token_embd (tied to the output)"
            if falcon { return (.q8_0, "\(what) of a falcon model: q8_0") }
            if rowLength % base.blockSize != 0 {
                return (.q8_0, "\(what) with rows of \(rowLength), not whole \(base.name) blocks: q8_0")
            }
            return base == .q8_0 ? (base, nil) : (.q6_K, "\(what): q6_K")
        }
        switch role {
        case .attentionV:
            var (type, rule) = attentionVType(layer: layer, layerCount: layerCount, model: model)
            if model.is70B && (type == .q4_K || type == .q3_K) { (type, rule) = (.q5_K, "attn_v of a 70B model: q5_K") }
            if model.expertCount == 8 { (type, rule) = (.q8_0, "attn_v of an 8-expert model: q8_0") }
            return (type, rule)
        case .attentionK where model.expertCount == 8:
            return (.q8_0, "attn_k of an 8-expert model: q8_0")
        case .ffnDown:
            return ffnDownType(layer: layer, layerCount: layerCount, falcon: falcon)
        case .attentionOutput:
            return attentionOutputType(falcon: falcon, experts: model.expertCount)
        default:
            return (base, nil)
        }
    }

    /// `attn_v` before the 70B and 8-expert overrides: llama.cpp's chain, first match wins.
    private func attentionVType(layer: Int, layerCount: Int, model: MixModel) -> (GGMLType, String?) {
        let gqa = model.queriesPerKeyValueHead
        switch self {
        case .q2_K: return gqa >= 4 ? (.q4_K, "attn_v with \(gqa) query heads per kv head: q4_K") : (.q3_K, "attn_v: q3_K")
        case .q3_K_M: return layer < 2 ? (.q5_K, "attn_v in the first 2 layers: q5_K") : (.q4_K, "attn_v: q4_K")
        case .q3_K_L: return (.q5_K, "attn_v: q5_K")
        // A `where` binds to the last pattern only, hence one per pattern.
        case .iq4_nl where gqa >= 4, .iq4_xs where gqa >= 4: return (.q5_K, "attn_v with \(gqa) query heads per kv head: q5_K")
        case .q4_K_M where Self.useMoreBits(layer, layerCount), .q5_K_M where Self.useMoreBits(layer, layerCount):
            return (.q6_K, "attn_v in a use_more_bits layer: q6_K")
        case .q4_K_S where layer < 4: return (.q5_K, "attn_v in the first 4 layers: q5_K")
        default: return (baseType, nil)
        }
    }

    private func ffnDownType(layer: Int, layerCount: Int, falcon: Bool) -> (GGMLType, String?) {
        let moreBits = Self.useMoreBits(layer, layerCount)
        switch self {
        case .q2_K: return (.q3_K, "ffn_down: q3_K")
        case .q3_K_M:
            if layer < layerCount / 16 { return (.q5_K, "ffn_down in the first 16th of the layers: q5_K") }
            return !falcon || moreBits ? (.q4_K, "ffn_down: q4_K") : (.q3_K, nil)
        case .q3_K_L: return falcon ? (.q4_K, "falcon ffn_down: q4_K") : (.q5_K, "ffn_down: q5_K")
        case .q4_K_M where falcon:
            if layer < layerCount / 16 { return (.q6_K, "falcon ffn_down in the first 16th of the layers: q6_K") }
            return moreBits ? (.q5_K, "falcon ffn_down in a use_more_bits layer: q5_K") : (.q4_K, nil)
        case .q4_K_M where moreBits, .q5_K_M where moreBits: return (.q6_K, "ffn_down in a use_more_bits layer: q6_K")
        case .iq4_nl where layer < layerCount / 8, .iq4_xs where layer < layerCount / 8:
            return (.q5_K, "ffn_down in the first 8th of the layers: q5_K")
        case .q4_K_S where !falcon && layer < layerCount / 8: return (.q5_K, "ffn_down in the first 8th of the layers: q5_K")
        default: return (baseType, nil)
        }
    }

    private func attentionOutputType(falcon: Bool, experts: Int) -> (GGMLType, String?) {
        if falcon { return self == .q3_K_L ? (.q4_K, "falcon attn_output: q4_K") : (baseType, nil) }
        if experts == 8 {
            let raised: Set<QuantizationMix> = [.q2_K, .q3_K_S, .q3_K_M, .iq4_nl, .q4_K_S, .q4_K_M, .iq4_xs]
            return raised.contains(self) ? (.q5_K, "attn_output of an 8-expert model: q5_K") : (baseType, nil)
        }
        switch self {
        case .q2_K: return (.q3_K, "attn_output: q3_K")
        case .q3_K_M: return (.q4_K, "attn_output: q4_K")
        case .q3_K_L: return (.q5_K, "attn_output: q5_K")
        default: return (baseType, nil)
        }
    }

    /// llama.cpp's `tensor_type_fallback`: a row that is not whole blocks of `type` takes a 32-block type of about
    /// the same size (q4_K to q5_0, q5_K to q5_1, q6_K to q8_0, ...), and f16 when even that does not fit.
    public static func blockFallback(_ type: GGMLType, rowLength: Int) throws -> (GGMLType, String?) {
        if rowLength % type.blockSize == 0 { return (type, nil) }
        let replacement: GGMLType
        switch type {
        case .iq1_s, .iq1_m, .iq2_xxs, .iq2_xs, .iq2_s, .iq3_xxs, .iq3_s, .iq4_xs: replacement = .iq4_nl
        case .q2_K, .q3_K, .tq1_0, .tq2_0: replacement = .q4_0
        case .q4_K: replacement = .q5_0
        case .q5_K: replacement = .q5_1
        case .q6_K: replacement = .q8_0
        default:
            guard type.blockSize <= 32 else { throw InputError("llama.cpp defines no fallback for \(type.name) rows of \(rowLength)") }
            replacement = type
        }
        let final = rowLength % replacement.blockSize == 0 ? replacement : .f16
        return (final, "row length \(rowLength) is not a multiple of \(type.name)'s block of \(type.blockSize): \(final.name)")
    }
}

/// llama.cpp's tensor categories (`tensor_get_category`): which rule a tensor answers to, from its name alone.
public enum TensorRole: Sendable, Equatable {
    case output, tokenEmbedding, attentionV, attentionK, attentionQ, attentionOutput, ffnUp, ffnGate, ffnDown, other

    /// The first match wins, in llama.cpp's order: exact names, then substrings (`ffn_down` also matches
    /// `ffn_down_exps`). `attn_qkv` and `attn_kv_b` count as `attn_v`: they hold the values too.
    public init(name: String) {
        if name == "output.weight" { self = .output; return }
        if name == "token_embd.weight" || name == "per_layer_token_embd.weight" { self = .tokenEmbedding; return }
        let table: [(String, TensorRole)] = [
            ("attn_qkv.weight", .attentionV), ("attn_kv_b.weight", .attentionV), ("attn_v.weight", .attentionV),
            ("attn_k.weight", .attentionK), ("attn_q.weight", .attentionQ), ("attn_output.weight", .attentionOutput),
            ("ffn_up", .ffnUp), ("ffn_gate", .ffnGate), ("ffn_down", .ffnDown),
        ]
        self = table.first { name.contains($0.0) }?.1 ?? .other
    }
}
