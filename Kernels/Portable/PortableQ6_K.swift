import QuantFormats

/// q6_K x q8_K with Swift SIMD types.
///
/// The units are the 16 sub-blocks of 16 of a super-block, four quads. Sub-block s = 8h + 2r + j (half h,
/// quarter r, sixteenth j) has its low four bits in the low (r < 2) or high nibbles of ql bytes 64h + 32(r % 2) +
/// 16j ..< +16 and its top two bits at bit 2r of qh bytes 32h + 16j ..< +16; one mask-and-merge on byte pairs gives
/// the 6-bit codes of 16 values, split into even and odd lanes. Codes 0...63 are used unsigned and the offset of 32
/// comes off through laneA = 32 * sum(q_x); two 16-bit products per lane are exact. Each quad's totals are scaled by
/// the four int8 sub-block scales (the float products stay exact), and d * d_x is applied once per super-block.
enum PortableQ6_K: PortableSixteenScaleFormat {
    static let weightType = GGMLType.q6_K
    static let activation = PortableActivation.q8_K(unitElements: 16, sumScale: 32)
    static let quantizeColumn = PortableQuantize.q8_K

    /// One quad of sub-blocks: quad q covers half q / 2 and quarters 2(q % 2), 2(q % 2) + 1; `upper` is q % 2,
    /// which selects the high nibbles of ql and bits 4-7 of qh.
    struct Quad: QuadCodes {
        let lowBits: UnsafeRawPointer
        let highBits: UnsafeRawPointer
        let upper: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes16 {
            let quarterInHalf = unit / 2, sixteenth = unit % 2
            let low = lowBits.loadUnaligned(fromByteOffset: 32 * quarterInHalf + 16 * sixteenth, as: SIMD8<UInt16>.self)
                &>> SIMD8(repeating: UInt16(truncatingIfNeeded: 4 * upper))
            let high = highBits.loadUnaligned(fromByteOffset: 16 * sixteenth, as: SIMD8<UInt16>.self)
                &>> SIMD8(repeating: UInt16(truncatingIfNeeded: 4 * upper + 2 * quarterInHalf))
            let codes = (low & 0x0F0F) | ((high & 0x0303) &<< 4)
            return Codes16(even: PortableLanes.signed(codes & 0x00FF), odd: PortableLanes.signed(codes &>> 8))
        }

        @inline(__always)
        static func dot(_ w: Codes16, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes16.dot(w, a) }
    }

    static var bytesPerBlock: Int { Q6_K.bytesPerBlock }

    /// Quad q covers half q / 2; q % 2 selects the high nibbles of ql and bits 4-7 of qh.
    @inline(__always) static func quad(_ block: UnsafeRawPointer, _ quad: Int) -> Quad {
        Quad(lowBits: block + Q6_K.lowBitsOffset + 64 * (quad / 2), highBits: block + Q6_K.highBitsOffset + 32 * (quad / 2), upper: quad % 2)
    }

    /// The four int8 sub-block scales of the quad; the offset of 32 comes off through laneA.
    @inline(__always) static func scales(_ block: UnsafeRawPointer, quad: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>?) {
        let s = block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset + 4 * quad, as: SIMD4<Int8>.self)
        return (SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: s)), nil)
    }

    @inline(__always) static func superBlockScales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        (PortableHalf.float(block, at: Q6_K.scaleOffset), 0)
    }
}
