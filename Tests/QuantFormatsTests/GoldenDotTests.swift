import Testing
import QuantFormats
import TestSupport

/// ggml's CPU activation quantizers and `vec_dot` results.
@Suite struct GoldenDotTests {
    static let cases = Golden.dotCases.filter { GGMLType(name: $0.weights).flatMap(FormatTraits.of) != nil }

    @Test(arguments: cases)
    func activationQuantizerMatchesGGMLBytes(_ golden: Golden.DotCase) throws {
        let activation = try #require(GGMLType(name: golden.activations).flatMap(FormatTraits.of))
        let weights = try #require(GGMLType(name: golden.weights).flatMap(FormatTraits.of))
        #expect(weights.activationType == activation.type, "\(golden.weights) must dot against \(golden.activations)")
        let x = Golden.floats(golden.activations_f32)
        var ours = [UInt8](repeating: 0, count: activation.type.rowBytes(count: golden.n)!)
        x.withUnsafeBufferPointer { xb in ours.withUnsafeMutableBytes { activation.quantizeActivations(xb.baseAddress!, $0.baseAddress!, golden.n) } }
        let expected = Golden.bytes(golden.activations_quantized)
        let first = zip(ours, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(ours == expected, "\(golden.activations) for \(golden.weights) n=\(golden.n): first differing byte \(first ?? -1)")
    }

    /// Our scalar dot on ggml's bytes differs from ggml's SIMD `vec_dot` only by float summation order.
    @Test(arguments: cases)
    func blockDotMatchesGGMLVecDot(_ golden: Golden.DotCase) throws {
        let weights = try #require(GGMLType(name: golden.weights).flatMap(FormatTraits.of))
        let w = Golden.bytes(golden.weights_quantized), a = Golden.bytes(golden.activations_quantized)
        let ours = w.withUnsafeBytes { wb in a.withUnsafeBytes { ab in weights.dot!(wb.baseAddress!, ab.baseAddress!, golden.n) } }
        let bound = golden.summationOrderBound
        #expect(abs(Double(ours) - golden.ggml_vec_dot) <= bound,
                "\(golden.weights) n=\(golden.n): ours \(ours), ggml \(golden.ggml_vec_dot), bound \(bound)")
    }
}
