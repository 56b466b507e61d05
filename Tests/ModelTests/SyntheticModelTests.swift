import Foundation
import GGUF
import KernelCore
import QuantFormats
import Testing
@testable import Model

/// The built-in synthetic model: what the generator writes, that it is deterministic, and that bad specs are refused.
@Suite("Synthetic model generator")
struct SyntheticModelTests {
    /// A model small enough to write in every format quickly; every dimension a multiple of 256.
    static let small = SyntheticModel.Spec(
        architecture: .llama, dim: 256, layers: 2, heads: 4, kvHeads: 2, ffnDim: 512, vocabularySize: 600,
        contextLength: 256, weightType: .q8_0, tiedOutput: true, seed: 11)

    static func layerTensors(_ i: Int, dim: Int, kvDim: Int, ffn: Int, bias: Bool) -> [(String, [Int])] {
        let p = "blk.\(i)."
        var t: [(String, [Int])] = [(p + "attn_norm.weight", [dim]), (p + "attn_q.weight", [dim, dim])]
        if bias { t.append((p + "attn_q.bias", [dim])) }
        t.append((p + "attn_k.weight", [dim, kvDim]))
        if bias { t.append((p + "attn_k.bias", [kvDim])) }
        t.append((p + "attn_v.weight", [dim, kvDim]))
        if bias { t.append((p + "attn_v.bias", [kvDim])) }
        t += [(p + "attn_output.weight", [dim, dim]), (p + "ffn_norm.weight", [dim]), (p + "ffn_gate.weight", [dim, ffn]),
              (p + "ffn_up.weight", [dim, ffn]), (p + "ffn_down.weight", [ffn, dim])]
        return t
    }

    /// Dequantized values of a tensor.
    static func values(_ file: GGUFFile, _ name: String) throws -> [Float] {
        let info = try file.requireTensor(name)
        var out = [Float](repeating: 0, count: info.elementCount)
        out.withUnsafeMutableBufferPointer {
            FormatTraits.of(info.type)!.dequantize(file.bytes(of: info).baseAddress!, $0.baseAddress!, info.elementCount)
        }
        return out
    }

