import QuantFormats

/// q2_K x q8_K with Swift SIMD types, in q6_K's shape: 16 sub-blocks of 16 in four quads, codes 0...3
/// (`crumbPairs`). Each quad's totals are scaled by its four 4-bit scales, the 4-bit minimums enter through q8_K's
/// sums (laneA = sum over the sub-block), and d, dmin and d_x are applied once per super-block, as q4_K's.
enum PortableQ2_K: PortableRowFormat {
    static let weightType = GGMLType.q2_K
    static let activation = PortableActivation.q8_K(unitElements: 16, sumScale: 1)
    static let quantizeColumn = PortableQuantize.q8_K
    static var quadsPerBlock: Int { 4 }

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

    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        for superBlock in quads.lowerBound / quadsPerBlock..<quads.upperBound / quadsPerBlock {
            let block = row + superBlock &* Q2_K.bytesPerBlock
            let firstQuad = quadsPerBlock * superBlock
            let packed = block.loadUnaligned(fromByteOffset: Q2_K.scalesOffset, as: SIMD16<UInt8>.self)
            var scaled = PerColumn(repeating: SIMD4<Float>()), offsets = PerColumn(repeating: SIMD4<Float>())
            for quad in 0..<4 {
                let four = SIMD4<Int32>(Int32(packed[4 * quad]), Int32(packed[4 * quad + 1]), Int32(packed[4 * quad + 2]), Int32(packed[4 * quad + 3]))
                let scales = SIMD4<Float>(four & 0x0f), minimums = SIMD4<Float>(four &>> 4)
                let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: firstQuad + quad),
                                                      Quad(quants: block + Q2_K.quantsOffset, quad: quad))
                for c in 0..<C.count {
                    scaled[c] += SIMD4<Float>(totals[c]) * scales
                    offsets[c] += layout.laneA(activations, column: c, quad: firstQuad + quad) * minimums
                }
            }
            let d = PortableHalf.gather(block, offset: Q2_K.scaleOffset, stride: Q2_K.minimumOffset - Q2_K.scaleOffset, count: 2)
            for c in 0..<C.count {
                sums[c] += (scaled[c] * d[0] - offsets[c] * d[1]) * layout.laneB(activations, column: c, quad: firstQuad)
            }
        }
    }
}
