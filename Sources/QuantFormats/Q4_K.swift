/// q4_K: 256 weights in 144 bytes, 4-bit with a minimum, in 8 sub-blocks of 32 that each have a 6-bit scale and a
/// 6-bit minimum; weight = d * scale[s] * q - dmin * min[s] for sub-block s = index / 32.
///
///     offset  size  field
///     0       2     d       f16 super-block scale of the sub-block scales
///     2       2     dmin    f16 super-block scale of the sub-block minimums
///     4       12    scales  6-bit scale[s] and min[s], packed as ggml's `get_scale_min_k4`:
///                           s < 4:  scale = byte[s] & 63,   min = byte[s + 4] & 63
///                           s >= 4: scale = byte[s + 4] & 15 | (byte[s - 4] >> 6) << 4,
///                                   min   = byte[s + 4] >> 4 | (byte[s] >> 6) << 4
///     16      128   qs      64 weights per 32 bytes: byte 32c + l holds q[64c + l] in its low nibble and
///                           q[64c + 32 + l] in its high nibble
public enum Q4_K: BlockLayout {
    @inlinable public static var type: GGMLType { .q4_K }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var minimumOffset: Int { 2 }
    @inlinable public static var scalesOffset: Int { 4 }
    @inlinable public static var quantsOffset: Int { 16 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("dmin", at: minimumOffset, bytes: 2),
        BlockField("scales", at: scalesOffset, bytes: 12), BlockField("qs", at: quantsOffset, bytes: 128),
    ]
    static let subBlockSize = 32
    static let subBlocks = 8

    /// Scale and minimum (both 0...63) of sub-block `s` from the 12 packed bytes at `packed`: ggml's
    /// `get_scale_min_k4`, byte by byte (also the packing of q5_K).
    @inlinable @inline(__always)
    public static func scaleAndMin(_ s: Int, _ packed: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        let byte = { (i: Int) in packed.load(fromByteOffset: i, as: UInt8.self) }
        if s < 4 { return (byte(s) & 63, byte(s + 4) & 63) }
        return ((byte(s + 4) & 0x0f) | ((byte(s - 4) >> 6) << 4), (byte(s + 4) >> 4) | ((byte(s) >> 6) << 4))
    }

    /// All eight scales and minimums at once, as ggml's SIMD paths unpack them (`utmp` with kmask1-3, on 32-bit
    /// words): byte s of `scales` (little-endian) is sub-block s's scale, byte s of `minimums` its minimum. Equal to
    /// `scaleAndMin` for every s and every packing (`BlockLayoutTests`).
    @inlinable @inline(__always)
    public static func unpackScalesAndMinimums(_ packed: UnsafeRawPointer) -> (scales: UInt64, minimums: UInt64) {
        let low6: UInt32 = 0x3f3f_3f3f, low4: UInt32 = 0x0f0f_0f0f, top2: UInt32 = 0x0303_0303
        let u0 = UInt32(littleEndian: packed.loadUnaligned(as: UInt32.self))
        let u1 = UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let u2 = UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let scales = UInt64(u0 & low6) | UInt64((u2 & low4) | (((u0 >> 6) & top2) << 4)) << 32
        let minimums = UInt64(u1 & low6) | UInt64(((u2 >> 4) & low4) | (((u1 >> 6) & top2) << 4)) << 32
        return (scales, minimums)
    }

