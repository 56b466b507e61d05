import KernelCore
import QuantFormats

/// Activation quantizers written with Swift SIMD types. Each writes exactly the bytes of the scalar
/// `FormatTraits.X.quantizeActivations` (ggml's CPU `from_float`), so that the portable kernels see the same integers
/// as the scalar reference; `PortableQuantizeTests` checks this on random and edge inputs.
///
/// Exactness comes from doing the scalar code's float operations lane by lane (IEEE arithmetic is the same in a
/// vector lane) and from rounding with integer tricks that agree with the scalar conversions on every input,
/// NaN and infinity included.
public enum PortableQuantize {
    /// ggml's CPU `quantize_row_q8_0`: per block of 32, d = amax / 127 (stored f16), q = rint(x * 127 / amax).
    public static let q8_0: QuantizeRow = { x, y, count in
        precondition(count % Q8_0.blockSize == 0, "q8_0 rows are whole blocks of 32")
        for block in 0..<count / Q8_0.blockSize {
            let source = UnsafeRawPointer(x + block * Q8_0.blockSize)
            let out = y + block * Q8_0.bytesPerBlock
            let low = source.loadUnaligned(as: SIMD16<Float>.self)
            let high = source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let amax = largestMagnitude(low, high)
            let inverse: Float = amax != 0 ? 127 / amax : 0
            out.storeBytes(of: Scalars.halfBits(amax / 127).littleEndian, toByteOffset: 0, as: UInt16.self)
            out.storeBytes(of: SIMD16<Int8>(truncatingIfNeeded: roundedToInt8(low * inverse)), toByteOffset: 2, as: SIMD16<Int8>.self)
            out.storeBytes(of: SIMD16<Int8>(truncatingIfNeeded: roundedToInt8(high * inverse)), toByteOffset: 18, as: SIMD16<Int8>.self)
        }
    }

    /// ggml's CPU `quantize_row_q8_1`: q8_0's rounding, plus s = d * sum(q) (both stored f16).
    public static let q8_1: QuantizeRow = { x, y, count in
        precondition(count % Q8_1.blockSize == 0, "q8_1 rows are whole blocks of 32")
        for block in 0..<count / Q8_1.blockSize {
            let source = UnsafeRawPointer(x + block * Q8_1.blockSize)
            let out = y + block * Q8_1.bytesPerBlock
            let low = source.loadUnaligned(as: SIMD16<Float>.self)
            let high = source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let amax = largestMagnitude(low, high)
            let d = amax / 127
            let inverse: Float = amax != 0 ? 127 / amax : 0
            let codesLow = roundedToInt8(low * inverse), codesHigh = roundedToInt8(high * inverse)
            let sum = (codesLow &+ codesHigh).wrappedSum()
            out.storeBytes(of: Scalars.halfBits(d).littleEndian, toByteOffset: 0, as: UInt16.self)
            out.storeBytes(of: Scalars.halfBits(Float(sum) * d).littleEndian, toByteOffset: 2, as: UInt16.self)
            out.storeBytes(of: SIMD16<Int8>(truncatingIfNeeded: codesLow), toByteOffset: 4, as: SIMD16<Int8>.self)
            out.storeBytes(of: SIMD16<Int8>(truncatingIfNeeded: codesHigh), toByteOffset: 20, as: SIMD16<Int8>.self)
        }
    }

