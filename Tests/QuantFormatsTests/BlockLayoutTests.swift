import Testing
import QuantFormats
import TestSupport

/// Every block layout against ggml's `block_*` structs (ggml-common.h), as its `static_assert`s check them: members
/// in order, no padding, the block's size and values, and GGMLType's geometry.
@Suite struct BlockLayoutTests {
    /// ggml's members, (name, bytes) in declaration order.
    static let ggmlMembers: [GGMLType: [(String, Int)]] = [
        .q4_0: [("d", 2), ("qs", 16)],
        .q4_1: [("d", 2), ("m", 2), ("qs", 16)],
        .q5_0: [("d", 2), ("qh", 4), ("qs", 16)],
        .q5_1: [("d", 2), ("m", 2), ("qh", 4), ("qs", 16)],
        .q8_0: [("d", 2), ("qs", 32)],
        .q8_1: [("d", 2), ("s", 2), ("qs", 32)],
        .q2_K: [("scales", 16), ("qs", 64), ("d", 2), ("dmin", 2)],
        .q3_K: [("hmask", 32), ("qs", 64), ("scales", 12), ("d", 2)],
        .q4_K: [("d", 2), ("dmin", 2), ("scales", 12), ("qs", 128)],
        .q5_K: [("d", 2), ("dmin", 2), ("scales", 12), ("qh", 32), ("qs", 128)],
        .q6_K: [("ql", 128), ("qh", 64), ("scales", 16), ("d", 2)],
        .q8_K: [("d", 4), ("qs", 256), ("bsums", 32)],
        .iq4_nl: [("d", 2), ("qs", 16)],
        .iq4_xs: [("d", 2), ("scales_h", 2), ("scales_l", 4), ("qs", 128)],
    ]
    /// Bits per weight as llama.cpp reports them.
    static let ggmlBitsPerWeight: [GGMLType: Double] = [
        .q4_0: 4.5, .q4_1: 5, .q5_0: 5.5, .q5_1: 6, .q8_0: 8.5, .q8_1: 9, .q2_K: 2.625, .q3_K: 3.4375, .q4_K: 4.5,
        .q5_K: 5.5, .q6_K: 6.5625, .q8_K: 9.125, .iq4_nl: 4.5, .iq4_xs: 4.25,
    ]

    @Test(arguments: blockLayouts.map { $0.type.name })
    func layoutIsGGMLs(_ name: String) throws {
        let layout = try #require(blockLayouts.first { $0.type.name == name })
        let members = try #require(Self.ggmlMembers[layout.type], "\(name) has no ggml struct in this test")
        #expect(layout.fields.map(\.name) == members.map(\.0))
        #expect(layout.fields.map(\.bytes) == members.map(\.1))
        var end = 0
        for field in layout.fields {
            #expect(field.offset == end, "\(name).\(field.name) at \(field.offset), expected \(end) (no padding)")
            end = field.offset + field.bytes
        }
        #expect(end == layout.bytesPerBlock)
                #expect(layout.bitsPerWeight == Self.ggmlBitsPerWeight[layout.type])
    }

    /// One list: every block format in the traits table has a layout, and only those.
    @Test func everyBlockFormatHasALayout() {
        let blockFormats = FormatTraits.all.map(\.type).filter { $0.blockSize > 1 }
        #expect(blockLayouts.map { $0.type } == blockFormats)
    }

    /// The word-at-a-time unpackings of q4_K's packed scales agree with ggml's `get_scale_min_k4` byte by byte.
    @Test func packedScaleUnpackingsAgree() {
        var state: UInt64 = 12   // a 64-bit LCG (Knuth's MMIX constants): seeded, so a failure reproduces
        func byte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var packings: [[UInt8]] = [Array(repeating: 0, count: 12), Array(repeating: 0xff, count: 12)]
        for _ in 0..<2000 { packings.append((0..<12).map { _ in byte() }) }
        for bytes in packings {
            bytes.withUnsafeBytes { packed in
                let (scales, minimums) = Q4_K.unpackScalesAndMinimums(packed.baseAddress!)
                let (low, high) = Q4_K.unpackScalesAndMinimumsByHalves(packed.baseAddress!)
                for s in 0..<8 {
                    let (scale, min) = Q4_K.scaleAndMin(s, packed.baseAddress!)
                    #expect(UInt8(truncatingIfNeeded: scales >> (8 * s)) == scale)
                    #expect(UInt8(truncatingIfNeeded: minimums >> (8 * s)) == min)
                    let half = s < 4 ? low : high, lane = s % 4
                    #expect(UInt8(truncatingIfNeeded: half >> (8 * lane)) == scale)
                    #expect(UInt8(truncatingIfNeeded: half >> (32 + 8 * lane)) == min)
                }
            }
        }
    }
}
