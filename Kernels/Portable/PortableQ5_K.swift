import QuantFormats

/// q5_K x q8_K: q4_K's nibbles plus each value's fifth bit, bit s of its qh byte for sub-block s (one uniform
/// shift per vector of byte pairs). Codes 0...31 keep four 16-bit products per lane exact (4 * 31 * 128 < 2^15).
enum PortableQ5_K: ScaleMinimumSuperBlockFormat {
    static let weightType = GGMLType.q5_K
    static var bytesPerBlock: Int { Q5_K.bytesPerBlock }

    /// One quad of sub-blocks 4h...4h + 3: nibbles from code chunks 2h and 2h + 1, fifth bits from qh.
    struct Quad: QuadCodes {
        let chunks: UnsafeRawPointer, highBits: UnsafeRawPointer, half: Int

        @inline(__always)
        func decode(_ unit: Int) -> Codes32 {
            let chunk = chunks + 32 &* (unit / 2)
            let shift = SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: 4 * (unit % 2)))
            var codes = Codes32.lowNibbles(first: chunk.loadUnaligned(as: SIMD8<UInt16>.self) &>> shift,
                                           second: chunk.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self) &>> shift)
            let bit = SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: 4 &* half &+ unit))
            let first = highBits.loadUnaligned(as: SIMD8<UInt16>.self), second = highBits.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self)
            @inline(__always) func fifth(_ pairs: SIMD8<UInt16>, _ extra: UInt16) -> SIMD8<Int16> {
                PortableLanes.signed(((pairs &>> (bit &+ extra)) & 1) &<< 4)
            }
            codes.evenLow |= fifth(first, 0)
            codes.oddLow |= fifth(first, 8)
            codes.evenHigh |= fifth(second, 0)
            codes.oddHigh |= fifth(second, 8)
            return codes
        }

        @inline(__always)
        static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dot(w, a) }
    }

    @inline(__always)
    static func quad(_ block: UnsafeRawPointer, half: Int) -> Quad {
        Quad(chunks: block + Q5_K.quantsOffset + 64 &* half, highBits: block + Q5_K.highBitsOffset, half: half)
    }
}
