import QuantFormats

/// q5_1 x q8_1 with Swift SIMD types: q5_0's five-bit decoding (codes 0...31 as stored) and q4_1's minimum, added
/// through q8_1's precomputed s = d_x * sum(q_x).
enum PortableQ5_1: MinimumCodesFormat {
    static let weightType = GGMLType.q5_1
    static let activation = PortableActivation.q8_1
    static let quantizeColumn = PortableQuantize.q8_1
    static var bytesPerBlock: Int { Q5_1.bytesPerBlock }
    static var scaleOffset: Int { Q5_1.scaleOffset }
    static var minimumOffset: Int { Q5_1.minimumOffset }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 {
        PortableQ5_0.fiveBitCodes(block, highBitsOffset: Q5_1.highBitsOffset, quantsOffset: Q5_1.quantsOffset)
    }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
}
