import Foundation
import Testing
import GGUF
import QuantFormats
import TestSupport

/// `quantlab quantize` against ggml's bytes: an f32 GGUF made of the golden inputs, requantized, must hold exactly
/// the bytes of ggml's reference quantizer, which is what `llama-quantize` writes.
@Suite struct QuantizeCommandTests {
    static let formats = ["q4_0", "q4_1", "q5_0", "q8_0", "q4_K", "q6_K"]

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("quantlab-\(UUID().uuidString)-\(name)").path
    }

    /// An f32 model: one 1 x n weight per golden input of `format`, plus a norm vector and a 576-wide matrix.
    static func writeF32Model(format: String) throws -> (path: String, cases: [Golden.QuantizeCase]) {
        let cases = Golden.quantizeCases.filter { $0.format == format }
        var writer = GGUFWriter()
        try writer.setMetadata("general.architecture", .string("llama"))
        try writer.setMetadata("general.file_type", .uint32(0))
        for c in cases {
            try writer.addTensor(name: "golden.\(c.input).weight", type: .f32, shape: [c.n, 1], bytes: Golden.bytes(c.f32))
        }
        let norm = [Float](repeating: 0.5, count: 576)
        try norm.withUnsafeBytes { try writer.addTensor(name: "blk.0.attn_norm.weight", type: .f32, shape: [576], bytes: $0) }
        var rng = SplitMix64(seed: 5)
        let wide = rng.gaussians(576 * 2)
        try wide.withUnsafeBytes { try writer.addTensor(name: "blk.0.attn_q.weight", type: .f32, shape: [576, 2], bytes: $0) }
        let path = temporaryPath("\(format)-f32.gguf")
        try writer.write(to: path)
        return (path, cases)
    }

    @Test(arguments: formats)
    func quantizedTensorsAreGGMLsBytes(_ format: String) throws {
        let (input, cases) = try Self.writeF32Model(format: format)
        let output = Self.temporaryPath("\(format).gguf")
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: output) }

        let result = quantlab("quantize", input, output, "--type", format, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let file = try GGUFFile(path: output)
        for c in cases {
            let tensor = try file.requireTensor("golden.\(c.input).weight")
            #expect(tensor.type.name == format)
            #expect([UInt8](file.bytes(of: tensor)) == Golden.bytes(c.quantized), "\(format)/\(c.input) differs from ggml")
        }
        #expect(try file.requireTensor("blk.0.attn_norm.weight").type == .f32, "1-D tensors stay f32")
        let expectedFileType: UInt32 = ["q4_0": 2, "q4_1": 3, "q5_0": 8, "q8_0": 7, "q4_K": 14, "q6_K": 18][format]!
        #expect(try file.uint32("general.file_type") == expectedFileType)
        #expect(try file.string("general.architecture") == "llama", "metadata is copied")

        // 576 is not a multiple of 256: the K formats fall back as llama.cpp does, and the report says why.
        let wide = try file.requireTensor("blk.0.attn_q.weight")
        let expectedWide = ["q4_K": GGMLType.q5_0, "q6_K": .q8_0][format] ?? GGMLType(name: format)!
        #expect(wide.type == expectedWide)
        let report = try json(result.output)
        let plans = try #require(report["tensors"] as? [[String: Any]])
        let widePlan = try #require(plans.first { $0["name"] as? String == "blk.0.attn_q.weight" })
        #expect((widePlan["fallback"] as? String != nil) == (expectedWide.name != format))
    }

    @Test func requantizingAQuantizedModelDequantizesFirst() throws {
        let (input, _) = try Self.writeF32Model(format: "q8_0")
        let q8 = Self.temporaryPath("q8.gguf"), q4 = Self.temporaryPath("q4.gguf")
        defer { for p in [input, q8, q4] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(quantlab("quantize", input, q8, "--type", "q8_0").status == 0)
        #expect(quantlab("quantize", q8, q4, "--type", "q4_0").status == 0)
        let source = try GGUFFile(path: q8), result = try GGUFFile(path: q4)
        let tensor = try source.requireTensor("golden.gauss.weight")
        // Expected: q8_0 bytes dequantized, then q4_0's reference quantizer.
        var values = [Float](repeating: 0, count: tensor.rowLength)
        values.withUnsafeMutableBufferPointer { FormatTraits.q8_0.dequantize(source.bytes(of: tensor).baseAddress!, $0.baseAddress!, tensor.rowLength) }
        var expected = [UInt8](repeating: 0, count: GGMLType.q4_0.rowBytes(count: tensor.rowLength)!)
        values.withUnsafeBufferPointer { v in expected.withUnsafeMutableBytes { FormatTraits.q4_0.quantize(v.baseAddress!, $0.baseAddress!, tensor.rowLength) } }
        #expect([UInt8](result.bytes(of: try result.requireTensor("golden.gauss.weight"))) == expected)
    }

    @Test func badInvocationsGetOneLineErrors() throws {
        let (input, _) = try Self.writeF32Model(format: "q4_0")
        let output = Self.temporaryPath("out.gguf")
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: output) }
        #expect(quantlab("quantize", input, output).status == 2)                       // --type missing
        #expect(quantlab("quantize", input).status == 2)                               // OUT missing
        #expect(quantlab("quantize", input, input, "--type", "q4_0").status == 2)      // would overwrite its input
        let badType = quantlab("quantize", input, output, "--type", "q9_9")
        #expect(badType.status == 1 && badType.errors.contains("q9_9"))
        let unsupported = quantlab("quantize", input, output, "--type", "iq2_xxs")
        #expect(unsupported.status == 1 && unsupported.errors.contains("iq2_xxs"))
        let missing = quantlab("quantize", "/nonexistent/model.gguf", output, "--type", "q4_0")
        #expect(missing.status == 1 && missing.errors.contains("/nonexistent/model.gguf"))
        #expect(!FileManager.default.fileExists(atPath: output), "nothing written on failure")

        // A truncated file is refused with the reader's message.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: input))
        let truncated = Self.temporaryPath("truncated.gguf")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        let result = quantlab("quantize", truncated, output, "--type", "q4_0")
        #expect(result.status == 1)
        #expect(result.errors.contains("GGUF"), "\(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1)
    }
}

