import Testing
import QuantFormats
import TestSupport

/// Every format in the traits table against ggml's reference quantizer bytes and dequantized values.
@Suite struct GoldenQuantizeTests {
    static let cases = Golden.quantizeCases.filter { GGMLType(name: $0.format).flatMap(FormatTraits.of) != nil }

    /// The golden formats and the table's quantized weight formats are the same set: no format goes untested and
    /// no golden vector is skipped for want of a format.
    @Test func everyImplementedFormatHasGoldenVectors() {
        let golden = Set(Golden.quantizeCases.map(\.format))
        let implemented = Set(FormatTraits.quantizedWeightFormats.map(\.name))
        #expect(implemented.subtracting(golden).isEmpty, "no golden vectors for \(implemented.subtracting(golden).sorted())")
        #expect(golden.subtracting(implemented).isEmpty, "golden vectors for formats not in FormatTraits.all: \(golden.subtracting(implemented).sorted())")
        #expect(Set(Golden.dotCases.map(\.weights)) == golden)
    }

    @Test(arguments: cases)
    func quantizeMatchesGGMLBytes(_ golden: Golden.QuantizeCase) throws {
        let traits = try #require(GGMLType(name: golden.format).flatMap(FormatTraits.of))
        let input = Golden.floats(golden.f32)
        let expected = Golden.bytes(golden.quantized)
        try #require(input.count == golden.n)
        var ours = [UInt8](repeating: 0xAA, count: traits.type.rowBytes(count: golden.n)!)
        input.withUnsafeBufferPointer { x in
            ours.withUnsafeMutableBytes { traits.quantize(x.baseAddress!, $0.baseAddress!, golden.n) }
        }
        let firstDifference = zip(ours, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(ours == expected,
                "\(golden.format)/\(golden.input): first differing byte \(firstDifference.map(String.init) ?? "none") (block \(firstDifference.map { String($0 / traits.bytesPerBlock) } ?? "-"))")
    }

    @Test(arguments: cases)
    func dequantizeMatchesGGMLValues(_ golden: Golden.QuantizeCase) throws {
        let traits = try #require(GGMLType(name: golden.format).flatMap(FormatTraits.of))
        let bytes = Golden.bytes(golden.quantized)
        let expected = Golden.floats(golden.dequantized)
        var ours = [Float](repeating: .nan, count: golden.n)
        bytes.withUnsafeBytes { b in ours.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, golden.n) } }
        let mismatch = zip(ours, expected).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
        #expect(mismatch == nil, "\(golden.format)/\(golden.input): element \(mismatch?.offset ?? -1) is \(mismatch?.element.0 ?? 0), ggml \(mismatch?.element.1 ?? 0)")
    }
}
