import QuantFormats

/// A K-quant of sixteen 16-value sub-blocks per super-block, each with its own scale (q2_K, q3_K, q6_K), in four quads
/// of four: what a format says about one super-block; `accumulateRow` is shared.
protocol PortableSixteenScaleFormat: PortableRowFormat {
    associatedtype Quad: QuadCodes
    static var bytesPerBlock: Int { get }
    /// The codes of sub-blocks 4 quad ... 4 quad + 3.
    static func quad(_ block: UnsafeRawPointer, _ quad: Int) -> Quad
    /// Their four scales, and their four minimums where the format has them (nil: the code offset comes off instead,
    /// through laneA).
    static func scales(_ block: UnsafeRawPointer, quad: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>?)
    /// d, and dmin for a format with minimums.
    static func superBlockScales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float)
}

extension PortableSixteenScaleFormat {
    static var quadsPerBlock: Int { 4 }

    /// Per quad, the totals times the sub-block scales (less laneA, the code offset, where there are no minimums)
    /// and laneA times the minimums; per super-block, d * scaled - dmin * minimum terms, times d_x.
    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        for superBlock in quads.lowerBound / quadsPerBlock..<quads.upperBound / quadsPerBlock {
            let block = row + superBlock &* bytesPerBlock
            let firstQuad = quadsPerBlock * superBlock
            var scaled = PerColumn(repeating: SIMD4<Float>()), minimumTerms = PerColumn(repeating: SIMD4<Float>())
            for q in 0..<4 {
                let (subBlockScales, minimums) = scales(block, quad: q)
                let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: firstQuad + q), quad(block, q))
                for c in 0..<C.count {
                    let laneA = layout.laneA(activations, column: c, quad: firstQuad + q)
                    if let minimums {
                        scaled[c] += SIMD4<Float>(totals[c]) * subBlockScales
                        minimumTerms[c] += laneA * minimums
                    } else {
                        scaled[c] += (SIMD4<Float>(totals[c]) - laneA) * subBlockScales
                    }
                }
            }
            let (d, dmin) = superBlockScales(block)
            for c in 0..<C.count {
                sums[c] += (scaled[c] * d - minimumTerms[c] * dmin) * layout.laneB(activations, column: c, quad: firstQuad)
            }
        }
    }
}