    static func meanAndStd(_ v: [Float]) -> (Double, Double) {
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count)
        return (mean, variance.squareRoot())
    }

    @Test func builtinFileHasLlamaCppKeysAndTensors() throws {
        let spec = SyntheticModel.Spec.builtin
        let file = try SyntheticModel.gguf(spec)
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.string("general.name").hasPrefix("QuantLab synthetic"))
        #expect(try file.uint32("general.file_type") == 7)
        let expected: [(String, UInt32)] = [
            ("llama.block_count", 4), ("llama.context_length", 1024), ("llama.embedding_length", 512),
            ("llama.feed_forward_length", 1536), ("llama.attention.head_count", 8), ("llama.attention.head_count_kv", 4),
            ("llama.rope.dimension_count", 64), ("llama.vocab_size", 4096),
            ("tokenizer.ggml.bos_token_id", 1), ("tokenizer.ggml.eos_token_id", 2),
            ("tokenizer.ggml.unknown_token_id", 0), ("tokenizer.ggml.padding_token_id", 2),
        ]
        for (key, value) in expected { #expect(try file.uint32(key) == value, "\(key)") }
        #expect(try file.float32("llama.rope.freq_base") == 10_000)
        #expect(try file.float32("llama.attention.layer_norm_rms_epsilon") == Float(1e-5))
        #expect(try file.string("tokenizer.ggml.model") == "gpt2")
        #expect(try file.string("tokenizer.ggml.pre") == "smollm")
        #expect(try file.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(try file.string("tokenizer.chat_template").contains("<|im_start|>"))
        #expect(try file.stringArray("tokenizer.ggml.tokens").count == 4096)
        #expect(try file.int32Array("tokenizer.ggml.token_type").count == 4096)

        var names: [(String, [Int])] = [("token_embd.weight", [512, 4096])]
        for i in 0..<4 { names += Self.layerTensors(i, dim: 512, kvDim: 256, ffn: 1536, bias: false) }
        names.append(("output_norm.weight", [512]))
        #expect(file.tensors.map(\.name) == names.map(\.0))
        for (name, shape) in names {
            let t = try file.requireTensor(name)
            #expect(t.shape == shape, "\(name)")
            #expect(t.type == (shape.count == 2 ? .q8_0 : .f32), "\(name)")
        }
        #expect(file.tensor(named: "output.weight") == nil)
        #expect(spec.parameterCount == file.tensors.reduce(0) { $0 + $1.elementCount })
    }

    /// The lab's own loader reads back the configuration the spec describes.
    @Test func modelConfigReadsTheSpecBack() throws {
        for spec in [SyntheticModel.Spec.builtin, .builtinQwen2] {
            let config = try ModelConfig(gguf: SyntheticModel.gguf(spec))
            var expected = spec.config
            expected.rmsEpsilon = Double(Float(spec.rmsEpsilon))  // written as f32
            #expect(config == expected)
        }
    }

    @Test func sameSpecSameBytesOtherSeedOtherBytes() throws {
        let a = try SyntheticModel.writer(for: Self.small).serialized()
        let b = try SyntheticModel.writer(for: Self.small).serialized()
        #expect(a == b)
        var other = Self.small
        other.seed = 12
        let c = try SyntheticModel.writer(for: other).serialized()
        #expect(c.count == a.count)
        #expect(c != a)
        // Every tensor changes with the seed, not only some.
        let fa = try GGUFFile(bytes: a), fc = try GGUFFile(bytes: c)
        for t in fa.tensors {
            let other = try fc.requireTensor(t.name)
            #expect(!fa.bytes(of: t).elementsEqual(fc.bytes(of: other)), "\(t.name)")
        }
    }

    @Test func writesToDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(getpid()).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SyntheticModel.write(Self.small, to: path)
        let file = try GGUFFile(path: path)
        #expect(Array(file.rawBytes) == (try SyntheticModel.writer(for: Self.small).serialized()))
    }

    @Test func qwen2HasBiasesAndItsOwnOutput() throws {
        let spec = SyntheticModel.Spec.builtinQwen2
        let file = try SyntheticModel.gguf(spec)
        #expect(try file.string("general.architecture") == "qwen2")
        #expect(try file.string("tokenizer.ggml.pre") == "qwen2")
        #expect(try file.uint32("qwen2.embedding_length") == 512)
        #expect(!file.contains("llama.embedding_length"))
        var names: [(String, [Int])] = [("token_embd.weight", [512, 4096])]
        for i in 0..<4 { names += Self.layerTensors(i, dim: 512, kvDim: 256, ffn: 1536, bias: true) }
        names += [("output_norm.weight", [512]), ("output.weight", [512, 4096])]
        #expect(file.tensors.map(\.name) == names.map(\.0))
        for (name, shape) in names { #expect(try file.requireTensor(name).shape == shape, "\(name)") }
        #expect(try file.requireTensor("blk.0.attn_k.bias").type == .f32)
        // The biases are drawn, not zero, and the output is not a copy of the embedding.
        let (_, biasStd) = Self.meanAndStd(try Self.values(file, "blk.0.attn_q.bias"))
        #expect(abs(biasStd - 0.1) < 0.02)
        #expect(try Self.values(file, "output.weight") != Self.values(file, "token_embd.weight"))
    }

    /// Each weight type: every matrix has that type, vectors stay f32, and the values are the f32 model's values
    /// quantized (same seed, same draws), within the format's round-trip tolerance.
    @Test(arguments: SyntheticModel.Spec.weightTypes)
    func everyWeightTypeRoundTrips(type: GGMLType) throws {
        var spec = Self.small
        spec.weightType = type
        spec.tiedOutput = false
        let file = try SyntheticModel.gguf(spec)
        var exactSpec = spec
        exactSpec.weightType = .f32
        let exact = try SyntheticModel.gguf(exactSpec)
        #expect(try file.uint32("general.file_type") == type.pureFileType)
        #expect(file.tensors.map(\.name) == exact.tensors.map(\.name))
        let tolerance = FormatTraits.of(type)!.tolerance.roundTripNMSE
        for t in file.tensors {
            #expect(t.type == (t.shape.count == 2 ? type : .f32), "\(t.name)")
            let got = try Self.values(file, t.name), want = try Self.values(exact, t.name)
            var err = 0.0, norm = 0.0
            for (g, w) in zip(got, want) { err += Double(g - w) * Double(g - w); norm += Double(w) * Double(w) }
            #expect(err / norm <= tolerance, "\(t.name): NMSE \(err / norm) above \(tolerance)")
        }
    }

    /// The scales: projections N(0, 1/fan_in), embeddings N(0, 0.01), norms around 1.
    @Test func weightsHaveTheDocumentedScales() throws {
        var spec = Self.small
        spec.weightType = .f32
        let file = try SyntheticModel.gguf(spec)
        for (name, fanIn) in [("blk.0.attn_q.weight", 256), ("blk.1.ffn_down.weight", 512)] {
            let (mean, std) = Self.meanAndStd(try Self.values(file, name))
            #expect(abs(mean) * Double(fanIn).squareRoot() < 0.02, "\(name)")
            #expect(abs(std * Double(fanIn).squareRoot() - 1) < 0.02, "\(name): std \(std)")
        }
        // Every row draws its own values: no row repeats (or shifts) another's stream.
        let q = try Self.values(file, "blk.0.attn_q.weight")
        #expect(Set(q).count > q.count * 99 / 100)
        let (embMean, embStd) = Self.meanAndStd(try Self.values(file, "token_embd.weight"))
        #expect(abs(embMean) < 0.001 && abs(embStd - 0.1) < 0.001)
        let (normMean, normStd) = Self.meanAndStd(try Self.values(file, "blk.0.attn_norm.weight"))
        #expect(abs(normMean - 1) < 0.02 && abs(normStd - 0.1) < 0.02)
        // The final norm sets the logits' spread: 3 / (embedding 0.1 * sqrt(256)).
        let (outMean, outStd) = Self.meanAndStd(try Self.values(file, "output_norm.weight"))
        #expect(abs(outMean - 1.875) < 0.05 && abs(outStd - 0.1875) < 0.04, "\(outMean) \(outStd)")
    }

    /// Logits of unit-RMS hidden states through the final norm and the output matrix (tied or not) spread by
    /// `logitSpread`, and the next-token distribution is neither uniform nor one-hot.
    @Test(arguments: [true, false])
    func logitsHaveTheChosenSpread(tied: Bool) throws {
        var spec = SyntheticModel.Spec.builtin
        spec.weightType = .f32
        spec.tiedOutput = tied
        let file = try SyntheticModel.gguf(spec)
        let norm = try Self.values(file, "output_norm.weight")
        let output = try Self.values(file, tied ? "token_embd.weight" : "output.weight")   // (vocab, dim)
        var rng = SplitMix64(seed: 3)
        var spreads: [Double] = [], entropies: [Double] = []
        for _ in 0..<8 {
            let h = rng.gaussians(spec.dim)
            let rms = (h.reduce(0) { $0 + Double($1 * $1) } / Double(spec.dim)).squareRoot()
            let x = (0..<spec.dim).map { Double(norm[$0]) * Double(h[$0]) / rms }
            let logits = (0..<spec.vocabularySize).map { v in
                (0..<spec.dim).reduce(0.0) { $0 + Double(output[v * spec.dim + $1]) * x[$1] }
            }
            spreads.append(Self.meanAndStd(logits.map(Float.init)).1)
            let top = logits.max()!
            let z = logits.reduce(0.0) { $0 + exp($1 - top) }
            entropies.append(-logits.reduce(0.0) { let p = exp($1 - top) / z; return $0 + (p > 0 ? p * log(p) : 0) })
        }
        let spread = spreads.reduce(0, +) / 8, entropy = entropies.reduce(0, +) / 8
        #expect(abs(spread - 3) < 0.15, "logit spread \(spread)")
        #expect(entropy > 3 && entropy < 5, "entropy \(entropy) nats")
    }

    /// The generator's own log, cos and sin against the C library's, over their whole input ranges.
    @Test func gaussianFunctionsMatchTheLibrary() {
        var worstLog = 0.0, worstTrig = 0.0
        for k in 1...(1 << 16) {
            let x = Float(k * 256) * 0x1p-24                         // (0, 1], as u1 is drawn
            worstLog = max(worstLog, abs(Double(SyntheticGaussian.log(x)) - Foundation.log(Double(x))))
            let t = Float(k - 1) * 0x1p-16                           // [0, 1), as u2 is drawn
            let (c, s) = SyntheticGaussian.cosSinTurns(t)
            let angle = 2 * Double.pi * Double(t)
            worstTrig = max(worstTrig, abs(Double(c) - cos(angle)), abs(Double(s) - sin(angle)))
        }
        #expect(worstLog < 4e-6, "log: \(worstLog)")    // |ln x| up to 16.6: a few ulps
        #expect(worstTrig < 1e-6, "cos/sin: \(worstTrig)")
    }

    /// The samples' first four moments are those of N(0, 1), and they stay within the documented 5.77 bound.
    @Test func gaussianSamplesHaveNormalMoments() {
        var rng = SplitMix64(seed: 5)
        let n = 1 << 20
        var v = [Float](repeating: 0, count: n)
        v.withUnsafeMutableBufferPointer { SyntheticGaussian.fill(&rng, $0.baseAddress!, count: n, mean: 0, std: 1) }
        var m = [0.0, 0.0, 0.0, 0.0]
        for x in v.map(Double.init) { m[0] += x; m[1] += x * x; m[2] += x * x * x; m[3] += x * x * x * x }
        m = m.map { $0 / Double(n) }
        #expect(abs(m[0]) < 0.005 && abs(m[1] - 1) < 0.005 && abs(m[2]) < 0.02 && abs(m[3] - 3) < 0.05, "\(m)")
        #expect(v.allSatisfy { abs($0) < 5.78 })
        // Tails are there: about 0.27% of N(0, 1) lies beyond 3 standard deviations.
        let beyond3 = Double(v.filter { abs($0) > 3 }.count) / Double(n)
        #expect(abs(beyond3 - 0.0027) < 0.0003, "\(beyond3)")
    }

    @Test func vocabularyMergesAreConsistent() throws {
        let vocabulary = try SyntheticVocabulary(size: 4096)
        #expect(vocabulary.tokens.count == 4096)
        #expect(vocabulary.tokenTypes.count == 4096)
        #expect(Set(vocabulary.tokens).count == 4096, "token strings are unique")
        let id = Dictionary(vocabulary.tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(!vocabulary.merges.isEmpty)
        var created = Set<String>()
        for merge in vocabulary.merges {
            let parts = merge.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            #expect(parts.count == 2, "\(merge)")
            guard parts.count == 2, let left = id[parts[0]], let right = id[parts[1]], let result = id[parts[0] + parts[1]]
            else { Issue.record("merge '\(merge)' names a missing token"); continue }
            // A merge only joins tokens that exist before it: bytes or the results of earlier merges.
            for part in [left, right] where part >= SyntheticVocabulary.minimumSize {
                #expect(created.contains(vocabulary.tokens[part]), "\(merge)")
            }
            #expect(vocabulary.tokenTypes[result] == SyntheticVocabulary.normalType)
            created.insert(parts[0] + parts[1])
        }
        // Common English words became single tokens with their leading space (GPT-2 spells the space Ġ).
        for word in ["Ġthe", "Ġand", "Ġof", "Ġwas", "Ġriver", "Ġthat", "The"] { #expect(id[word] != nil, "\(word)") }
        #expect(id["Ġunderstandable"] == nil)
    }

    @Test func vocabularyLayout() throws {
        let vocabulary = try SyntheticVocabulary(size: 4096)
        #expect(Array(vocabulary.tokens.prefix(3)) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        #expect(Array(vocabulary.tokenTypes.prefix(3)) == [3, 3, 3])
        // Bytes in GPT-2's spelling at 3 + byte.
        #expect(vocabulary.tokens[3 + 65] == "A")
        #expect(vocabulary.tokens[3 + 32] == "Ġ")
        #expect(vocabulary.tokens[3 + 10] == "Ċ")
        #expect(vocabulary.tokens[3 + 0] == "Ā")
        #expect(vocabulary.tokens[3 + 255] == "ÿ")
        #expect(Set(vocabulary.tokens[3..<259]).count == 256)
        #expect(vocabulary.tokenTypes[3..<259].allSatisfy { $0 == 1 })
        // Merged tokens, then reserved control tokens to fill up.
        let merged = 4096 - 259 - vocabulary.reservedCount
        #expect(merged > 400)
        #expect(merged <= vocabulary.merges.count)
        #expect(vocabulary.tokenTypes[259..<(259 + merged)].allSatisfy { $0 == 1 })
        if vocabulary.reservedCount > 0 {
            #expect(vocabulary.tokens[259 + merged] == "<|reserved_0|>")
            #expect(vocabulary.tokens.last == "<|reserved_\(vocabulary.reservedCount - 1)|>")
            #expect(vocabulary.tokenTypes[(259 + merged)...].allSatisfy { $0 == 3 })
        }
    }

    /// A smaller vocabulary is the larger one cut short: training is deterministic and greedy.
    @Test func smallerVocabulariesArePrefixes() throws {
        let large = try SyntheticVocabulary(size: 4096)
        for size in [259, 260, 600] {
            let v = try SyntheticVocabulary(size: size)
            #expect(v.tokens.count == size)
            #expect(v.merges == Array(large.merges.prefix(v.merges.count)))
            #expect(v.tokens == Array(large.tokens.prefix(size)))
            #expect(v.reservedCount == 0)
        }
        #expect(try SyntheticVocabulary(size: 259).merges.isEmpty)
    }

    @Test func preTokenizerSplitsLikeGPT2() {
        let words = SyntheticBPE.preTokenize("Hello world, it's  2024!\n\nThe end. ")
        #expect(words == ["Hello", " world", ",", " it", "'s", " ", " 2024", "!", "\n", "\n", "The", " end", ".", " "])
    }

    /// Specs that break one rule each, with the field the error must name.
    static let invalidSpecs: [(field: String, spec: SyntheticModel.Spec)] = {
        func changed(_ change: (inout SyntheticModel.Spec) -> Void) -> SyntheticModel.Spec {
            var s = SyntheticModel.Spec.builtin
            change(&s)
            return s
        }
        return [
            ("dim", changed { $0.dim = 768; $0.heads = 5; $0.kvHeads = 1 }),
            ("kvHeads", changed { $0.kvHeads = 3 }),
            ("dim", changed { $0.dim = 288; $0.heads = 3; $0.kvHeads = 1; $0.weightType = .q4_K }),
            ("ffnDim", changed { $0.ffnDim = 1000 }),
            ("ffnDim", changed { $0.ffnDim = 544; $0.weightType = .q6_K }),
            ("layers", changed { $0.layers = 0 }),
            ("heads", changed { $0.heads = 0 }),
            ("vocabularySize", changed { $0.vocabularySize = 100 }),
            ("weightType", changed { $0.weightType = .q8_K }),
            ("rmsEpsilon", changed { $0.rmsEpsilon = 0 }),
            ("dim", changed { $0.dim = 1 << 20 }),
            ("scales.embedding", changed { $0.scales.embedding = .nan }),
        ]
    }()

    @Test func invalidSpecNamesTheField() {
        for (field, spec) in Self.invalidSpecs {
            #expect {
                _ = try SyntheticModel.writer(for: spec)
            } throws: { error in
                "\(error)".hasPrefix("SyntheticModel.Spec.") && "\(error)".contains(field)
            }
        }
    }

    @Test func specCodableRoundTripAndDefaults() throws {
        let data = try JSONEncoder().encode(SyntheticModel.Spec.builtinQwen2)
        #expect(String(decoding: data, as: UTF8.self).contains("\"weightType\":\"q8_0\""))
        #expect(try JSONDecoder().decode(SyntheticModel.Spec.self, from: data) == .builtinQwen2)

        let partial = try JSONDecoder().decode(SyntheticModel.Spec.self, from: Data(#"{"weightType": "q4_K", "seed": 7}"#.utf8))
        var expected = SyntheticModel.Spec.builtin
        expected.weightType = .q4_K
        expected.seed = 7
        #expect(partial == expected)

        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SyntheticModel.Spec.self, from: Data(#"{"weightType": "q9_9"}"#.utf8))
        }
        #expect {
            try JSONDecoder().decode(SyntheticModel.Spec.self, from: Data(#"{"heads": 7}"#.utf8))
        } throws: { "\($0)".contains("SyntheticModel.Spec.dim 512 is not a multiple of heads 7") }
    }
}