@Suite struct InspectCommandTests {
    @Test func inspectJSONFollowsTheContract() throws {
        let (path, cases) = try QuantizeCommandTests.writeF32Model(format: "q4_0")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = quantlab("inspect", path, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == cases.count + 2)
        for t in tensors { for key in ["name", "type", "shape", "offset", "bytes"] { #expect(t[key] != nil, "tensor lacks \(key)") } }
        let metadata = try #require(report["metadata"] as? [String: Any])
        #expect(metadata["general.architecture"] as? String == "llama")
    }

    @Test(.enabled(if: RealModels.smolLM2Path != nil, "SmolLM2 not fetched: run .ci/fetch-smollm2.sh"))
    func inspectReadsSmolLM2() throws {
        let result = quantlab("inspect", RealModels.smolLM2Path!, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == 272)
        let metadata = try #require(report["metadata"] as? [String: Any])
        #expect(metadata["llama.embedding_length"] as? Int == 576)
        let vocabulary = try #require(metadata["tokenizer.ggml.tokens"] as? [String: Any], "long arrays are summarised")
        #expect(vocabulary["count"] as? Int == 49152)
        #expect((vocabulary["first"] as? [Any])?.count == 8)
        let text = quantlab("inspect", RealModels.smolLM2Path!)
        #expect(text.status == 0 && text.output.contains("tensors (272"))
    }

    @Test func inspectRefusesMissingAndMalformedFiles() throws {
        let missing = quantlab("inspect", "/nonexistent.gguf")
        #expect(missing.status == 1 && missing.errors.contains("/nonexistent.gguf"))
        let junk = QuantizeCommandTests.temporaryPath("junk.gguf")
        try Data("not a gguf file at all".utf8).write(to: URL(fileURLWithPath: junk))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        let result = quantlab("inspect", junk)
        #expect(result.status == 1 && result.errors.contains("magic"), "\(result.errors)")
        #expect(quantlab("inspect").status == 2)
        #expect(quantlab("inspect", junk, "extra").status == 2)
    }
}
