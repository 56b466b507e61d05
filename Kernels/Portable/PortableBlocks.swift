import QuantFormats

/// A format of 32-value blocks (q4_0, q4_1, q5_0, q5_1, q8_0, iq4_nl), whose portable kernel is its unpacking: how a block's
/// codes decode into 16-bit lanes and how a quad's integer totals become floats. The loop over a row's quads of
/// blocks is `accumulateRow` below, one for all of them, specialised per format.
protocol PortableBlockFormat: PortableRowFormat {
    associatedtype Codes
    /// Per-quad floats read from the blocks once and shared by every column (scales, minimums).
    associatedtype Terms
    static var bytesPerBlock: Int { get }
    /// The codes of the block at `block`, in activation order.
    static func decode(_ block: UnsafeRawPointer) -> Codes
    /// Sum of code x activation over a block, in four 32-bit lanes.
    static func dot(_ codes: Codes, _ activations: UnsafeRawPointer) -> SIMD4<Int32>
    /// The terms of the quad's first `present` blocks (1...4) at `blocks`; lanes past `present` must scale to 0.
    static func terms(_ blocks: UnsafeRawPointer, present: Int) -> Terms
    /// One column's float contribution of a quad: its four blocks' totals with the terms and the column's lanes.
    static func contribution(_ totals: SIMD4<Int32>, _ terms: Terms, laneA: SIMD4<Float>, laneB: SIMD4<Float>) -> SIMD4<Float>
}

/// Four consecutive blocks of a row; units past `last` repeat it (their activations are zeros).
struct BlockQuad<F: PortableBlockFormat>: QuadCodes {
    let blocks: UnsafeRawPointer
    let last: Int

    @inline(__always)
    func decode(_ unit: Int) -> F.Codes { F.decode(blocks + Swift.min(unit, last) &* F.bytesPerBlock) }

    @inline(__always)
    static func dot(_ codes: F.Codes, _ activations: UnsafeRawPointer) -> SIMD4<Int32> { F.dot(codes, activations) }
}

extension PortableBlockFormat {
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

    /// Adds the contribution of the quad's `present` blocks to each column's lanes.
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ sums: inout PerColumn<SIMD4<Float>>, _ row: UnsafeRawPointer,
                                           _ activations: UnsafeRawPointer, _ layout: ActivationLayout,
                                           quad: Int, present: Int, _: C.Type) {
        let blocks = row + 4 &* quad &* bytesPerBlock
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: quad),
                                              BlockQuad<Self>(blocks: blocks, last: present - 1))
        let terms = terms(blocks, present: present)
        for c in 0..<C.count {
            sums[c] += contribution(totals[c], terms, laneA: layout.laneA(activations, column: c, quad: quad),
                                    laneB: layout.laneB(activations, column: c, quad: quad))
        }
    }

    /// The f16 scale d_w of the quad's `present` blocks, at `offset` in each.
    @inline(__always)
    static func blockScales(_ blocks: UnsafeRawPointer, offset: Int, present: Int) -> SIMD4<Float> {
        PortableHalf.gather(blocks, offset: offset, stride: bytesPerBlock, count: present)
    }
}

/// The symmetric formats whose codes are stored with an offset (q4_0: 8, q5_0: 16): d_w * d_x * (total - offset *
/// sum(q_x)), the offset term coming in through laneB = offset * sum(q_x).
protocol OffsetCodesFormat: PortableBlockFormat where Terms == SIMD4<Float> {}

extension OffsetCodesFormat {
    @inline(__always)
    static func terms(_ blocks: UnsafeRawPointer, present: Int) -> SIMD4<Float> {
        blockScales(blocks, offset: 0, present: present)
    }

    @inline(__always)
    static func contribution(_ totals: SIMD4<Int32>, _ scales: SIMD4<Float>, laneA: SIMD4<Float>, laneB: SIMD4<Float>) -> SIMD4<Float> {
        (scales * laneA) * (SIMD4<Float>(totals) - laneB)
    }
}

/// The formats with a stored minimum (q4_1, q5_1), dotted against q8_1: per block (d_w * d_x) * total + m_w * s,
/// s being q8_1's precomputed d_x * sum(q_x) (laneB), as ggml.
protocol MinimumCodesFormat: PortableBlockFormat where Terms == (scales: SIMD4<Float>, minimums: SIMD4<Float>) {
    static var scaleOffset: Int { get }
    static var minimumOffset: Int { get }
}

extension MinimumCodesFormat {
    @inline(__always)
    static func terms(_ blocks: UnsafeRawPointer, present: Int) -> (scales: SIMD4<Float>, minimums: SIMD4<Float>) {
        (blockScales(blocks, offset: scaleOffset, present: present), blockScales(blocks, offset: minimumOffset, present: present))
    }

    @inline(__always)
    static func contribution(_ totals: SIMD4<Int32>, _ terms: (scales: SIMD4<Float>, minimums: SIMD4<Float>),
                             laneA: SIMD4<Float>, laneB: SIMD4<Float>) -> SIMD4<Float> {
        (terms.scales * laneA) * SIMD4<Float>(totals) + terms.minimums * laneB
    }
}
