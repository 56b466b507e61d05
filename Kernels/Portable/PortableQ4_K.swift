import QuantFormats

/// The K-quants with a minimum and q4_K's 12-byte scales (q4_K, q5_K), with Swift SIMD types.
///
/// The units are the eight sub-blocks of 32 of a super-block, two quads of four. Each quad's integer totals are
/// scaled by the four sub-block scales (integers up to 63, so the float products are exact), the minimums enter
/// through q8_K's sums (laneA = sum over the sub-block), and d, dmin and d_x are applied once per super-block. A
/// format is its decoding: the quad of sub-blocks 4h ... 4h + 3.
protocol ScaleMinimumSuperBlockFormat: PortableRowFormat {
    associatedtype Quad: QuadCodes
    static var bytesPerBlock: Int { get }
    /// Half `half` (0 or 1) of the super-block at `block`: sub-blocks 4 half ... 4 half + 3.
    static func quad(_ block: UnsafeRawPointer, half: Int) -> Quad
}

extension ScaleMinimumSuperBlockFormat {
    static var activation: PortableActivation { .q8_K(unitElements: 32, sumScale: 1) }
    static var quantizeColumn: QuantizeRow { PortableQuantize.q8_K }
    static var quadsPerBlock: Int { 2 }

    /// The eight 6-bit scales and minimums of a super-block as floats: `Q4_K.unpackScalesAndMinimums`, then the
    /// 16 bytes zero-extended and converted in one vector.
    @inline(__always)
    static func scalesAndMinimums(_ packed: UnsafeRawPointer) -> (scales: SIMD8<Float>, minimums: SIMD8<Float>) {
        let (scales, minimums) = Q4_K.unpackScalesAndMinimums(packed)
        let bytes = unsafeBitCast(SIMD2<UInt64>(scales.littleEndian, minimums.littleEndian), to: SIMD16<UInt8>.self)
        @inline(__always) func four(_ i: Int) -> SIMD4<Float> {
            SIMD4<Float>(SIMD4<Int32>(Int32(bytes[i]), Int32(bytes[i + 1]), Int32(bytes[i + 2]), Int32(bytes[i + 3])))
        }
        return (SIMD8(lowHalf: four(0), highHalf: four(4)), SIMD8(lowHalf: four(8), highHalf: four(12)))
    }

    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _: C.Type) {
        for superBlock in quads.lowerBound / quadsPerBlock..<quads.upperBound / quadsPerBlock {
            let block = row + superBlock &* bytesPerBlock
            let (scales, minimums) = scalesAndMinimums(block + Q4_K.scalesOffset)
            let firstQuad = quadsPerBlock * superBlock
            var scaled = PerColumn(repeating: SIMD4<Float>()), offsets = PerColumn(repeating: SIMD4<Float>())
            accumulate(&scaled, &offsets, block, activations, layout, quad: firstQuad, half: 0,
                       scales.lowHalf, minimums.lowHalf, C.self)
            accumulate(&scaled, &offsets, block, activations, layout, quad: firstQuad + 1, half: 1,
                       scales.highHalf, minimums.highHalf, C.self)
            let d = PortableHalf.gather(block, offset: Q4_K.scaleOffset, stride: Q4_K.minimumOffset - Q4_K.scaleOffset, count: 2)
            for c in 0..<C.count {
                let dx = layout.laneB(activations, column: c, quad: firstQuad)
                sums[c] += (scaled[c] * d[0] - offsets[c] * d[1]) * dx
            }
        }
    }

    /// Adds scale * total (to `scaled`) and minimum * sum(q_x) (to `offsets`) for the four sub-blocks of half
    /// `half` of a super-block.
    @inline(__always)
    static func accumulate<C: ColumnBatch>(_ scaled: inout PerColumn<SIMD4<Float>>, _ offsets: inout PerColumn<SIMD4<Float>>,
                                           _ block: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                           _ layout: ActivationLayout, quad: Int, half: Int,
                                           _ scales: SIMD4<Float>, _ minimums: SIMD4<Float>, _: C.Type) {
        let totals = PortableLanes.quadTotals(C.self, layout.quadActivations(activations, quad: quad), Self.quad(block, half: half))
        for c in 0..<C.count {
            scaled[c] += SIMD4<Float>(totals[c]) * scales
            offsets[c] += layout.laneA(activations, column: c, quad: quad) * minimums
        }
    }
}

/// q4_K x q8_K: sub-block s has its codes in the low (even s) or high (odd s) nibbles of code chunk s / 2, so a
/// unit is two 16-byte loads shifted by 0 or 4, then q4_0's nibble split; codes 0...15 against int8 keep four
/// 16-bit products per lane exact.
enum PortableQ4_K: ScaleMinimumSuperBlockFormat {
    static let weightType = GGMLType.q4_K
    static var bytesPerBlock: Int { Q4_K.bytesPerBlock }

    /// One quad of sub-blocks: units 0...3 are sub-blocks 4q...4q + 3, in code chunks 2q and 2q + 1.
    struct Quad: QuadCodes {
        let chunks: UnsafeRawPointer

        @inline(__always)
        func decode(_ unit: Int) -> Codes32 {
            let chunk = chunks + 32 &* (unit / 2)
            let shift = SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: 4 * (unit % 2)))
            return Codes32.lowNibbles(first: chunk.loadUnaligned(as: SIMD8<UInt16>.self) &>> shift,
                                      second: chunk.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self) &>> shift)
        }

        @inline(__always)
        static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
    }

    @inline(__always)
    static func quad(_ block: UnsafeRawPointer, half: Int) -> Quad { Quad(chunks: block + Q4_K.quantsOffset + 64 &* half) }
}
