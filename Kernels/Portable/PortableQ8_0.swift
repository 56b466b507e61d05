import QuantFormats

/// q8_0 x q8_0 with Swift SIMD types.
///
/// A block's 32 int8 weights, loaded as two vectors of eight byte pairs, are sign-extended into even and odd
/// 16-bit lanes with two shifts (the activation order). A product of two int8 values fits in 16 bits, and a sum of
/// two lies in [-32512, 32768]: one past Int16.max. Adding 32512 (wrapping) maps that range onto [0, 65280], which
/// fits 16 bits unsigned, so pairs of products are summed in 16 bits, biased, and widened with a zero extension;
/// the bias (16 * 32512 per block) comes off in float, where the total is still an exact integer. That halves the
/// widening work of widening every product vector. The biased totals of absent blocks meet a zero scale.
enum PortableQ8_0: PortableBlockFormat {
    static let weightType = GGMLType.q8_0
    static let activation = PortableActivation.q8_0(sumScale: 0)
    static let quantizeColumn = PortableQuantize.q8_0
    static var bytesPerBlock: Int { Q8_0.bytesPerBlock }
    /// Added to every 16-bit sum of two products to make it non-negative; 16 such sums make up a block.
    static var pairBias: Int16 { 32512 }
    static var blockBias: Float { Float(16 * Int(pairBias)) }

    /// The 32 weights of a block, in activation order.
    struct Codes {
        var evenLow, oddLow, evenHigh, oddHigh: SIMD8<Int16>
    }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes {
        let low = block.loadUnaligned(fromByteOffset: Q8_0.quantsOffset, as: SIMD8<Int16>.self)
        let high = block.loadUnaligned(fromByteOffset: Q8_0.quantsOffset + 16, as: SIMD8<Int16>.self)
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

    @inline(__always)
    static func terms(_ blocks: UnsafeRawPointer, present: Int) -> SIMD4<Float> {
        blockScales(blocks, offset: 0, present: present)
    }

    @inline(__always)
    static func contribution(_ totals: SIMD4<Int32>, _ scales: SIMD4<Float>, laneA: SIMD4<Float>, laneB: SIMD4<Float>) -> SIMD4<Float> {
        (scales * laneA) * (SIMD4<Float>(totals) - SIMD4<Float>(repeating: blockBias))
    }
}
