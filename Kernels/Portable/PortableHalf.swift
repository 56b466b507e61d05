/// IEEE half to float conversion on SIMD lanes, with integer and float operations only.
///
/// Baseline x86-64 has no F16C, so `Float(Float16)` is a call into compiler-rt for every scale; the row kernels
/// instead gather the f16 scales of four blocks into one vector and convert them together, about ten vector
/// operations for all four. Exact for every half value, subnormals, infinities and NaNs included.
enum PortableHalf {
    /// The float value of the half whose bit pattern is in the low 16 bits of each lane.
    ///
    /// Exponent and mantissa shifted into a float's places read as a float 2^-112 times the half's magnitude, for
    /// normal and subnormal halves alike, so one multiply by 2^112 rebiases both; the all-ones exponent of
    /// infinities and NaNs is restored with a mask computed arithmetically. (The first version selected between a
    /// normal and a subnormal path with `replacing(with:where:)`; LLVM lowered that select to branches once two
    /// conversions met in one loop, which cost q4_1 a factor of four.)
    @inline(__always)
    static func floats(_ bits: SIMD4<UInt32>) -> SIMD4<Float> {
        let magnitudeBits = bits & 0x7FFF
        let sign = (bits & 0x8000) &<< 16
        let scaled = unsafeBitCast(magnitudeBits &<< 13, to: SIMD4<Float>.self) * SIMD4<Float>(repeating: 0x1p112)
        // 0x7C00 + 0x0400 carries into bit 15 exactly when the exponent field is all ones.
        let isSpecial = ((bits & 0x7C00) &+ 0x0400) &>> 15
        let specialExponent = (SIMD4<UInt32>() &- isSpecial) & 0x7F80_0000
        return unsafeBitCast(unsafeBitCast(scaled, to: SIMD4<UInt32>.self) | specialExponent | sign, to: SIMD4<Float>.self)
    }

    /// The f16 stored at `offset` in each of `count` (1...4) consecutive blocks `stride` bytes apart, converted; lanes
    /// past `count` are 0. Lane `i` is block `i`.
    @inline(__always)
    static func gather(_ base: UnsafeRawPointer, offset: Int, stride: Int, count: Int) -> SIMD4<Float> {
        @inline(__always) func bits(_ i: Int) -> UInt32 {
            i < count ? UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset + i * stride, as: UInt16.self))) : 0
        }
        return floats(SIMD4(bits(0), bits(1), bits(2), bits(3)))
    }

    /// One half at `offset`, converted.
    @inline(__always)
    static func float(_ base: UnsafeRawPointer, at offset: Int) -> Float {
        floats(SIMD4(repeating: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))))[0]
    }
}
