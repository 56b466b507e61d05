import QuantFormats

/// iq4_xs x q8_K with Swift SIMD types: eight sub-blocks of 32 in two quads, each sub-block's grid values looked
/// up as iq4_nl's (`Codes32.gridValues`, `dotWide`); each quad's totals are scaled by its four signed 6-bit scales
/// and d * d_x is applied once per super-block. No offset: laneA is unused.
enum PortableIQ4_XS: PortableRowFormat {
    static let weightType = GGMLType.iq4_xs
    static let activation = PortableActivation.q8_K(unitElements: 32, sumScale: 0)
    static let quantizeColumn = PortableQuantize.q8_K
    static var quadsPerBlock: Int { 2 }

    /// Sub-blocks 4q ... 4q + 3, whose 16 index bytes each start at `quants`.
    struct Quad: QuadCodes {
        let quants: UnsafeRawPointer

        @inline(__always)
        func decode(_ unit: Int) -> Codes32 { Codes32.gridValues(quants + 16 &* unit) }

        @inline(__always)
        static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dotWide(w, a) }
    }

    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        for superBlock in quads.lowerBound / quadsPerBlock..<quads.upperBound / quadsPerBlock {
            let block = row + superBlock &* IQ4_XS.bytesPerBlock
            let firstQuad = quadsPerBlock * superBlock
            var scaled = PerColumn(repeating: SIMD4<Float>())
            for quad in 0..<2 {
                let s = 4 * quad
                let scales = SIMD4<Float>(SIMD4<Int32>(IQ4_XS.scale(s, block), IQ4_XS.scale(s + 1, block),
                                                       IQ4_XS.scale(s + 2, block), IQ4_XS.scale(s + 3, block)))
                let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: firstQuad + quad),
                                                      Quad(quants: block + IQ4_XS.quantsOffset + 64 * quad))
                for c in 0..<C.count { scaled[c] += SIMD4<Float>(totals[c]) * scales }
            }
            let d = PortableHalf.float(block, at: IQ4_XS.scaleOffset)
            for c in 0..<C.count { sums[c] += scaled[c] * (d * layout.laneB(activations, column: c, quad: firstQuad)) }
        }
    }
}
