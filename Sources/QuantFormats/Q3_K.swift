/// q3_K: 256 weights in 110 bytes, symmetric 3-bit, in 16 sub-blocks of 16 that each have a signed 6-bit scale;
/// weight = d * (scale[s] - 32) * (q - 4) for sub-block s = index / 16, q in 0...7.
///
///     offset  size  field
///     0       32    hmask   byte k % 32, bit k / 32: bit 2 of q[k]
///     32      64    qs      the low 2 bits of q, packed as q2_K's (`Q2_K.packCrumbs`)
///     96      12    scales  scale[s] (stored with +32): low 4 bits in byte s (s < 8) or the high nibble of byte
///                           s - 8; high 2 bits at bits 2(s / 4) of byte 8 + s % 4
///     108     2     d       f16 super-block scale
public enum Q3_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q3_K }
    @inlinable public static var highBitsOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 32 }
    @inlinable public static var scalesOffset: Int { 96 }
    @inlinable public static var scaleOffset: Int { 108 }
    public static let fields = [
        BlockField("hmask", at: highBitsOffset, bytes: 32), BlockField("qs", at: quantsOffset, bytes: 64),
        BlockField("scales", at: scalesOffset, bytes: 12), BlockField("d", at: scaleOffset, bytes: 2),
    ]

    /// Sub-block `s`'s scale, -32...31, from the 12 packed bytes at `packed`.
    @inlinable @inline(__always)
    public static func scale(_ s: Int, _ packed: UnsafeRawPointer) -> Int32 {
        let byte = { (i: Int) in packed.load(fromByteOffset: i, as: UInt8.self) }
        let low = s < 8 ? byte(s) & 0x0f : byte(s - 8) >> 4
        let high = (byte(8 + s % 4) >> UInt8(2 * (s / 4))) & 3
        return Int32(low | high << 4) - 32
    }

    /// `quantize_row_q3_K_ref`: each sub-block's scale from `fitSymmetricScale`; the scale of largest magnitude sets
    /// d = 1 / (-32 / it), the sub-block scales are rounded to 6 bits, and the weights requantized with them.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q3_K rows are whole blocks of 256")
        var codes = [Int8](repeating: 0, count: blockSize), scales = [Float](repeating: 0, count: 16)
        for block in 0..<count / blockSize {
            let xb = x + block * blockSize, out = y + block * bytesPerBlock
            var largest: Float = 0, maxScale: Float = 0
            for s in 0..<16 {
                scales[s] = codes.withUnsafeMutableBufferPointer { fitSymmetricScale(xb + 16 * s, codes: $0.baseAddress! + 16 * s) }
                if abs(scales[s]) > largest { largest = abs(scales[s]); maxScale = scales[s] }
            }
            let packed = out + scalesOffset
            for i in 0..<12 { packed.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
            func or(_ bits: UInt8, at i: Int) {
                packed.storeBytes(of: packed.load(fromByteOffset: i, as: UInt8.self) | bits, toByteOffset: i, as: UInt8.self)
            }
            if maxScale != 0 {
                let inverse = -32 / maxScale
                for s in 0..<16 {
                    // C stores nearest_int into an int8_t before clamping.
                    let l = UInt8(max(-32, min(31, Int32(Int8(truncatingIfNeeded: Scalars.nearestInt(inverse * scales[s]))))) + 32)
                    if s < 8 { or(l & 0x0f, at: s) } else { or((l & 0x0f) << 4, at: s - 8) }
                    or((l >> 4) << UInt8(2 * (s / 4)), at: 8 + s % 4)
                }
                out.storeHalf(1 / inverse, at: scaleOffset)
            } else {
                out.storeHalf(0, at: scaleOffset)
            }

            // Requantize against the scales as stored; a sub-block whose scale is 0 keeps the codes of its fit.
            let d = UnsafeRawPointer(out).half(at: scaleOffset)
            for s in 0..<16 {
                let subScale = d * Float(scale(s, UnsafeRawPointer(packed)))
                if subScale == 0 { continue }
                for l in 0..<16 {
                    codes[16 * s + l] = Int8(max(-4, min(3, Scalars.nearestInt(xb[16 * s + l] / subScale))) + 4)
                }
            }

            var low = [UInt8](repeating: 0, count: blockSize)
            for i in 0..<32 { out.storeBytes(of: UInt8(0), toByteOffset: highBitsOffset + i, as: UInt8.self) }
            for k in 0..<blockSize {
                let q = UInt8(codes[k])
                low[k] = q & 3
                if q > 3 {
                    let i = highBitsOffset + k % 32
                    out.storeBytes(of: out.load(fromByteOffset: i, as: UInt8.self) | UInt8(1) << UInt8(k / 32), toByteOffset: i, as: UInt8.self)
                }
            }
            Q2_K.packCrumbs(low, into: out + quantsOffset)
        }
    }

    /// The signed code (q - 4, -4...3) of value `k` of the block at `b`.
    @inline(__always) static func code(_ b: UnsafeRawPointer, _ k: Int) -> Int32 {
        let high = (b.uint8(at: highBitsOffset + k % 32) >> UInt8(k / 32)) & 1
        return Int32(Q2_K.crumb(b + quantsOffset, k)) - (high == 0 ? 4 : 0)
    }

    /// `dequantize_row_q3_K`: (d * scale) * (q - 4).
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for s in 0..<16 {
                let subScale = d * Float(scale(s, b + scalesOffset))
                for l in 0..<16 { out[16 * s + l] = subScale * Float(code(b, 16 * s + l)) }
            }
        }
    }

    /// `ggml_vec_dot_q3_K_q8_K` (generic).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            var total: Int32 = 0
            for s in 0..<16 {
                var subTotal: Int32 = 0
                for l in 0..<16 { subTotal &+= code(x, 16 * s + l) &* y.int8(at: Q8_K.quantsOffset + 16 * s + l) }
                total &+= scale(s, x + scalesOffset) &* subTotal
            }
            sum += x.half(at: scaleOffset) * y.float32(at: Q8_K.scaleOffset) * Float(total)
        }
        return sum
    }
}

