import QuantFormats

/// q6_K x q8_K with Swift SIMD types.
///
/// The units are the 16 sub-blocks of 16 of a super-block, four quads. Sub-block s = 8h + 2r + j (half h,
/// quarter r, sixteenth j) has its low four bits in the low (r < 2) or high nibbles of ql bytes 64h + 32(r % 2) +
/// 16j ..< +16 and its top two bits at bit 2r of qh bytes 32h + 16j ..< +16; one mask-and-merge on byte pairs gives
/// the 6-bit codes of 16 values, split into even and odd lanes. Codes 0...63 are used unsigned and the offset of 32
/// comes off through laneA = 32 * sum(q_x); two 16-bit products per lane are exact. Each quad's totals are scaled by
/// the four int8 sub-block scales (the float products stay exact), and d * d_x is applied once per super-block.
enum PortableQ6_K: PortableRowFormat {
    static let weightType = GGMLType.q6_K
    static let activation = PortableActivation.q8_K(unitElements: 16, sumScale: 32)
    static let quantizeColumn = PortableQuantize.q8_K

    /// One quad of sub-blocks: quad q covers half q / 2 and quarters 2(q % 2), 2(q % 2) + 1; `upper` is q % 2,
    /// which selects the high nibbles of ql and bits 4-7 of qh.
    struct Quad: QuadCodes {
        let lowBits: UnsafeRawPointer
        let highBits: UnsafeRawPointer
        let upper: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes16 {
            let quarterInHalf = unit / 2, sixteenth = unit % 2
            let low = lowBits.loadUnaligned(fromByteOffset: 32 * quarterInHalf + 16 * sixteenth, as: SIMD8<UInt16>.self)
                &>> SIMD8(repeating: UInt16(truncatingIfNeeded: 4 * upper))
            let high = highBits.loadUnaligned(fromByteOffset: 16 * sixteenth, as: SIMD8<UInt16>.self)
                &>> SIMD8(repeating: UInt16(truncatingIfNeeded: 4 * upper + 2 * quarterInHalf))
            let codes = (low & 0x0F0F) | ((high & 0x0303) &<< 4)
            return Codes16(even: PortableLanes.signed(codes & 0x00FF), odd: PortableLanes.signed(codes &>> 8))
        }

        @inline(__always)
        static func dot(_ w: Codes16, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes16.dot(w, a) }
    }

    /// The 16 int8 sub-block scales as floats, four per quad.
    @inline(__always)
    static func scales(_ block: UnsafeRawPointer) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let s = block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset, as: SIMD16<Int8>.self)
        @inline(__always) func four(_ i: Int) -> SIMD4<Float> {
            SIMD4<Float>(SIMD4<Int32>(Int32(s[i]), Int32(s[i + 1]), Int32(s[i + 2]), Int32(s[i + 3])))
        }
        return (four(0), four(4), four(8), four(12))
    }

    static var quadsPerBlock: Int { 4 }

    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        for superBlock in quads.lowerBound / quadsPerBlock..<quads.upperBound / quadsPerBlock {
            let block = row + superBlock &* Q6_K.bytesPerBlock
            let firstQuad = quadsPerBlock * superBlock
            let (scales0, scales1, scales2, scales3) = scales(block)
            var scaled = PerColumn(repeating: SIMD4<Float>())
            accumulate(&scaled, block, activations, layout, firstQuad: firstQuad, quad: 0, scales0, C.self)
            accumulate(&scaled, block, activations, layout, firstQuad: firstQuad, quad: 1, scales1, C.self)
            accumulate(&scaled, block, activations, layout, firstQuad: firstQuad, quad: 2, scales2, C.self)
            accumulate(&scaled, block, activations, layout, firstQuad: firstQuad, quad: 3, scales3, C.self)
            let d = PortableHalf.float(block, at: Q6_K.scaleOffset)
            for c in 0..<C.count {
                sums[c] += scaled[c] * (d * layout.laneB(activations, column: c, quad: firstQuad))
            }
        }
    }

    /// Adds scale * (total - 32 * sum(q_x)) for the four sub-blocks of quad `quad` (0...3) of a super-block.
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ scaled: inout PerColumn<SIMD4<Float>>, _ block: UnsafeRawPointer,
                                           _ activations: UnsafeRawPointer, _ layout: ActivationLayout,
                                           firstQuad: Int, quad: Int, _ subBlockScales: SIMD4<Float>, _: C.Type) {
        let half = quad / 2
        let weights = Quad(lowBits: block + Q6_K.lowBitsOffset + 64 * half, highBits: block + Q6_K.highBitsOffset + 32 * half,
                           upper: quad % 2)
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: firstQuad + quad), weights)
        for c in 0..<C.count {
            let offset = layout.laneA(activations, column: c, quad: firstQuad + quad)
            scaled[c] += (SIMD4<Float>(totals[c]) - offset) * subBlockScales
        }
    }
}
