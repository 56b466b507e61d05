/// q6_K: 256 weights in 210 bytes, symmetric 6-bit, in 16 sub-blocks of 16 that each have an 8-bit signed scale;
/// weight = d * scale[s] * (q - 32) for sub-block s = index / 16.
///
///     offset  size  field
///     0       128   ql      low 4 bits; per half h (128 weights, 64 bytes at 64h): byte 64h + l holds q[128h + l]
///                           (low nibble) and q[128h + 64 + l] (high nibble), byte 64h + 32 + l holds q[128h + 32 + l]
///                           and q[128h + 96 + l], for l in 0..<32
///     128     64    qh      high 2 bits; byte 128 + 32h + l holds bits 4-5 of q[128h + l], q[128h + 32 + l],
///                           q[128h + 64 + l], q[128h + 96 + l] at bit 0, 2, 4, 6
///     192     16    scales  int8 scale[0..15]
///     208     2     d       f16 super-block scale
public enum Q6_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q6_K }
    @inlinable public static var lowBitsOffset: Int { 0 }
    @inlinable public static var highBitsOffset: Int { 128 }
    @inlinable public static var scalesOffset: Int { 192 }
    @inlinable public static var scaleOffset: Int { 208 }
    public static let fields = [
        BlockField("ql", at: lowBitsOffset, bytes: 128), BlockField("qh", at: highBitsOffset, bytes: 64),
        BlockField("scales", at: scalesOffset, bytes: 16), BlockField("d", at: scaleOffset, bytes: 2),
    ]
    static let subBlockSize = 16
    static let subBlocks = 16

    /// The 6-bit code (0...63) of weight `k` of the block at `b`.
    @inline(__always) static func code(_ b: UnsafeRawPointer, _ k: Int) -> Int32 {
        let half = k / 128, quarter = (k % 128) / 32, l = k % 32
        let low = b.uint8(at: lowBitsOffset + 64 * half + 32 * (quarter & 1) + l)
        let lowBits = quarter < 2 ? low & 0x0f : low >> 4
        let highBits = (b.uint8(at: highBitsOffset + 32 * half + l) >> (2 * UInt8(quarter))) & 3
        return Int32(lowBits | (highBits << 4))
    }

    /// `quantize_row_q6_K_ref`: each sub-block's scale from `fitSymmetricScale` (nmax 32, weights x^2); the scale of
    /// largest magnitude sets d = max / -128, the sub-block scales are rounded to int8, and the weights requantized.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q6_K rows are whole blocks of 256")
        var codes = [Int8](repeating: 0, count: blockSize)
        var scales = [Float](repeating: 0, count: subBlocks)
        for block in 0..<count / blockSize {
            let xb = x + block * blockSize, out = y + block * bytesPerBlock
            var maxScale: Float = 0, maxAbsScale: Float = 0
            for s in 0..<subBlocks {
                let scale = codes.withUnsafeMutableBufferPointer { codes in
                    fitSymmetricScale(xb + s * subBlockSize, count: subBlockSize, maxLevel: 32,
                                      codes: codes.baseAddress! + s * subBlockSize)
                }
                scales[s] = scale
                if abs(scale) > maxAbsScale {
                    maxAbsScale = abs(scale)
                    maxScale = scale
                }
            }

            guard maxAbsScale >= groupMaxEpsilon else {
                out.initializeMemory(as: UInt8.self, repeating: 0, count: bytesPerBlock)
                continue
            }

            let iscale = -128 / maxScale
            out.storeHalf(1 / iscale, at: scaleOffset)
            for s in 0..<subBlocks {
                let scale = Int8(truncatingIfNeeded: min(127, Scalars.nearestInt(iscale * scales[s])))
                out.storeBytes(of: scale, toByteOffset: scalesOffset + s, as: Int8.self)
            }

            // Requantize against the scales as stored; a sub-block whose scale rounds to 0 keeps the codes of its fit.
            let d = UnsafeRawPointer(out).half(at: scaleOffset)
            for s in 0..<subBlocks {
                let subScale = d * Float(UnsafeRawPointer(out).int8(at: scalesOffset + s))
                if subScale == 0 { continue }
                for l in 0..<subBlockSize {
                    let q = Scalars.nearestInt(xb[s * subBlockSize + l] / subScale)
                    codes[s * subBlockSize + l] = Int8(truncatingIfNeeded: max(-32, min(31, q)) + 32)
                }
            }

            for half in 0..<2 {
                for l in 0..<32 {
                    let base = 128 * half + l
                    let c0 = UInt8(bitPattern: codes[base]), c1 = UInt8(bitPattern: codes[base + 32])
                    let c2 = UInt8(bitPattern: codes[base + 64]), c3 = UInt8(bitPattern: codes[base + 96])
                    out.storeBytes(of: (c0 & 0x0f) | ((c2 & 0x0f) << 4), toByteOffset: lowBitsOffset + 64 * half + l, as: UInt8.self)
                    out.storeBytes(of: (c1 & 0x0f) | ((c3 & 0x0f) << 4), toByteOffset: lowBitsOffset + 64 * half + 32 + l, as: UInt8.self)
                    let high = (c0 >> 4) | ((c1 >> 4) << 2) | ((c2 >> 4) << 4) | ((c3 >> 4) << 6)
                    out.storeBytes(of: high, toByteOffset: highBitsOffset + 32 * half + l, as: UInt8.self)
                }
            }
        }
    }

    /// `dequantize_row_q6_K`: (d * scale) * (q - 32).
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for k in 0..<blockSize {
                let scale = Float(b.int8(at: scalesOffset + k / subBlockSize))
                out[k] = d * scale * Float(code(b, k) - 32)
            }
        }
    }

    /// `ggml_vec_dot_q6_K_q8_K` (generic): integer products accumulated in 8 lanes (lane = index % 8), each lane
    /// scaled by d * d8 into a float lane sum, and the 8 lane sums added last.
    public static let dot: BlockDot = { w, a, count in
        var laneSums = [Float](repeating: 0, count: 8)
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            var lanes = [Int32](repeating: 0, count: 8)
            for k in 0..<blockSize {
                let scale = x.int8(at: scalesOffset + k / subBlockSize)
                lanes[k % 8] &+= scale &* ((code(x, k) - 32) &* y.int8(at: Q8_K.quantsOffset + k))
            }
            let d = x.half(at: scaleOffset) * y.float32(at: Q8_K.scaleOffset)
            for l in 0..<8 { laneSums[l] += d * Float(lanes[l]) }
        }
        var sum: Float = 0
        for l in 0..<8 { sum += laneSums[l] }
        return sum
    }
}