/// ggml's `make_q3_quants` with `do_rmse` (n = 16, nmax = 4): the scale of a symmetric fit x ~ scale * l,
/// l in -4...3, seeded from the value of largest magnitude and improved by moving one code at a time while the
/// weighted (x^2) fit gets better, at most five passes. Writes l + 4 to `codes`. Every float operation is in ggml's
/// order, since the passes compare rounded sums.
func fitSymmetricScale(_ x: UnsafePointer<Float>, codes: UnsafeMutablePointer<Int8>) -> Float {
    let n = 16, nmax: Int32 = 4
    var amax: Float = 0, max: Float = 0
    for i in 0..<n where abs(x[i]) > amax { amax = abs(x[i]); max = x[i] }
    guard amax >= groupMaxEpsilon else {
        for i in 0..<n { codes[i] = 0 }
        return 0
    }
    let iscale = Float(-nmax) / max
    var sumLX: Float = 0, sumL2: Float = 0
    for i in 0..<n {
        let l = Swift.max(-nmax, Swift.min(nmax - 1, Scalars.nearestInt(iscale * x[i])))
        codes[i] = Int8(l)
        let w = x[i] * x[i], fl = Float(l)
        sumLX += w * x[i] * fl
        sumL2 += w * fl * fl
    }
    for _ in 0..<5 {
        var changed = 0
        for i in 0..<n {
            let w = x[i] * x[i], old = Float(codes[i])
            var slx = sumLX - w * x[i] * old
            guard slx > 0 else { continue }
            var sl2 = sumL2 - w * old * old
            let newL = Swift.max(-nmax, Swift.min(nmax - 1, Scalars.nearestInt(x[i] * sl2 / slx)))
            guard newL != Int32(codes[i]) else { continue }
            let fl = Float(newL)
            slx += w * x[i] * fl
            sl2 += w * fl * fl
            if sl2 > 0 && slx * slx * sumL2 > sumLX * sumLX * sl2 {
                codes[i] = Int8(newL)
                sumLX = slx
                sumL2 = sl2
                changed += 1
            }
        }
        if changed == 0 { break }
    }
    for i in 0..<n { codes[i] += Int8(nmax) }
    return sumL2 > 0 ? sumLX / sumL2 : 0
}

extension FormatTraits {
    public static let q3_K = FormatTraits(
        type: .q3_K, quantize: Q3_K.quantize, dequantize: Q3_K.dequantize,
        activationType: .q8_K, dot: Q3_K.dot,
        tolerance: Tolerance(roundTripNMSE: 0.05, matmulNMSE: 1e-3))
}
