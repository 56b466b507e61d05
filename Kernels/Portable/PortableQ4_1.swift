import QuantFormats

/// q4_1 x q8_1 with Swift SIMD types: q4_0's decoding and products (codes 0...15 as stored), and q4_1's minimum
/// added through q8_1's precomputed s = d_x * sum(q_x): per block, (d_w * d_x) * total + m_w * s, as ggml.
enum PortableQ4_1: PortableBlockFormat {
    static let weightType = GGMLType.q4_1
    static let activation = PortableActivation.q8_1
    static let quantizeColumn = PortableQuantize.q8_1
    static var bytesPerBlock: Int { Q4_1.bytesPerBlock }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 { Codes32.nibbles(block, at: Q4_1.quantsOffset) }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }

    @inline(__always)
    static func terms(_ blocks: UnsafeRawPointer, present: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>) {
        (blockScales(blocks, offset: Q4_1.scaleOffset, present: present), blockScales(blocks, offset: Q4_1.minimumOffset, present: present))
    }

    @inline(__always)
    static func contribution(_ totals: SIMD4<Int32>, _ terms: (scales: SIMD4<Float>, minimums: SIMD4<Float>),
                             laneA: SIMD4<Float>, laneB: SIMD4<Float>) -> SIMD4<Float> {
        (terms.scales * laneA) * SIMD4<Float>(totals) + terms.minimums * laneB
    }
}
