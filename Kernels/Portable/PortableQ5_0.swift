import QuantFormats

/// q5_0 x q8_0 with Swift SIMD types: q4_0's low nibbles plus the fifth bit from qh. Lane i of a code vector takes
/// its bit from qh through a per-lane mask (1 << 2i for even elements, 1 << (2i + 1) for odd ones) and a per-lane
/// multiply that moves that bit to bit 15 (baseline SSE2 has no per-lane shifts; a compare-and-select was lowered
/// to a scalar loop). Codes 0...31 are used unsigned, the offset of 16 subtracted through
/// laneB = 16 * sum(q); four products per lane stay within 4 * 31 * 128 < 2^15.
enum PortableQ5_0: OffsetCodesFormat {
    static let weightType = GGMLType.q5_0
    static let activation = PortableActivation.q8_0(sumScale: 16)
    static let quantizeColumn = PortableQuantize.q8_0
    static var bytesPerBlock: Int { Q5_0.bytesPerBlock }
    static var evenBits: SIMD8<UInt16> { SIMD8<UInt16>(1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14) }
    static var oddBits: SIMD8<UInt16> { SIMD8<UInt16>(1 << 1, 1 << 3, 1 << 5, 1 << 7, 1 << 9, 1 << 11, 1 << 13, 1 << 15) }
    /// Multipliers that move each lane's bit to bit 15.
    static var evenToTop: SIMD8<UInt16> { SIMD8<UInt16>(1 << 15, 1 << 13, 1 << 11, 1 << 9, 1 << 7, 1 << 5, 1 << 3, 1 << 1) }
    static var oddToTop: SIMD8<UInt16> { SIMD8<UInt16>(1 << 14, 1 << 12, 1 << 10, 1 << 8, 1 << 6, 1 << 4, 1 << 2, 1 << 0) }

    /// 16 where `bits & mask` is set, else 0 (`toTop` moves the masked bit to bit 15, then it drops to bit 4).
    @inline(__always)
    static func fifthBit(_ bits: SIMD8<UInt16>, _ mask: SIMD8<UInt16>, _ toTop: SIMD8<UInt16>) -> SIMD8<Int16> {
        PortableLanes.signed(((bits & mask) &* toTop) &>> 11)
    }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 {
        fiveBitCodes(block, highBitsOffset: Q5_0.highBitsOffset, quantsOffset: Q5_0.quantsOffset)
    }

    /// The 32 codes of a block with q5_0's bit layout (also q5_1's): nibbles at `quantsOffset`, fifth bits in the
    /// little-endian u32 at `highBitsOffset`.
    @inline(__always)
    static func fiveBitCodes(_ block: UnsafeRawPointer, highBitsOffset: Int, quantsOffset: Int) -> Codes32 {
        let high = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: highBitsOffset, as: UInt32.self))
        let bitsLow = SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: high))
        let bitsHigh = SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: high >> 16))
        var codes = Codes32.nibbles(block, at: quantsOffset)
        codes.evenLow |= fifthBit(bitsLow, evenBits, evenToTop)
        codes.oddLow |= fifthBit(bitsLow, oddBits, oddToTop)
        codes.evenHigh |= fifthBit(bitsHigh, evenBits, evenToTop)
        codes.oddHigh |= fifthBit(bitsHigh, oddBits, oddToTop)
        return codes
    }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
}
