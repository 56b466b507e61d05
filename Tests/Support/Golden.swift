import Foundation
import QuantFormats
@_exported import KernelCore

/// The ggml reference data copied from `../shared/golden/` into this package's fixtures.
public enum Golden {
    public struct QuantizeCase: Decodable, Sendable {
        public let format: String
        public let input: String
        public let n: Int
        public let f32: String
        public let quantized: String
        public let dequantized: String
    }

    public struct DotCase: Decodable, Sendable {
        public let weights: String
        public let activations: String
        public let n: Int
        public let weights_quantized: String
        public let activations_f32: String
        public let activations_quantized: String
        public let ggml_vec_dot: Double
        public let exact_f64_dequantized_times_f32: Double
    }

    struct Vectors: Decodable {
        let quantize: [QuantizeCase]
        let dot: [DotCase]
    }

    public static func fixtureURL(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
    }

    /// ggml's vectors for the first six formats, then for q5_1, q2_K, q3_K, q5_K, iq4_nl and iq4_xs.
    static let vectors: [Vectors] = ["ggml-quant-vectors.json", "ggml-quant-vectors-2.json"].map { name in
        let data = try! Data(contentsOf: fixtureURL(name))
        return try! JSONDecoder().decode(Vectors.self, from: data)
    }

    public static var quantizeCases: [QuantizeCase] { vectors.flatMap(\.quantize) }
    public static var dotCases: [DotCase] { vectors.flatMap(\.dot) }

    /// Bytes from a hex string.
    public static func bytes(_ hex: String) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8 = c <= 57 ? c - 48 : (c | 0x20) - 87
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    /// Little-endian f32 values from a hex string.
    public static func floats(_ hex: String) -> [Float] {
        let b = bytes(hex)
        return stride(from: 0, to: b.count, by: 4).map { i in
            Float(bitPattern: UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24)
        }
    }
}

/// Where the real model lives when `.ci/run` (or `.ci/fetch-smollm2.sh`) has fetched it.
public enum RealModels {
    public static var smolLM2Path: String? {
        let env = ProcessInfo.processInfo.environment
        let dir = env["QUANTLAB_MODELS"] ?? (NSHomeDirectory() + "/.cache/quantlab/models")
        let path = env["QUANTLAB_SMOLLM2"] ?? dir + "/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

extension Golden.DotCase {
    /// How far a correct dot of these quantized operands may differ from ggml's `vec_dot` by float summation order
    /// alone: each side sums `n / blockSize` f32 block terms, so each is within blocks * 2^-24 * sum|w_i a_i| of the
    /// exact sum of the same terms; we allow twice that.
    public var summationOrderBound: Double {
        let weights = FormatTraits.of(GGMLType(name: self.weights)!)!
        let activation = FormatTraits.of(weights.activationType!)!
        let w = Golden.bytes(weights_quantized), a = Golden.bytes(activations_quantized)
        var wf = [Float](repeating: 0, count: n), af = wf
        w.withUnsafeBytes { b in wf.withUnsafeMutableBufferPointer { weights.dequantize(b.baseAddress!, $0.baseAddress!, n) } }
        a.withUnsafeBytes { b in af.withUnsafeMutableBufferPointer { activation.dequantize(b.baseAddress!, $0.baseAddress!, n) } }
        let magnitude = zip(wf, af).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        return 2 * Double(n / weights.blockSize) * 0x1p-24 * magnitude
    }
}

extension Golden {
    /// The Apache License 2.0 text (as in Debian's /usr/share/common-licenses/Apache-2.0): the perplexity text of
    /// the anchor figures in ../shared/golden/README.md.
    public static var apacheLicensePath: String { fixtureURL("apache-2.0.txt").path }

    /// llama.cpp's perplexity of SmolLM2-135M-Instruct on that text at context 512 (../shared/golden/README.md).
    public static let smolLM2Perplexity: [String: Double] = ["Q4_1": 15.93, "F32": 15.91, "Q8_0": 15.90, "Q4_K_M": 17.42, "Q4_0": 19.17]
}
