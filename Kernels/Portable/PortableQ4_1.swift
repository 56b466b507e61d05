import QuantFormats

/// q4_1 x q8_1 with Swift SIMD types: q4_0's decoding and products (codes 0...15 as stored), and q4_1's minimum
/// added through q8_1's precomputed s = d_x * sum(q_x): per block, (d_w * d_x) * total + m_w * s, as ggml.
enum PortableQ4_1: PortableRowFormat {
    static let weightType = GGMLType.q4_1
    static let activation = PortableActivation.q8_1
    static let quantizeColumn = PortableQuantize.q8_1
    static let scaleOffset = 0
    static let minimumOffset = 2
    static let codesOffset = 4

    /// Four consecutive blocks of a row; units past `last` repeat it (their activations are zeros).
    struct Quad: QuadCodes {
        let blocks: UnsafeRawPointer
        let last: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes32 {
            let block = blocks + Swift.min(unit, last) &* Q4_1.bytesPerBlock
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

    /// Adds (d_w * d_x) * total + m_w * s_x of the quad's `present` blocks to each column's lanes.
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ sums: inout PerColumn<SIMD4<Float>>, _ row: UnsafeRawPointer,
                                           _ activations: UnsafeRawPointer, _ layout: ActivationLayout,
                                           quad: Int, present: Int, _: C.Type) {
        let blocks = row + 4 &* quad &* Q4_1.bytesPerBlock
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: quad),
                                              Quad(blocks: blocks, last: present - 1))
        let scales = PortableHalf.gather(blocks, offset: scaleOffset, stride: Q4_1.bytesPerBlock, count: present)
        let minimums = PortableHalf.gather(blocks, offset: minimumOffset, stride: Q4_1.bytesPerBlock, count: present)
        for c in 0..<C.count {
            let d = scales * layout.laneA(activations, column: c, quad: quad)
            sums[c] += d * SIMD4<Float>(totals[c]) + minimums * layout.laneB(activations, column: c, quad: quad)
        }
    }
}
