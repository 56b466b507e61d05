import QuantFormats

/// iq4_nl x q8_0 with Swift SIMD types: each index looked up in the 16-value grid (baseline SIMD has no byte
/// shuffle, so a lookup per value), the grid values then multiplied as q8_0's codes are. Grid values reach 127, so
/// only two 16-bit products are summed per lane before widening (`Codes32.dotWide`). No offset: laneB is 0.
enum PortableIQ4_NL: OffsetCodesFormat {
    static let weightType = GGMLType.iq4_nl
    static let activation = PortableActivation.q8_0(sumScale: 0)
    static let quantizeColumn = PortableQuantize.q8_0
    static var bytesPerBlock: Int { IQ4_NL.bytesPerBlock }

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> Codes32 { Codes32.gridValues(block + IQ4_NL.quantsOffset) }

    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> { Codes32.dotWide(w, a) }
}

extension Codes32 {
    /// `IQ4_NL.grid` as a vector, for lookups by index.
    static var grid: SIMD16<Int8> {
        SIMD16(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113)
    }

    /// The grid values of 32 indices packed as iq4_nl's 16 bytes at `q` (byte j: index j low, index j + 16 high).
    @inline(__always)
    static func gridValues(_ q: UnsafeRawPointer) -> Codes32 {
        let grid = Self.grid
        var codes = Codes32(evenLow: .zero, oddLow: .zero, evenHigh: .zero, oddHigh: .zero)
        for i in 0..<8 {
            let even = q.load(fromByteOffset: 2 * i, as: UInt8.self), odd = q.load(fromByteOffset: 2 * i + 1, as: UInt8.self)
            codes.evenLow[i] = Int16(grid[Int(even & 0x0f)])
            codes.oddLow[i] = Int16(grid[Int(odd & 0x0f)])
            codes.evenHigh[i] = Int16(grid[Int(even >> 4)])
            codes.oddHigh[i] = Int16(grid[Int(odd >> 4)])
        }
        return codes
    }

    /// `dot` for codes up to 127 in magnitude: two 16-bit products per lane (< 2^15), widened, then added.
    @inline(__always)
    static func dotWide(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> {
        PortableLanes.widenPairs(w.evenLow &* a.load(as: SIMD8<Int16>.self) &+ w.oddLow &* a.load(fromByteOffset: 16, as: SIMD8<Int16>.self))
            &+ PortableLanes.widenPairs(w.evenHigh &* a.load(fromByteOffset: 32, as: SIMD8<Int16>.self)
                                        &+ w.oddHigh &* a.load(fromByteOffset: 48, as: SIMD8<Int16>.self))
    }
}
