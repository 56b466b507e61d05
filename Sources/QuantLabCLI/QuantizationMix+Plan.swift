import GGUF
import QuantFormats

/// The whole-model facts llama.cpp's mix rules consult, read from a GGUF file's metadata and tensor names.
public struct MixModel: Sendable, Equatable {
    /// `general.architecture` (`llama`, `falcon`, ...).
    public var architecture: String
    /// `{arch}.block_count`: the layer count the `ffn_down` rules divide.
    public var blockCount: Int
    /// `{arch}.expert_count`, 0 for a dense model. Eight experts turn on extra rules; more than one makes `ffn_down`
    /// layers come from the tensor name, since experts are not stored in layer order.
    public var expertCount: Int
    /// How many tensors hold attention values (`attn_v`, `attn_qkv`, `attn_kv_b`): the count the `attn_v` rules divide.
    public var attentionVCount: Int
    /// No `output.weight`: the token embedding is also the output matrix and is quantized as one.
    public var tiedEmbeddings: Bool
    /// llama.cpp's 70B class (e.g. llama with 80 layers and grouped-query attention), whose `attn_v` gets q5_K.
    public var is70B: Bool
    /// llama.cpp's `n_gqa()`: query heads per key/value head (integer division; 0 without heads). From 4 up, the
    /// Q2_K and IQ4 mixes give `attn_v` more bits.
    public var queriesPerKeyValueHead: Int

    public init(architecture: String, blockCount: Int, expertCount: Int = 0, attentionVCount: Int, tiedEmbeddings: Bool,
                is70B: Bool = false, queriesPerKeyValueHead: Int = 1) {
        self.queriesPerKeyValueHead = queriesPerKeyValueHead
        self.architecture = architecture
        self.blockCount = blockCount
        self.expertCount = expertCount
        self.attentionVCount = attentionVCount
        self.tiedEmbeddings = tiedEmbeddings
        self.is70B = is70B
    }
}

extension MixModel {
    /// Architectures with rules of their own that the lab does not carry; a mix refuses them rather than guess.
    static let unsupportedArchitectures: Set<String> = ["glm5-next"]

    public init(file: GGUFFile) throws {
        let arch: String
        do { arch = try file.string("general.architecture") } catch {
            throw InputError("a mix needs general.architecture: \(error)")
        }
        guard !Self.unsupportedArchitectures.contains(arch) else {
            throw InputError("llama.cpp quantizes \(arch) models with rules of their own, which quantlab's mixes do not implement; use --type")
        }
        let blocks: Int
        do { blocks = try file.int("\(arch).block_count") } catch {
            throw InputError("a mix needs \(arch).block_count (the layer count its rules divide): \(error)")
        }
        guard blocks > 0 else { throw InputError("\(arch).block_count is \(blocks); a mix needs at least one layer") }
        let experts = try file.int("\(arch).expert_count", default: 0)
        let names = file.tensors.map(\.name)
        let heads = (try? file.int("\(arch).attention.head_count")) ?? 0
        let keyValueHeads = (try? file.int("\(arch).attention.head_count_kv")) ?? heads
        // The 70B class as llama.cpp's loaders assign it (by layer count, per architecture).
        let gqa = heads > 0 && (try? file.int("\(arch).attention.head_count_kv")).map { heads != $0 } ?? false
        let is70B = switch arch {
        case "llama": blocks == 80 && gqa
        case "qwen2", "deci", "olmo": blocks == 80
        case "jais2": blocks == 68
        default: false
        }
        self.init(architecture: arch, blockCount: blocks, expertCount: experts,
                  attentionVCount: names.filter { TensorRole(name: $0) == .attentionV }.count,
                  tiedEmbeddings: !names.contains("output.weight"), is70B: is70B,
                  queriesPerKeyValueHead: keyValueHeads > 0 ? heads / keyValueHeads : 0)
    }
}

/// The order llama-quantize writes tensors in, and which tensors it quantizes at all.
public enum LlamaTensorOrder {
    /// The `N` of a `blk.N.` prefix, as `sscanf("blk.%d.")` reads it; nil for tensors outside the blocks.
    public static func blockNumber(_ name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        var rest = name.utf8.dropFirst(4)
        let negative = rest.first == UInt8(ascii: "-")
        if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        let digits = rest.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !digits.isEmpty, let value = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        return negative ? -value : value
    }

    /// llama.cpp's loader keeps tensors in a map ordered by block number (tensors outside the blocks first), then by
    /// name, byte for byte; llama-quantize writes them in that order whatever the input's order was.
    public static func sorted(_ tensors: [GGUFTensorInfo]) -> [GGUFTensorInfo] {
        tensors.sorted { a, b in
            let (la, lb) = (blockNumber(a.name) ?? -1, blockNumber(b.name) ?? -1)
            return la != lb ? la < lb : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }

    /// Name fragments llama.cpp never quantizes (`tensor_allows_quantization`): norms, expert routers, small
    /// per-architecture tables (RWKV, Mamba conv, relative position biases, vision and audio embeddings).
    static let keptAsStored: [String] = [
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight",
        "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight",
        "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd",
        "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd",
    ]

    /// Whether llama-quantize would quantize this tensor: at least two dimensions once trailing 1s are dropped
    /// (`ggml_n_dims`), a name ending in `weight`, and none of `keptAsStored`.
    public static func isQuantizable(name: String, shape: [Int]) -> Bool {
        let dims = max(1, (shape.lastIndex { $0 != 1 } ?? 0) + 1)
        guard dims >= 2, name.hasSuffix("weight") else { return false }
        if name == "position_embd.weight" || name == "token_types.weight" { return false }
        return !keptAsStored.contains { name.contains($0) }
    }
}

extension QuantizationMix {
    /// Every tensor's choice, for tensors already in `LlamaTensorOrder.sorted` order; nil where the tensor is not
    /// quantized and keeps its stored type. llama.cpp numbers `attn_v` and `ffn_down` tensors by counting them as it
    /// goes (for a model with experts, `ffn_down` layers come from the name, checked against the layer count).
    /// `writableOnly: false` plans types the lab cannot write instead of refusing them (see `decide`).
    public func plan(_ tensors: [GGUFTensorInfo], model: MixModel, writableOnly: Bool = true) throws -> [Choice?] {
        var attentionV = 0, ffnDown = 0
        return try tensors.map { info in
            guard LlamaTensorOrder.isQuantizable(name: info.name, shape: info.shape) else { return nil }
            var (layer, count) = (0, model.blockCount)
            switch TensorRole(name: info.name) {
            case .attentionV:
                (layer, count) = (attentionV, model.attentionVCount)
                attentionV += 1
            case .ffnDown where model.expertCount > 1:
                guard let block = LlamaTensorOrder.blockNumber(info.name), (0..<model.blockCount).contains(block) else {
                    throw InputError("\(info.name): a model with experts needs a blk.N. prefix with N below \(model.blockCount) to place ffn_down")
                }
                layer = block
            case .ffnDown:
                layer = ffnDown
                ffnDown += 1
            default: break
            }
            return writableOnly
                ? try choose(name: info.name, shape: info.shape, layer: layer, layerCount: count, model: model)
                : try decide(name: info.name, shape: info.shape, layer: layer, layerCount: count, model: model)
        }
    }
}
