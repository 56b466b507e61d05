import Foundation
import Testing
import GGUF
import QuantFormats
import QuantLabCLI
import TestSupport

/// `quantlab quantize --mix` against llama.cpp's default mixes: on SmolLM2 (when fetched) every tensor's type and
/// bytes and the whole file must equal what `llama-quantize` wrote, as recorded in `smollm2-mixes.json`; in CI the
/// rules are checked on synthetic models against llama.cpp's rules as stated in `QuantizationMix`.
@Suite struct QuantizeMixTests {
    /// llama-quantize's outputs for SmolLM2, recorded by `Experiments/llama-quantize-parity/mix-fixture.py`.
    struct Fixture: Decodable {
        struct Mix: Decodable {
            let file_type: UInt32, file_bytes: Int, file_crc32: String
            let types: [String], crc32: [String]
        }
        let source_crc32: String
        let tensors: [String]
        let mixes: [String: Mix]

        static let smolLM2: Fixture = {
            let data = try! Data(contentsOf: Golden.fixtureURL("smollm2-mixes.json"))
            return try! JSONDecoder().decode(Fixture.self, from: data)
        }()
    }

    // MARK: SmolLM2 against llama-quantize

    /// Q4_K_M (every rule SmolLM2 reaches: tied output, use_more_bits attn_v and ffn_down, both fallbacks), Q4_0
    /// (named in lower case) and every mix that writes the formats beyond the first six (q2_K aside, which SmolLM2's
    /// rows of 576 turn into q4_0 everywhere); Q4_1, Q5_0, Q8_0 and Q6_K are checked by
    /// `Experiments/llama-quantize-parity/run.sh`.
    @Test(.enabled(if: RealModels.smolLM2Path != nil, "SmolLM2 not fetched: run .ci/fetch-smollm2.sh"),
          arguments: ["Q4_K_M", "q4_0", "Q4_K_S", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q5_K_S", "Q5_K_M", "Q5_1", "IQ4_NL", "IQ4_XS"])
    func mixWritesLlamaQuantizesFile(_ mixName: String) throws {
        let expected = try #require(Fixture.smolLM2.mixes[mixName.uppercased()])
        let output = QuantizeCommandTests.temporaryPath("\(mixName).gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = quantlab("quantize", RealModels.smolLM2Path!, output, "--mix", mixName)
        try #require(result.status == 0, "\(result.errors)")

        let file = try GGUFFile(path: output)
        #expect(file.tensors.map(\.name) == Fixture.smolLM2.tensors, "tensors in llama.cpp's order")
        var differing: [String] = []
        for (i, tensor) in file.tensors.enumerated() where i < expected.types.count {
            if tensor.type.name != expected.types[i] || CRC32.hex(file.bytes(of: tensor)) != expected.crc32[i] {
                differing.append("\(tensor.name) (\(tensor.type.name), llama.cpp \(expected.types[i]))")
            }
        }
        #expect(differing.count == 0, "tensors differ from llama.cpp's, first: \(differing.prefix(3))")
        #expect(try file.uint32("general.file_type") == expected.file_type)
        let whole = try Data(contentsOf: URL(fileURLWithPath: output), options: .alwaysMapped)
        #expect(whole.count == expected.file_bytes)
        #expect(whole.withUnsafeBytes { CRC32.hex($0) } == expected.file_crc32, "the whole file is llama-quantize's, byte for byte")
    }

    /// Every mix's plan gives llama.cpp's type to every tensor.
    @Test(.enabled(if: RealModels.smolLM2Path != nil, "SmolLM2 not fetched: run .ci/fetch-smollm2.sh"))
    func everyMixPlansLlamaCppsTypes() throws {
        let file = try GGUFFile(path: RealModels.smolLM2Path!)
        let model = try MixModel(file: file)
        #expect(model == MixModel(architecture: "llama", blockCount: 30, attentionVCount: 30, tiedEmbeddings: true, queriesPerKeyValueHead: 3))
        let tensors = LlamaTensorOrder.sorted(file.tensors)
        #expect(tensors.map(\.name) == Fixture.smolLM2.tensors)
        for mix in QuantizationMix.allCases {
            let expected = try #require(Fixture.smolLM2.mixes[mix.rawValue])
            let plan = try mix.plan(tensors, model: model, writableOnly: false)
            let types = zip(tensors, plan).map { ($1?.type ?? $0.type).name }
            try #require(types.count == expected.types.count)
            let differing = (0..<types.count).filter { types[$0] != expected.types[$0] }
                .map { "\(tensors[$0].name): \(types[$0]), llama.cpp \(expected.types[$0])" }
            #expect(differing.count == 0, "\(mix.rawValue): first differences \(differing.prefix(3))")
            #expect(mix.fileType == expected.file_type)
        }
    }

    // MARK: The rules, on synthetic models

    static let dense32 = MixModel(architecture: "llama", blockCount: 32, attentionVCount: 32, tiedEmbeddings: false)

    @Test func useMoreBitsIsLlamaCppsLayerSet() {
        // n = 32: the first and last 4 layers, and every third layer from 6.
        let expected: Set<Int> = [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]
        #expect(Set((0..<32).filter { QuantizationMix.useMoreBits($0, 32) }) == expected)
        // n = 30 (SmolLM2): 14 layers, as the fixture's 14 q6_K ffn_down tensors say.
        #expect((0..<30).filter { QuantizationMix.useMoreBits($0, 30) }.count == 14)
    }

    @Test func q4KMGivesMoreBitsToAttnVAndFFNDownInChosenLayers() throws {
        let mix = QuantizationMix.q4_K_M, model = Self.dense32
        for layer in 0..<32 {
            let more = QuantizationMix.useMoreBits(layer, 32)
            let v = try mix.choose(name: "blk.\(layer).attn_v.weight", shape: [4096, 1024], layer: layer, layerCount: 32, model: model)
            let down = try mix.choose(name: "blk.\(layer).ffn_down.weight", shape: [14336, 4096], layer: layer, layerCount: 32, model: model)
            let q = try mix.choose(name: "blk.\(layer).attn_q.weight", shape: [4096, 4096], layer: layer, layerCount: 32, model: model)
            #expect(v.type == (more ? .q6_K : .q4_K) && down.type == (more ? .q6_K : .q4_K), "layer \(layer)")
            #expect(q.type == .q4_K && q.rule == nil && q.fallback == nil)
        }
        let output = try mix.choose(name: "output.weight", shape: [4096, 128256], layer: 0, layerCount: 32, model: model)
        #expect(output.type == .q6_K && output.rule != nil)
        let embedding = try mix.choose(name: "token_embd.weight", shape: [4096, 128256], layer: 0, layerCount: 32, model: model)
        #expect(embedding.type == .q4_K, "an untied token embedding keeps the base type")
    }

    @Test func outputAndTiedEmbeddingRules() throws {
        var tied = Self.dense32
        tied.tiedEmbeddings = true
        let shape = [4096, 32000]
        for mix in [QuantizationMix.q4_0, .q4_1, .q5_0, .q4_K_M, .q6_K] {
            #expect(try mix.choose(name: "token_embd.weight", shape: shape, layer: 0, layerCount: 32, model: tied).type == .q6_K, "\(mix)")
        }
        #expect(try QuantizationMix.q8_0.choose(name: "output.weight", shape: shape, layer: 0, layerCount: 32, model: tied).type == .q8_0)
        // Rows that are not whole base blocks: q8_0 straight away (4160 = 130 x 32, not a multiple of 256).
        let odd = try QuantizationMix.q4_K_M.choose(name: "output.weight", shape: [4160, 32000], layer: 0, layerCount: 32, model: tied)
        #expect(odd.type == .q8_0 && odd.fallback == nil)
        var falcon = Self.dense32
        falcon.architecture = "falcon"
        #expect(try QuantizationMix.q4_0.choose(name: "output.weight", shape: shape, layer: 0, layerCount: 32, model: falcon).type == .q8_0)
    }

    @Test func eightExpertModelsGetQ8AttentionKAndV() throws {
        var moe = Self.dense32
        moe.expertCount = 8
        for name in ["blk.3.attn_k.weight", "blk.3.attn_v.weight"] {
            #expect(try QuantizationMix.q4_0.choose(name: name, shape: [4096, 1024], layer: 3, layerCount: 32, model: moe).type == .q8_0)
        }
    }

    @Test func blockFallbacksAreLlamaCpps() throws {
        #expect(try QuantizationMix.blockFallback(.q4_K, rowLength: 576).0 == .q5_0)
        #expect(try QuantizationMix.blockFallback(.q6_K, rowLength: 576).0 == .q8_0)
        #expect(try QuantizationMix.blockFallback(.q5_K, rowLength: 576).0 == .q5_1)
        #expect(try QuantizationMix.blockFallback(.q4_0, rowLength: 100).0 == .f16)
        #expect(try QuantizationMix.blockFallback(.q4_K, rowLength: 100).0 == .f16, "q5_0 does not fit either")
        let whole = try QuantizationMix.blockFallback(.q4_K, rowLength: 512)
        #expect(whole.0 == .q4_K && whole.1 == nil)
    }

    @Test func q4KSAnd70BRulesGiveQ5K() throws {
        // Q4_K_S: attn_v of the first 4 layers and ffn_down of the first 8th get q5_K.
        let first = try QuantizationMix.q4_K_S.choose(name: "blk.0.attn_v.weight", shape: [4096, 1024], layer: 0, layerCount: 32, model: Self.dense32)
        #expect(first.type == .q5_K && first.rule == "attn_v in the first 4 layers: q5_K")
        #expect(try QuantizationMix.q4_K_S.choose(name: "blk.4.attn_v.weight", shape: [4096, 1024], layer: 4, layerCount: 32, model: Self.dense32).type == .q4_K)
        #expect(try QuantizationMix.q4_K_S.choose(name: "blk.0.ffn_down.weight", shape: [14336, 4096], layer: 0, layerCount: 32, model: Self.dense32).type == .q5_K)
        // A 70B llama: attn_v outside use_more_bits layers goes from q4_K to q5_K.
        var big = MixModel(architecture: "llama", blockCount: 80, attentionVCount: 80, tiedEmbeddings: false, is70B: true)
        #expect(try QuantizationMix.q4_K_M.choose(name: "blk.11.attn_v.weight", shape: [8192, 1024], layer: 11, layerCount: 80, model: big).type == .q5_K)
        big.is70B = false
        #expect(try QuantizationMix.q4_K_M.choose(name: "blk.11.attn_v.weight", shape: [8192, 1024], layer: 11, layerCount: 80, model: big).type == .q4_K)
    }

    @Test func namesRolesAndOrder() {
        #expect(QuantizationMix(name: "q4_k_m") == .q4_K_M && QuantizationMix(name: "Q8_0") == .q8_0)
        #expect(QuantizationMix(name: "q4_K") == .q4_K_M && QuantizationMix(name: "Q3_K") == .q3_K_M, "llama-quantize's aliases")
        #expect(QuantizationMix(name: "IQ2_XXS") == nil && QuantizationMix(name: "Q4_K_X") == nil)
        #expect(TensorRole(name: "blk.0.attn_qkv.weight") == .attentionV)
        #expect(TensorRole(name: "blk.0.ffn_down_exps.weight") == .ffnDown)
        #expect(TensorRole(name: "output.weight") == .output && TensorRole(name: "output_norm.weight") == .other)
        #expect(LlamaTensorOrder.blockNumber("blk.12.attn_q.weight") == 12 && LlamaTensorOrder.blockNumber("token_embd.weight") == nil)
        #expect(!LlamaTensorOrder.isQuantizable(name: "blk.0.attn_norm.weight", shape: [576, 2]))
        #expect(!LlamaTensorOrder.isQuantizable(name: "blk.0.attn_q.weight", shape: [576, 1]), "ggml_n_dims drops trailing 1s")
        #expect(LlamaTensorOrder.isQuantizable(name: "blk.0.attn_q.weight", shape: [576, 576]))
        let names = ["blk.10.attn_q.weight", "blk.2.ffn_up.weight", "output_norm.weight", "blk.2.attn_k.weight", "token_embd.weight"]
        let infos = names.map { GGUFTensorInfo(name: $0, type: .f32, shape: [32], offset: 0, byteCount: 128) }
        #expect(LlamaTensorOrder.sorted(infos).map(\.name)
                == ["output_norm.weight", "token_embd.weight", "blk.2.attn_k.weight", "blk.2.ffn_up.weight", "blk.10.attn_q.weight"])
    }

    // MARK: The command, end to end on a synthetic model

    /// An f32 llama of 8 layers (rows of 256 and 512, so q4_K fits), tensors stored out of llama.cpp's order and the
    /// two quantization keys first: the output must be reordered, the keys moved last, and every tensor hold the
    /// reference quantizer's bytes for the type the rules give.
    @Test func q4KMOnASyntheticModel() throws {
        var writer = GGUFWriter()
        try writer.setMetadata("general.file_type", .uint32(0))
        try writer.setMetadata("general.quantization_version", .uint32(2))
        try writer.setMetadata("general.architecture", .string("llama"))
        try writer.setMetadata("llama.block_count", .uint32(8))
        var rng = SplitMix64(seed: 11)
        var values: [String: [Float]] = [:]
        func add(_ name: String, _ shape: [Int]) throws {
            let data = rng.gaussians(shape.reduce(1, *))
            values[name] = data
            try data.withUnsafeBytes { try writer.addTensor(name: name, type: .f32, shape: shape, bytes: $0) }
        }
        for layer in (0..<8).reversed() {
            try add("blk.\(layer).ffn_down.weight", [512, 8])
            try add("blk.\(layer).attn_v.weight", [256, 4])
            try add("blk.\(layer).attn_norm.weight", [256])
        }
        try add("token_embd.weight", [256, 16])
        let input = QuantizeCommandTests.temporaryPath("mix-f32.gguf"), output = QuantizeCommandTests.temporaryPath("mix-q4_K_M.gguf")
        defer { for p in [input, output] { try? FileManager.default.removeItem(atPath: p) } }
        try writer.write(to: input)

        let result = quantlab("quantize", input, output, "--mix", "q4_k_m", "--json")
        try #require(result.status == 0, "\(result.errors)")
        #expect(try json(result.output)["mix"] as? String == "Q4_K_M")
        let file = try GGUFFile(path: output)
        #expect(file.tensors.first?.name == "token_embd.weight" && file.tensors[1].name == "blk.0.attn_norm.weight")
        #expect(file.metadata.suffix(2).map(\.key) == ["general.quantization_version", "general.file_type"])
        #expect(try file.uint32("general.file_type") == 15)
        for tensor in file.tensors {
            let layer = LlamaTensorOrder.blockNumber(tensor.name) ?? 0
            let more = QuantizationMix.useMoreBits(layer, 8)
            let expected: GGMLType = switch TensorRole(name: tensor.name) {
            case .tokenEmbedding: .q6_K                      // tied: quantized as the output
            case .attentionV, .ffnDown: more ? .q6_K : .q4_K
            default: .f32
            }
            #expect(tensor.type == expected, "\(tensor.name)")
            guard expected != .f32, let traits = FormatTraits.of(expected) else { continue }
            let source = values[tensor.name]!, rowLength = tensor.rowLength, rowBytes = expected.rowBytes(count: rowLength)!
            var bytes = [UInt8](repeating: 0, count: rowBytes * tensor.rowCount)
            source.withUnsafeBufferPointer { s in
                bytes.withUnsafeMutableBytes { b in
                    for r in 0..<tensor.rowCount { traits.quantize(s.baseAddress! + r * rowLength, b.baseAddress! + r * rowBytes, rowLength) }
                }
            }
            #expect([UInt8](file.bytes(of: tensor)) == bytes, "\(tensor.name) holds ggml's \(expected.name) bytes")
        }
    }

    @Test func typeAndMixAreOneOrTheOther() throws {
        let (input, _) = try QuantizeCommandTests.writeF32Model(format: "q4_0")
        let output = QuantizeCommandTests.temporaryPath("out.gguf")
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: output) }
        #expect(quantlab("quantize", input, output).status == 2)
        #expect(quantlab("quantize", input, output, "--type", "q4_0", "--mix", "Q4_0").status == 2)
        let unknown = quantlab("quantize", input, output, "--mix", "IQ2_XXS")
        #expect(unknown.status == 1 && unknown.errors.contains("IQ2_XXS") && unknown.errors.contains("Q4_K_M"))
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(quantlab("quantize", "--help").output.contains("--mix"))
    }
}

/// CRC-32 (IEEE, zlib's), to compare bytes with the fixture's record of llama.cpp's output.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        let value = crc ^ 0xFFFF_FFFF
        return String(repeating: "0", count: 8 - String(value, radix: 16).count) + String(value, radix: 16)
    }
}
