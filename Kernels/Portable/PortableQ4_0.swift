import QuantFormats

/// q4_0 x q8_0 with Swift SIMD types.
///
/// A block's 16 code bytes, loaded as eight 16-bit lanes, give four vectors of codes 0...15 with a shift and a mask
/// each: elements (0, 2, ..., 14), (1, 3, ..., 15), (16, ..., 30), (17, ..., 31), the order the widened activations
/// are stored in. The codes are used unsigned and the offset of 8 is subtracted once per block through the
/// activation sum (laneB = 8 * sum(q)): the four 16-bit products per lane stay within 4 * 15 * 128 < 2^15.
/// Blocks go four at a time (a quad): their integer totals land in the four lanes of one vector, scaled by the four
/// blocks' d_w * d_x, whose f16 weight scales are converted together.
enum PortableQ4_0: OffsetCodesFormat {
    static let weightType = GGMLType.q4_0
    static let activation = PortableActivation.q8_0(sumScale: 8)
    static let quantizeColumn = PortableQuantize.q8_0
    static var bytesPerBlock: Int { Q4_0.bytesPerBlock }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 { Codes32.nibbles(block, at: Q4_0.quantsOffset) }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
}