    /// ggml's `quantize_row_q8_K`: per block of 256, iscale = -127 / max (max: the signed value of largest magnitude,
    /// the first one on ties), q = min(127, nearest_int(iscale * x)), d = 1 / iscale (f32), int16 sums of 16.
    public static let q8_K: QuantizeRow = { x, y, count in
        precondition(count % Q8_K.blockSize == 0, "q8_K rows are whole blocks of 256")
        let chunks = Q8_K.blockSize / 16
        for block in 0..<count / Q8_K.blockSize {
            let source = UnsafeRawPointer(x + block * Q8_K.blockSize)
            let out = y + block * Q8_K.bytesPerBlock
            var highest = SIMD16<Float>(), lowest = SIMD16<Float>()
            for chunk in 0..<chunks {
                let v = source.loadUnaligned(fromByteOffset: 64 * chunk, as: SIMD16<Float>.self)
                highest = highest.replacing(with: v, where: v .> highest)
                lowest = lowest.replacing(with: v, where: v .< lowest)
            }
            let top = largest(highest), bottom = -largest(-lowest)
            let amax = Swift.max(top, -bottom)
            guard amax != 0 else {
                out.initializeMemory(as: UInt8.self, repeating: 0, count: Q8_K.bytesPerBlock)
                continue
            }
            let max: Float
            if top == amax && -bottom == amax {
                max = firstOfMagnitude(amax, x + block * Q8_K.blockSize, Q8_K.blockSize)
            } else {
                max = top == amax ? top : bottom
            }
            let iscale = -127 / max
            for chunk in 0..<chunks {
                let v = source.loadUnaligned(fromByteOffset: 64 * chunk, as: SIMD16<Float>.self)
                var codes = nearestInt(iscale * v)
                codes.replace(with: 127, where: codes .> 127)
                let bytes = SIMD16<Int8>(truncatingIfNeeded: codes)
                let sum = SIMD16<Int32>(truncatingIfNeeded: bytes).wrappedSum()
                out.storeBytes(of: bytes, toByteOffset: Q8_K.quantsOffset + 16 * chunk, as: SIMD16<Int8>.self)
                out.storeBytes(of: Int16(truncatingIfNeeded: sum).littleEndian,
                               toByteOffset: Q8_K.sumsOffset + 2 * chunk, as: Int16.self)
            }
            out.storeBytes(of: (1 / iscale).bitPattern.littleEndian, toByteOffset: 0, as: UInt32.self)
        }
    }

    /// max |x| over both vectors; NaN lanes never win (as in the scalar `amax < |x|` scan).
    @inline(__always)
    static func largestMagnitude(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> Float {
        let signless = SIMD16<UInt32>(repeating: 0x7FFF_FFFF)
        let magnitudeA = unsafeBitCast(unsafeBitCast(a, to: SIMD16<UInt32>.self) & signless, to: SIMD16<Float>.self)
        let magnitudeB = unsafeBitCast(unsafeBitCast(b, to: SIMD16<UInt32>.self) & signless, to: SIMD16<Float>.self)
        var best = SIMD16<Float>()
        best.replace(with: magnitudeA, where: magnitudeA .> best)
        best.replace(with: magnitudeB, where: magnitudeB .> best)
        return largest(best)
    }

    /// The largest lane of a vector that holds no NaN.
    @inline(__always)
    static func largest(_ v: SIMD16<Float>) -> Float {
        let eight = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .> eight.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return Swift.max(two[0], two[1])
    }

    /// The first value of magnitude `amax` (when both signs occur, which one comes first decides the sign of d).
    static func firstOfMagnitude(_ amax: Float, _ values: UnsafePointer<Float>, _ count: Int) -> Float {
        for i in 0..<count where abs(values[i]) == amax { return values[i] }
        return amax
    }

    /// `rint` then C's saturating conversion to int8 (`Int8(clamping: Scalars.roundedEven(v))`): clamp to
    /// [-128, 127] first (the bounds are integers, so clamping commutes with rounding; NaN becomes 0), then round
    /// half to even by adding 1.5 * 2^23, which leaves the integer in the low mantissa bits.
    @inline(__always)
    static func roundedToInt8(_ v: SIMD16<Float>) -> SIMD16<Int32> {
        var clamped = v.replacing(with: 127, where: v .> 127)
        clamped.replace(with: -128, where: clamped .< -128)
        clamped.replace(with: 0, where: clamped .!= clamped)
        let shifted = clamped + SIMD16<Float>(repeating: 12_582_912)
        return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    }

    /// ggml's `nearest_int` lane by lane, bit for bit as `Scalars.nearestInt` (round half to even in range, defined
    /// garbage outside it).
    @inline(__always)
    static func nearestInt(_ v: SIMD16<Float>) -> SIMD16<Int32> {
        let shifted = v + SIMD16<Float>(repeating: 12_582_912)
        let mantissa = unsafeBitCast(shifted, to: SIMD16<Int32>.self) & 0x007F_FFFF
        return mantissa &- 0x0040_0000
    }
}
