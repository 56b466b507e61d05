/// q2_K: 256 weights in 84 bytes, 2-bit with a minimum, in 16 sub-blocks of 16 that each have a 4-bit scale and a
/// 4-bit minimum; weight = d * scale[s] * q - dmin * min[s] for sub-block s = index / 16.
///
///     offset  size  field
///     0       16    scales  byte s: low nibble = scale[s], high nibble = min[s]
///     16      64    qs      in half h (128 weights), byte 32h + l holds q[128h + 32j + l] at bits 2j...2j + 1
///     80      2     d       f16 super-block scale of the sub-block scales
///     82      2     dmin    f16 super-block scale of the sub-block minimums
public enum Q2_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q2_K }
    @inlinable public static var scalesOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 16 }
    @inlinable public static var scaleOffset: Int { 80 }
    @inlinable public static var minimumOffset: Int { 82 }
    public static let fields = [
        BlockField("scales", at: scalesOffset, bytes: 16), BlockField("qs", at: quantsOffset, bytes: 64),
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("dmin", at: minimumOffset, bytes: 2),
    ]

    /// `quantize_row_q2_K_ref`: each sub-block of 16 gets its best (scale, min) from `fitAffineScale` with weights
    /// |x| and absolute error; the largest scale and min become d and dmin (over 15), the per-sub-block values are
    /// rounded to 4 bits, and the weights are requantized with the rounded scales.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q2_K rows are whole blocks of 256")
        var codes = [UInt8](repeating: 0, count: blockSize), scratch = [UInt8](repeating: 0, count: 16)
        var weights = [Float](repeating: 0, count: 16)
        var scales = [Float](repeating: 0, count: 16), mins = [Float](repeating: 0, count: 16)
        for block in 0..<count / blockSize {
            let xb = x + block * blockSize, out = y + block * bytesPerBlock
            var maxScale: Float = 0, maxMin: Float = 0
            for s in 0..<16 {
                for l in 0..<16 { weights[l] = abs(xb[16 * s + l]) }
                let fit = codes.withUnsafeMutableBufferPointer { codes in
                    fitAffineScale(xb + 16 * s, weights: weights, count: 16, maxLevel: 3, codes: codes.baseAddress! + 16 * s,
                                   scratch: &scratch, rmin: -0.5, rdelta: 0.1, steps: 15, useMAD: true)
                }
                scales[s] = fit.scale
                mins[s] = fit.min
                if fit.scale > maxScale { maxScale = fit.scale }
                if fit.min > maxMin { maxMin = fit.min }
            }
            // C assigns nearest_int to a uint8_t, so only the low 8 bits survive.
            var packed = [UInt8](repeating: 0, count: 16)
            if maxScale > 0 {
                let inverse = 15 / maxScale
                for s in 0..<16 { packed[s] = UInt8(truncatingIfNeeded: Scalars.nearestInt(inverse * scales[s])) }
            }
            if maxMin > 0 {
                let inverse = 15 / maxMin
                for s in 0..<16 { packed[s] = UInt8(truncatingIfNeeded: Int32(packed[s]) | Scalars.nearestInt(inverse * mins[s]) << 4) }
            }
            for s in 0..<16 { out.storeBytes(of: packed[s], toByteOffset: scalesOffset + s, as: UInt8.self) }
            out.storeHalf(maxScale > 0 ? maxScale / 15 : 0, at: scaleOffset)
            out.storeHalf(maxMin > 0 ? maxMin / 15 : 0, at: minimumOffset)

            // Requantize against the scales as stored; a sub-block whose scale is 0 keeps the codes of its fit.
            let d = UnsafeRawPointer(out).half(at: scaleOffset), dmin = UnsafeRawPointer(out).half(at: minimumOffset)
            for s in 0..<16 {
                let subScale = d * Float(packed[s] & 0x0f)
                if subScale == 0 { continue }
                let subMin = dmin * Float(packed[s] >> 4)
                for l in 0..<16 {
                    codes[16 * s + l] = UInt8(truncatingIfNeeded: max(0, min(3, Scalars.nearestInt((xb[16 * s + l] + subMin) / subScale))))
                }
            }
            packCrumbs(codes, into: out + quantsOffset)
        }
    }

    /// ggml's 2-bit packing of 256 codes (also q3_K's low bits): byte 32h + l holds codes 128h + 32j + l, j = 0...3,
    /// at bits 2j...2j + 1.
    static func packCrumbs(_ codes: [UInt8], into q: UnsafeMutableRawPointer) {
        for half in 0..<2 {
            for l in 0..<32 {
                let base = 128 * half + l
                let byte = codes[base] | codes[base + 32] << 2 | codes[base + 64] << 4 | codes[base + 96] << 6
                q.storeBytes(of: byte, toByteOffset: 32 * half + l, as: UInt8.self)
            }
        }
    }

    /// The 2-bit code of value `k` from the packed bytes at `q`.
    @inline(__always) static func crumb(_ q: UnsafeRawPointer, _ k: Int) -> UInt8 {
        (q.uint8(at: 32 * (k / 128) + k % 32) >> UInt8(2 * ((k % 128) / 32))) & 3
    }

    /// `dequantize_row_q2_K`: (d * scale) * q - (dmin * min).
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset), dmin = b.half(at: minimumOffset)
            for s in 0..<16 {
                let packed = b.uint8(at: scalesOffset + s)
                let subScale = d * Float(packed & 0x0f), subMin = dmin * Float(packed >> 4)
                for l in 0..<16 { out[16 * s + l] = subScale * Float(crumb(b + quantsOffset, 16 * s + l)) - subMin }
            }
        }
    }

    /// `ggml_vec_dot_q2_K_q8_K` (generic): the minimums enter through q8_K's 16-value sums.
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            var total: Int32 = 0, minTerm: Int32 = 0
            for s in 0..<16 {
                let packed = x.uint8(at: scalesOffset + s)
                minTerm &+= y.int16(at: Q8_K.sumsOffset + 2 * s) &* Int32(packed >> 4)
                var subTotal: Int32 = 0
                for l in 0..<16 {
                    let k = 16 * s + l
                    subTotal &+= y.int8(at: Q8_K.quantsOffset + k) &* Int32(crumb(x + quantsOffset, k))
                }
                total &+= Int32(packed & 0x0f) &* subTotal
            }
            let d8 = y.float32(at: Q8_K.scaleOffset)
            sum += d8 * x.half(at: scaleOffset) * Float(total) - d8 * x.half(at: minimumOffset) * Float(minTerm)
        }
        return sum
    }
}

extension FormatTraits {
    public static let q2_K = FormatTraits(
        type: .q2_K, quantize: Q2_K.quantize, dequantize: Q2_K.dequantize,
        activationType: .q8_K, dot: Q2_K.dot,
        tolerance: Tolerance(roundTripNMSE: 0.15, matmulNMSE: 2e-3))
}
