/// Scalar conversions shared by the block formats, each matching the C expression ggml uses.
public enum Scalars {
    /// IEEE half from float, round to nearest even (ggml's `GGML_FP32_TO_FP16`, F16C `vcvtps2ph` with mode 0).
    @inlinable public static func halfBits(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    @inlinable public static func float(halfBits bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// bfloat16 from float, round to nearest even; NaN stays a quiet NaN (ggml's `ggml_compute_fp32_to_bf16`).
    @inlinable public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7fff_ffff > 0x7f80_0000 { return UInt16(truncatingIfNeeded: (bits >> 16) | 64) }
        return UInt16(truncatingIfNeeded: (bits &+ (0x7fff &+ ((bits >> 16) & 1))) >> 16)
    }

    @inlinable public static func float(bfloat16Bits bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// C's float-to-int conversion (truncation toward zero) for values ggml keeps in range; NaN and out-of-range
    /// values, which only hostile input produces, clamp instead of trapping.
    @inlinable public static func truncatedInt(_ value: Float) -> Int32 {
        guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? .max : .min) }
        if value >= 2_147_483_520 { return .max }
        if value <= -2_147_483_520 { return .min }
        return Int32(value)
    }

    /// C's `roundf`: half away from zero.
    @inlinable public static func roundedAway(_ value: Float) -> Int32 { truncatedInt(value.rounded()) }

    /// `rint` / `_mm256_round_ps(_MM_ROUND_NEAREST)`: half to even.
    @inlinable public static func roundedEven(_ value: Float) -> Int32 { truncatedInt(value.rounded(.toNearestOrEven)) }

    /// ggml's `nearest_int`: adds 1.5 * 2^23 and reads the integer out of the mantissa bits, which rounds half to
    /// even for |value| <= 4194303. Reproduced bit for bit rather than via `rounded()` so that out-of-range, infinite
    /// and NaN values (hostile input only) give ggml's garbage-but-defined answer and never trap.
    @inlinable public static func nearestInt(_ value: Float) -> Int32 {
        let shifted = value + 12_582_912
        return Int32(bitPattern: shifted.bitPattern & 0x007f_ffff) - 0x0040_0000
    }
}

extension UnsafeRawPointer {
    @inlinable func half(at offset: Int) -> Float {
        Scalars.float(halfBits: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inlinable func int8(at offset: Int) -> Int32 { Int32(load(fromByteOffset: offset, as: Int8.self)) }
    @inlinable func uint8(at offset: Int) -> UInt8 { load(fromByteOffset: offset, as: UInt8.self) }
    @inlinable func float32(at offset: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    @inlinable func int16(at offset: Int) -> Int32 {
        Int32(Int16(littleEndian: loadUnaligned(fromByteOffset: offset, as: Int16.self)))
    }
}

extension UnsafeMutableRawPointer {
    @inlinable func storeHalf(_ value: Float, at offset: Int) {
        storeBytes(of: Scalars.halfBits(value), toByteOffset: offset, as: UInt16.self)
    }
}

/// The smallest and largest of `values[start..<start+count]`, as q4_1's and q5_1's quantizers find them.
@inlinable func minimumAndMaximum(_ values: UnsafePointer<Float>, _ start: Int, _ count: Int) -> (min: Float, max: Float) {
    var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
    for j in start..<start + count {
        if values[j] < lo { lo = values[j] }
        if values[j] > hi { hi = values[j] }
    }
    return (lo, hi)
}

/// Index of the element with the largest magnitude in `values[start..<start+count]` (first one wins ties), as the
/// ggml quantizers pick `max` to keep its sign.
@inlinable func signedAbsMax(_ values: UnsafePointer<Float>, _ start: Int, _ count: Int) -> (amax: Float, max: Float) {
    var amax: Float = 0, max: Float = 0
    for j in start..<start + count where amax < abs(values[j]) {
        amax = abs(values[j]); max = values[j]
    }
    return (amax, max)
}
