import QuantFormats

/// q4_0 x q8_0 with Swift SIMD types.
///
/// A block's 16 code bytes, loaded as eight 16-bit lanes, give four vectors of codes 0...15 with a shift and a mask
/// each: elements (0, 2, ..., 14), (1, 3, ..., 15), (16, ..., 30), (17, ..., 31), the order the widened activations
/// are stored in. The codes are used unsigned and the offset of 8 is subtracted once per block through the
/// activation sum (laneB = 8 * sum(q)): the four 16-bit products per lane stay within 4 * 15 * 128 < 2^15.
/// Blocks go four at a time (a quad): their integer totals land in the four lanes of one vector, scaled by the four
/// blocks' d_w * d_x, whose f16 weight scales are converted together.
enum PortableQ4_0: PortableRowFormat {
    static let weightType = GGMLType.q4_0
    static let activation = PortableActivation.q8_0(sumScale: 8)
    static let quantizeColumn = PortableQuantize.q8_0
    static let scaleOffset = 0
    static let codesOffset = 2

    /// Four consecutive blocks of a row; units past `last` repeat it (their activations are zeros).
    struct Quad: QuadCodes {
        let blocks: UnsafeRawPointer
        let last: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes32 {
            let block = blocks + Swift.min(unit, last) &* Q4_0.bytesPerBlock
            let pairs = block.loadUnaligned(fromByteOffset: codesOffset, as: SIMD8<UInt16>.self)
            return Codes32.lowNibbles(first: pairs, second: pairs &>> 4)
        }

        @inline(__always)
        static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
    }

    static var quadsPerBlock: Int { 1 }

    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        let full = layout.units / 4
        for quad in quads.lowerBound..<Swift.min(quads.upperBound, full) {
            accumulate(&sums, row, activations, layout, quad: quad, present: 4, C.self)
        }
        if quads.upperBound > full {
            accumulate(&sums, row, activations, layout, quad: full, present: layout.units % 4, C.self)
        }
    }

    /// Adds d_w * d_x * (total - 8 * sum(q_x)) of the quad's `present` blocks to each column's lanes.
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ sums: inout PerColumn<SIMD4<Float>>, _ row: UnsafeRawPointer,
                                           _ activations: UnsafeRawPointer, _ layout: ActivationLayout,
                                           quad: Int, present: Int, _: C.Type) {
        let blocks = row + 4 &* quad &* Q4_0.bytesPerBlock
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: quad),
                                              Quad(blocks: blocks, last: present - 1))
        let scales = PortableHalf.gather(blocks, offset: scaleOffset, stride: Q4_0.bytesPerBlock, count: present)
        for c in 0..<C.count {
            let d = scales * layout.laneA(activations, column: c, quad: quad)
            sums[c] += d * (SIMD4<Float>(totals[c]) - layout.laneB(activations, column: c, quad: quad))
        }
    }
}