/// ggml's `GROUP_MAX_EPS`: groups whose largest magnitude is below it quantize to all zeros.
let groupMaxEpsilon: Float = 1e-15

/// ggml's `make_qx_quants` with rmse_type 1 and no importance weights (each value weighted by x^2): the symmetric scale
/// (x ~ scale * q, q in -maxLevel...maxLevel-1) that maximizes sum(w x q)^2 / sum(w q^2), trying iscale =
/// -(maxLevel + 0.1 i) / max for i in -9...9 after the plain fit. Writes the codes q + maxLevel to `codes`.
/// Every float operation is in ggml's order, since the choice between fits is a comparison of rounded sums.
func fitSymmetricScale(_ x: UnsafePointer<Float>, count n: Int, maxLevel: Int32,
                       codes: UnsafeMutablePointer<Int8>) -> Float {
    let (amax, max) = signedAbsMax(x, 0, n)
    if amax < groupMaxEpsilon {
        for i in 0..<n { codes[i] = 0 }
        return 0
    }
    let levels = Float(maxLevel)
    @inline(__always) func level(_ iscale: Float, _ value: Float) -> Int32 {
        Swift.max(-maxLevel, Swift.min(maxLevel - 1, Scalars.nearestInt(iscale * value)))
    }
    var iscale = -levels / max
    var sumLX: Float = 0, sumL2: Float = 0
    for i in 0..<n {
        let l = level(iscale, x[i])
        codes[i] = Int8(truncatingIfNeeded: l + maxLevel)
        let w = x[i] * x[i], fl = Float(l)
        sumLX += w * x[i] * fl
        sumL2 += w * fl * fl
    }
    var scale: Float = sumL2 != 0 ? sumLX / sumL2 : 0
    var best = scale * sumLX
    for step in -9...9 where step != 0 {
        iscale = -(levels + 0.1 * Float(step)) / max
        sumLX = 0; sumL2 = 0
        for i in 0..<n {
            let l = level(iscale, x[i])
            let w = x[i] * x[i], fl = Float(l)
            sumLX += w * x[i] * fl
            sumL2 += w * fl * fl
        }
        if sumL2 > 0 && sumLX * sumLX > best * sumL2 {
            for i in 0..<n { codes[i] = Int8(truncatingIfNeeded: level(iscale, x[i]) + maxLevel) }
            scale = sumLX / sumL2
            best = scale * sumLX
        }
    }
    return scale
}

extension FormatTraits {
    public static let q6_K = FormatTraits(
        type: .q6_K, quantize: Q6_K.quantize, dequantize: Q6_K.dequantize,
        activationType: .q8_K, dot: Q6_K.dot,
        tolerance: Tolerance(roundTripNMSE: 4.8e-4, matmulNMSE: 1e-4))
}
