import Testing
import QuantFormats
import TestSupport

/// Properties every entry of the traits table must have; a new format is tested by adding it to the table.
@Suite struct FormatTraitsTests {
    /// ggml's block sizes, from `ggml-common.h` static asserts.
    static let ggmlBytesPerBlock: [GGMLType: Int] = [
        .q4_0: 18, .q4_1: 20, .q5_0: 22, .q5_1: 24, .q8_0: 34, .q2_K: 84, .q3_K: 110, .q4_K: 144, .q5_K: 176,
        .q6_K: 210, .iq4_nl: 18, .iq4_xs: 136, .q8_1: 36, .q8_K: 292,
        .f32: 4, .f16: 2, .bf16: 2,
    ]

    @Test(arguments: FormatTraits.all.map(\.name))
    func blockGeometryIsGGMLs(_ name: String) throws {
        let traits = try #require(GGMLType(name: name).flatMap(FormatTraits.of))
        #expect(traits.bytesPerBlock == Self.ggmlBytesPerBlock[traits.type], "\(name) bytes per block")
        #expect(GGMLType(rawValue: traits.type.rawValue) == traits.type)
    }

    @Test(arguments: FormatTraits.weightFormats.map(\.name))
    func weightFormatsHaveAnActivationPartnerWithTheSameBlocking(_ name: String) throws {
        let traits = try #require(GGMLType(name: name).flatMap(FormatTraits.of))
        let activation = try #require(traits.activationType.flatMap(FormatTraits.of), "\(name) activation format not implemented")
        #expect(traits.dot != nil)
        #expect(traits.blockSize == activation.blockSize || activation.blockSize == 1)
    }

    /// Quantize then dequantize Gaussian rows: the error stays under the format's stated tolerance.
    @Test(arguments: FormatTraits.all.map(\.name))
    func roundTripErrorIsWithinTolerance(_ name: String) throws {
        let traits = try #require(GGMLType(name: name).flatMap(FormatTraits.of))
        var rng = SplitMix64(seed: 42)
        let count = 4096
        let x = rng.gaussians(count)
        var bytes = [UInt8](repeating: 0, count: traits.type.rowBytes(count: count)!)
        var back = [Float](repeating: .nan, count: count)
        x.withUnsafeBufferPointer { xb in
            bytes.withUnsafeMutableBytes { traits.quantize(xb.baseAddress!, $0.baseAddress!, count) }
        }
        bytes.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, count) } }
        let measured = ErrorMetrics.nmse(back, x)
        #expect(measured <= traits.tolerance.roundTripNMSE, "\(name) round-trip NMSE \(measured) > \(traits.tolerance.roundTripNMSE)")
        // A tolerance far above what the format achieves would hide regressions.
        #expect(traits.type == .f32 || measured >= traits.tolerance.roundTripNMSE / 4,
                "\(name) tolerance \(traits.tolerance.roundTripNMSE) is loose: measured \(measured)")
    }

    /// Hostile values (NaN, infinities, huge magnitudes) must not trap in any quantizer.
    @Test(arguments: FormatTraits.all.map(\.name))
    func nonFiniteInputDoesNotTrap(_ name: String) throws {
        let traits = try #require(GGMLType(name: name).flatMap(FormatTraits.of))
        let n = 256
        for poison in [Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude] {
            var x = [Float](repeating: 1, count: n)
            x[3] = poison; x[200] = -poison
            var bytes = [UInt8](repeating: 0, count: traits.type.rowBytes(count: n)!)
            var back = [Float](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xb in
                bytes.withUnsafeMutableBytes {
                    traits.quantize(xb.baseAddress!, $0.baseAddress!, n)
                    traits.quantizeActivations(xb.baseAddress!, $0.baseAddress!, n)
                }
            }
            bytes.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, n) } }
        }
    }

    /// Arbitrary bytes, as a hostile file holds, through dequantize and through the dot on either side.
    @Test(arguments: FormatTraits.all.map(\.name))
    func arbitraryBytesDoNotTrap(_ name: String) throws {
        let traits = try #require(GGMLType(name: name).flatMap(FormatTraits.of))
        let n = 512
        var rng = SplitMix64(seed: 3)
        let activationBytes = traits.activationType.flatMap { $0.rowBytes(count: n) } ?? 0
        let garbage = (0..<max(traits.type.rowBytes(count: n)!, activationBytes + 7)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var back = [Float](repeating: 0, count: n)
        garbage.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, n) } }
        if let dot = traits.dot {
            _ = garbage.withUnsafeBytes { g in dot(g.baseAddress!, g.baseAddress! + 7, n) }
        }
    }

    @Test func typeNamesRoundTrip() {
        for type in GGMLType.allCases {
            #expect(GGMLType(name: type.name) == type)
            #expect(GGMLType(name: type.name.uppercased()) == type)
        }
        #expect(GGMLType(name: "q9_9") == nil)
    }

    @Test func halfAndBFloat16RoundToNearestEven() {
        #expect(Scalars.halfBits(1.0) == 0x3c00)
        #expect(Scalars.halfBits(65520) == 0x7c00)               // rounds up to infinity, as F16C does
        #expect(Scalars.halfBits(1 + 0x1p-11) == 0x3c00)         // a tie rounds to even
        #expect(Scalars.bfloat16Bits(1 + 0x1p-8) == 0x3f80)      // a tie rounds to even
        #expect(Scalars.bfloat16Bits(1 + 0x1.8p-8) == 0x3f81)
        #expect(Scalars.float(bfloat16Bits: Scalars.bfloat16Bits(.nan)).isNaN)
    }
}
