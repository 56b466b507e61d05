import QuantFormats

/// q2_K x q8_K with Swift SIMD types, in q6_K's shape: 16 sub-blocks of 16 in four quads, codes 0...3
/// (`crumbPairs`). Each quad's totals are scaled by its four 4-bit scales, the 4-bit minimums enter through q8_K's
/// sums (laneA = sum over the sub-block), and d, dmin and d_x are applied once per super-block, as q4_K's.
enum PortableQ2_K: PortableSixteenScaleFormat {
    static let weightType = GGMLType.q2_K
    static let activation = PortableActivation.q8_K(unitElements: 16, sumScale: 1)
    static let quantizeColumn = PortableQuantize.q8_K
    static var bytesPerBlock: Int { Q2_K.bytesPerBlock }

    /// Sub-blocks 4q ... 4q + 3 of the super-block whose codes are at `quants`.
    struct Quad: QuadCodes {
        let quants: UnsafeRawPointer, quad: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes16 {
            let codes = crumbPairs(quants, subBlock: 4 &* quad &+ unit)
            return Codes16(even: PortableLanes.signed(codes & 0x00FF), odd: PortableLanes.signed(codes &>> 8))
        }

        @inline(__always)
        static func dot(_ w: Codes16, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes16.dot(w, a) }
    }

    @inline(__always) static func quad(_ block: UnsafeRawPointer, _ quad: Int) -> Quad {
        Quad(quants: block + Q2_K.quantsOffset, quad: quad)
    }

    /// Each scales byte holds a sub-block's scale in its low nibble and its minimum in its high nibble.
    @inline(__always) static func scales(_ block: UnsafeRawPointer, quad: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>?) {
        let four = SIMD4<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: Q2_K.scalesOffset + 4 * quad, as: SIMD4<UInt8>.self))
        return (SIMD4<Float>(four & 0x0f), SIMD4<Float>(four &>> 4))
    }

    @inline(__always) static func superBlockScales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        let d = PortableHalf.gather(block, offset: Q2_K.scaleOffset, stride: Q2_K.minimumOffset - Q2_K.scaleOffset, count: 2)
        return (d[0], d[1])
    }
}
