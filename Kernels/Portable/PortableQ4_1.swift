import QuantFormats

/// q4_1 x q8_1 with Swift SIMD types: q4_0's decoding and products (codes 0...15 as stored), and q4_1's minimum
/// added through q8_1's precomputed s = d_x * sum(q_x): per block, (d_w * d_x) * total + m_w * s, as ggml.
enum PortableQ4_1: MinimumCodesFormat {
    static let weightType = GGMLType.q4_1
    static let activation = PortableActivation.q8_1
    static let quantizeColumn = PortableQuantize.q8_1
    static var bytesPerBlock: Int { Q4_1.bytesPerBlock }
    static var scaleOffset: Int { Q4_1.scaleOffset }
    static var minimumOffset: Int { Q4_1.minimumOffset }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 { Codes32.nibbles(block, at: Q4_1.quantsOffset) }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
}
