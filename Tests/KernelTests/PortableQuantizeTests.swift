import Foundation
import Testing
import KernelCore
import PortableKernels
import QuantFormats

/// The SIMD activation quantizers write exactly the scalar `quantizeActivations` bytes, so the portable kernels see
/// the same integers as the scalar reference.
@Suite struct PortableQuantizeTests {
    struct Quantizer: Sendable, CustomTestStringConvertible {
        let name: String
        let portable: QuantizeRow
        let scalar: QuantizeRow
        let type: GGMLType
        var testDescription: String { name }
    }

    static let quantizers = [
        Quantizer(name: "q8_0", portable: PortableQuantize.q8_0, scalar: FormatTraits.q8_0.quantizeActivations, type: .q8_0),
        Quantizer(name: "q8_1", portable: PortableQuantize.q8_1, scalar: FormatTraits.q8_1.quantizeActivations, type: .q8_1),
        Quantizer(name: "q8_K", portable: PortableQuantize.q8_K, scalar: FormatTraits.q8_K.quantizeActivations, type: .q8_K),
    ]

    /// Rows of 512 values (two q8_K blocks, sixteen q8_0 blocks) that probe the rounding and the choice of scale.
    static func edgeRows() -> [(String, [Float])] {
        let length = 512
        var rows: [(String, [Float])] = []
        var rng = SplitMix64(seed: 29)
        for scale: Float in [1, 1e-3, 3e4] {
            rows.append(("gaussian x \(scale)", rng.gaussians(length).map { $0 * scale }))
        }
        rows.append(("zeros", [Float](repeating: 0, count: length)))
        rows.append(("negative zeros", [Float](repeating: -0.0, count: length)))
        // amax = 127 makes 127 / amax = 1 and max = -127 makes -127 / max = 1: every x.5 is a rounding tie.
        rows.append(("ties, positive max", (0..<length).map { i in i % 32 == 0 ? 127 : Float(i % 254 - 127) + 0.5 }))
        rows.append(("ties, negative max", (0..<length).map { i in i % 32 == 0 ? -127 : Float(i % 254 - 127) + 0.5 }))
        // Both signs of the largest magnitude in one block: the first one sets the sign of q8_K's scale.
        rows.append(("sign tie, negative first", (0..<length).map { i in [-3, 3][(i / 7) % 2] * Float(i % 5 == 0 ? 1 : 0.25) }))
        rows.append(("sign tie, positive first", (0..<length).map { i in [3, -3][(i / 7) % 2] * Float(i % 5 == 0 ? 1 : 0.25) }))
        rows.append(("one value per block", (0..<length).map { i in i % 37 == 5 ? Float(i) - 200 : 0 }))
        rows.append(("subnormals", rng.gaussians(length).map { $0 * 1e-41 }))
        rows.append(("near float max", rng.gaussians(length).map { $0 * 1e38 }))
        rows.append(("mixed magnitudes", (0..<length).map { i in Float(i % 9 - 4) * [1e-30, 1, 1e30][i % 3] }))
        var special = rng.gaussians(length)
        for (i, value) in [Float.nan, .infinity, -.infinity, .nan, -Float.nan].enumerated() { special[100 * i + 3] = value }
        rows.append(("nan and infinities", special))
        var lonelyNaN = [Float](repeating: 0, count: length)
        lonelyNaN[40] = .nan
        rows.append(("nan in a zero block", lonelyNaN))
        return rows
    }

    static func bytes(_ quantize: QuantizeRow, _ values: [Float], _ type: GGMLType) -> [UInt8] {
        var out = [UInt8](repeating: 0xA5, count: type.rowBytes(count: values.count)!)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBytes { quantize(source.baseAddress!, $0.baseAddress!, values.count) }
        }
        return out
    }

    @Test(arguments: quantizers)
    func matchesScalarBytesOnEdgeInputs(_ quantizer: Quantizer) {
        for (name, row) in Self.edgeRows() {
            let fast = Self.bytes(quantizer.portable, row, quantizer.type)
            let slow = Self.bytes(quantizer.scalar, row, quantizer.type)
            let firstDifference = zip(fast, slow).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "\(quantizer.name) '\(name)': first differing byte at \(firstDifference ?? -1)")
        }
    }

    @Test(arguments: quantizers)
    func matchesScalarBytesOnRandomRows(_ quantizer: Quantizer) {
        var rng = SplitMix64(seed: 31)
        for trial in 0..<50 {
            let blocks = 1 + Int(rng.next() % 6)
            let scale = Float(pow(10.0, Double(Int(rng.next() % 13)) - 6))
            let row = rng.gaussians(blocks * 256).map { $0 * scale }
            #expect(Self.bytes(quantizer.portable, row, quantizer.type) == Self.bytes(quantizer.scalar, row, quantizer.type),
                    "\(quantizer.name) trial \(trial): \(blocks) x 256 values at scale \(scale)")
        }
    }
}
