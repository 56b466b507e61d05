import QuantFormats

/// q8_0 x q8_0 with Swift SIMD types.
///
/// A block's 32 int8 weights, loaded as two vectors of eight byte pairs, are sign-extended into even and odd
/// 16-bit lanes with two shifts (the activation order). A product of two int8 values fits in 16 bits, and a sum of
/// two lies in [-32512, 32768]: one past Int16.max. Adding 32512 (wrapping) maps that range onto [0, 65280], which
/// fits 16 bits unsigned, so pairs of products are summed in 16 bits, biased, and widened with a zero extension;
/// the bias (16 * 32512 per block) comes off in float, where the total is still an exact integer. That halves the
/// widening work of widening every product vector.
/// Blocks go four at a time, their totals scaled by the four blocks' d_w * d_x.
enum PortableQ8_0: PortableRowFormat {
    static let weightType = GGMLType.q8_0
    static let activation = PortableActivation.q8_0(sumScale: 0)
    static let quantizeColumn = PortableQuantize.q8_0
    static let scaleOffset = 0
    static let codesOffset = 2
    /// Added to every 16-bit sum of two products to make it non-negative; 16 such sums make up a block.
    static var pairBias: Int16 { 32512 }
    static var blockBias: Float { Float(16 * Int(pairBias)) }

    /// Four consecutive blocks of a row; units past `last` repeat it (their activations are zeros).
    struct Quad: QuadCodes {
        let blocks: UnsafeRawPointer
        let last: Int

        /// The 32 weights of a block, in activation order.
        struct Codes {
            var evenLow, oddLow, evenHigh, oddHigh: SIMD8<Int16>
        }

        @inline(__always)
        func decode(_ unit: Int) -> Codes {
            let block = blocks + Swift.min(unit, last) &* Q8_0.bytesPerBlock
            let low = block.loadUnaligned(fromByteOffset: codesOffset, as: SIMD8<Int16>.self)
            let high = block.loadUnaligned(fromByteOffset: codesOffset + 16, as: SIMD8<Int16>.self)
            return Codes(evenLow: PortableLanes.evenBytes(low), oddLow: PortableLanes.oddBytes(low),
                         evenHigh: PortableLanes.evenBytes(high), oddHigh: PortableLanes.oddBytes(high))
        }

        /// Sum of weight x activation over a block plus `blockBias`, in four 32-bit lanes.
        @inline(__always)
        static func dot(_ w: Codes, _ a: UnsafeRawPointer) -> SIMD4<Int32> {
            let bias = SIMD8<Int16>(repeating: pairBias)
            let low = w.evenLow &* a.load(as: SIMD8<Int16>.self) &+ w.oddLow &* a.load(fromByteOffset: 16, as: SIMD8<Int16>.self)
            let high = w.evenHigh &* a.load(fromByteOffset: 32, as: SIMD8<Int16>.self)
                &+ w.oddHigh &* a.load(fromByteOffset: 48, as: SIMD8<Int16>.self)
            return PortableLanes.widenUnsignedPairs(low &+ bias) &+ PortableLanes.widenUnsignedPairs(high &+ bias)
        }
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

    /// Adds d_w * d_x * total of the quad's `present` blocks to each column's lanes (the biased totals of absent
    /// blocks meet a zero scale).
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ sums: inout PerColumn<SIMD4<Float>>, _ row: UnsafeRawPointer,
                                           _ activations: UnsafeRawPointer, _ layout: ActivationLayout,
                                           quad: Int, present: Int, _: C.Type) {
        let blocks = row + 4 &* quad &* Q8_0.bytesPerBlock
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: quad),
                                              Quad(blocks: blocks, last: present - 1))
        let scales = PortableHalf.gather(blocks, offset: scaleOffset, stride: Q8_0.bytesPerBlock, count: present)
        for c in 0..<C.count {
            let total = SIMD4<Float>(totals[c]) - SIMD4<Float>(repeating: blockBias)
            sums[c] += (scales * layout.laneA(activations, column: c, quad: quad)) * total
        }
    }
}
