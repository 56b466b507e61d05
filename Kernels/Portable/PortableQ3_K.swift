import QuantFormats

/// q2_K's and q3_K's 2-bit codes of one 16-value sub-block s (`Q2_K.packCrumbs`): in half s / 8, the bytes
/// 16(s % 2) ..< +16 of its 32, shifted by 2((s % 8) / 2); as byte pairs, masked to each byte's two bits.
@inline(__always)
func crumbPairs(_ quants: UnsafeRawPointer, subBlock s: Int) -> SIMD8<UInt16> {
    let bytes = quants.loadUnaligned(fromByteOffset: 32 &* (s / 8) &+ 16 &* (s % 2), as: SIMD8<UInt16>.self)
    return (bytes &>> SIMD8(repeating: UInt16(truncatingIfNeeded: 2 &* ((s % 8) / 2)))) & 0x0303
}

/// q3_K x q8_K with Swift SIMD types, in q6_K's shape: 16 sub-blocks of 16 in four quads. A sub-block's codes
/// 0...7 are its two low bits (`crumbPairs`) and its hmask bit, bit s / 2 of bytes 16(s % 2) ..< +16; the offset
/// of 4 comes off through laneA = 4 * sum(q_x), each quad's totals are scaled by its four signed 6-bit scales and
/// d * d_x is applied once per super-block.
enum PortableQ3_K: PortableSixteenScaleFormat {
    static let weightType = GGMLType.q3_K
    static let activation = PortableActivation.q8_K(unitElements: 16, sumScale: 4)
    static let quantizeColumn = PortableQuantize.q8_K
    static var bytesPerBlock: Int { Q3_K.bytesPerBlock }

    /// Sub-blocks 4q ... 4q + 3 of the super-block at `block`.
    struct Quad: QuadCodes {
        let block: UnsafeRawPointer, quad: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes16 {
            let s = 4 &* quad &+ unit
            let high = block.loadUnaligned(fromByteOffset: Q3_K.highBitsOffset &+ 16 &* (s % 2), as: SIMD8<UInt16>.self)
            let codes = crumbPairs(block + Q3_K.quantsOffset, subBlock: s)
                | (((high &>> SIMD8(repeating: UInt16(truncatingIfNeeded: s / 2))) & 0x0101) &<< 2)
            return Codes16(even: PortableLanes.signed(codes & 0x00FF), odd: PortableLanes.signed(codes &>> 8))
        }

        @inline(__always)
        static func dot(_ w: Codes16, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes16.dot(w, a) }
    }

    @inline(__always) static func quad(_ block: UnsafeRawPointer, _ quad: Int) -> Quad { Quad(block: block, quad: quad) }

    /// The quad's four signed 6-bit scales; the offset of 4 comes off through laneA.
    @inline(__always) static func scales(_ block: UnsafeRawPointer, quad: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>?) {
        let packed = block + Q3_K.scalesOffset, s = 4 * quad
        return (SIMD4<Float>(SIMD4<Int32>(Q3_K.scale(s, packed), Q3_K.scale(s + 1, packed), Q3_K.scale(s + 2, packed), Q3_K.scale(s + 3, packed))), nil)
    }

    @inline(__always) static func superBlockScales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        (PortableHalf.float(block, at: Q3_K.scaleOffset), 0)
    }
}