    /// The same unpacking on two 64-bit words (ggml's kmask1-3 on `uint64_t`), for kernels that want the scales and
    /// minimums of sub-blocks 0-3 and 4-7 together: `low` holds scales 0-3 then minimums 0-3 (bytes 0-7), `high`
    /// scales 4-7 then minimums 4-7. Two loads and no 32-bit recombining.
    @inlinable @inline(__always)
    public static func unpackScalesAndMinimumsByHalves(_ packed: UnsafeRawPointer) -> (low: UInt64, high: UInt64) {
        let x = UInt64(littleEndian: packed.loadUnaligned(as: UInt64.self))
        let u2 = UInt64(UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let low = x & 0x3f3f_3f3f_3f3f_3f3f
        let high = ((u2 | u2 << 28) & 0x0f0f_0f0f_0f0f_0f0f) | (((x >> 6) & 0x0303_0303_0303_0303) << 4)
        return (low, high)
    }

    /// `quantize_row_q4_K_ref`: `AffineSuperBlockFit` with 4-bit codes, then the codes two nibbles to a byte.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "q4_K rows are whole blocks of 256")
        var fit = AffineSuperBlockFit()
        for block in 0..<count / blockSize {
            let out = y + block * bytesPerBlock
            fit.fit(x + block * blockSize, into: out, maxLevel: 15, rmin: -1, steps: 20)
            for chunk in 0..<blockSize / 64 {
                for l in 0..<32 {
                    let byte = fit.codes[64 * chunk + l] | (fit.codes[64 * chunk + 32 + l] << 4)
                    out.storeBytes(of: byte, toByteOffset: quantsOffset + 32 * chunk + l, as: UInt8.self)
                }
            }
        }
    }

    /// `dequantize_row_q4_K`: (d * scale) * q - (dmin * min).
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset), dmin = b.half(at: minimumOffset)
            for chunk in 0..<blockSize / 64 {
                let (scaleLow, minLow) = scaleAndMin(2 * chunk, b + scalesOffset)
                let (scaleHigh, minHigh) = scaleAndMin(2 * chunk + 1, b + scalesOffset)
                let dLow = d * Float(scaleLow), mLow = dmin * Float(minLow)
                let dHigh = d * Float(scaleHigh), mHigh = dmin * Float(minHigh)
                for l in 0..<32 {
                    let q = b.uint8(at: quantsOffset + 32 * chunk + l)
                    out[64 * chunk + l] = dLow * Float(q & 0x0f) - mLow
                    out[64 * chunk + 32 + l] = dHigh * Float(q >> 4) - mHigh
                }
            }
        }
    }

    /// `ggml_vec_dot_q4_K_q8_K` (generic): integer products accumulated in 8 lanes (lane = index % 8), each lane
    /// scaled by d * d8 into a float lane sum; the minimums enter through q8_K's 16-value sums, sum(bsums[g] *
    /// min[g / 2]), subtracted once per block; the 8 lane sums are added last.
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        var laneSums = [Float](repeating: 0, count: 8)
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            var lanes = [Int32](repeating: 0, count: 8)
            for s in 0..<subBlocks {
                let scale = Int32(scaleAndMin(s, x + scalesOffset).scale)
                let chunk = s / 2, highNibble = s % 2 == 1
                for l in 0..<subBlockSize {
                    let byte = x.uint8(at: quantsOffset + 32 * chunk + l)
                    let q = Int32(highNibble ? byte >> 4 : byte & 0x0f)
                    let k = s * subBlockSize + l
                    lanes[k % 8] &+= scale &* (q &* y.int8(at: Q8_K.quantsOffset + k))
                }
            }
            var minTerm: Int32 = 0
            for group in 0..<16 {
                let minimum = Int32(scaleAndMin(group / 2, x + scalesOffset).min)
                minTerm &+= y.int16(at: Q8_K.sumsOffset + 2 * group) &* minimum
            }
            let d8 = y.float32(at: Q8_K.scaleOffset)
            let d = x.half(at: scaleOffset) * d8
            for l in 0..<8 { laneSums[l] += d * Float(lanes[l]) }
            let dmin = x.half(at: minimumOffset) * d8
            sum -= dmin * Float(minTerm)
        }
        for l in 0..<8 { sum += laneSums[l] }
        return sum
    }
}

extension FormatTraits {
    public static let q4_K = FormatTraits(
        type: .q4_K, quantize: Q4_K.quantize, dequantize: Q4_K.dequantize,
        activationType: .q8_K, dot: Q4_K.dot,
        tolerance: Tolerance(roundTripNMSE: 7.5e-3, matmulNMSE: 2e-4))
}
