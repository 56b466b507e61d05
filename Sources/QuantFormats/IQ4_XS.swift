/// iq4_xs: 256 weights in 136 bytes, iq4_nl's grid indices in 8 sub-blocks of 32 that each have a signed 6-bit
/// scale; weight = d * (scale[s] - 32) * grid[index] for sub-block s = index / 32.
///
///     offset  size  field
///     0       2     d         f16 super-block scale
///     2       2     scales_h  little-endian u16: bits 2s...2s + 1 are the high 2 bits of scale[s]
///     4       4     scales_l  byte s / 2: the low 4 bits of scale[s], in the low (even s) or high (odd s) nibble
///     8       128   qs        16 bytes per sub-block, packed as iq4_nl's block
public enum IQ4_XS: BlockLayout {
    @inlinable public static var type: GGMLType { .iq4_xs }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var highScalesOffset: Int { 2 }
    @inlinable public static var lowScalesOffset: Int { 4 }
    @inlinable public static var quantsOffset: Int { 8 }
    public static let fields = [
        BlockField("d", at: scaleOffset, bytes: 2), BlockField("scales_h", at: highScalesOffset, bytes: 2),
        BlockField("scales_l", at: lowScalesOffset, bytes: 4), BlockField("qs", at: quantsOffset, bytes: 128),
    ]

    /// Sub-block `s`'s scale, -32...31, of the block at `b`.
    @inlinable @inline(__always)
    public static func scale(_ s: Int, _ b: UnsafeRawPointer) -> Int32 {
        let low = (b.load(fromByteOffset: lowScalesOffset + s / 2, as: UInt8.self) >> UInt8(4 * (s % 2))) & 0x0f
        let high = (UInt16(littleEndian: b.loadUnaligned(fromByteOffset: highScalesOffset, as: UInt16.self)) >> UInt16(2 * s)) & 3
        return (Int32(low) | Int32(high) << 4) - 32
    }

    /// `quantize_iq4_xs` (= `quantize_row_iq4_xs_ref`): each sub-block's scale from `fitGridScale`; the one of
    /// largest magnitude sets d = -it / 32, the sub-block scales are rounded to 6 bits, and every value takes its
    /// nearest grid index at its sub-block's rounded scale d * l (d unrounded).
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "iq4_xs rows are whole blocks of 256")
        var indices = [UInt8](repeating: 0, count: blockSize), scales = [Float](repeating: 0, count: 8)
        for block in 0..<count / blockSize {
            let xb = x + block * blockSize, out = y + block * bytesPerBlock
            var largest: Float = 0, maxScale: Float = 0
            for s in 0..<8 {
                scales[s] = fitGridScale(xb + 32 * s)
                if abs(scales[s]) > largest { largest = abs(scales[s]); maxScale = scales[s] }
            }
            // -0 / 32 is -0: a block of zeros stores d = 0x8000, as ggml does.
            let d = -maxScale / 32
            out.storeHalf(d, at: scaleOffset)
            let id: Float = d != 0 ? 1 / d : 0
            var high: UInt16 = 0, low = [UInt8](repeating: 0, count: 4)
            for s in 0..<8 {
                let l = max(-32, min(31, Scalars.nearestInt(id * scales[s])))
                let dl = d * Float(l)
                let idl: Float = dl != 0 ? 1 / dl : 0
                for j in 0..<32 { indices[32 * s + j] = nearestGridIndex(idl * xb[32 * s + j]) }
                let stored = UInt8(l + 32)
                low[s / 2] |= (stored & 0x0f) << UInt8(4 * (s % 2))
                high |= UInt16(stored >> 4) << UInt16(2 * s)
            }
            out.storeBytes(of: high.littleEndian, toByteOffset: highScalesOffset, as: UInt16.self)
            for i in 0..<4 { out.storeBytes(of: low[i], toByteOffset: lowScalesOffset + i, as: UInt8.self) }
            for s in 0..<8 { IQ4_NL.packIndices(indices, from: 32 * s, into: out + quantsOffset + 16 * s) }
        }
    }

    /// `dequantize_row_iq4_xs`: (d * scale) * grid[index].
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for s in 0..<8 {
                let subScale = d * Float(scale(s, b))
                for j in 0..<32 { out[32 * s + j] = subScale * Float(IQ4_NL.value(b + quantsOffset + 16 * s, j)) }
            }
        }
    }

    /// `ggml_vec_dot_iq4_xs_q8_K` (generic).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_K.bytesPerBlock
            let d = x.half(at: scaleOffset) * y.float32(at: Q8_K.scaleOffset)
            for s in 0..<8 {
                var total: Int32 = 0
                for j in 0..<32 { total &+= IQ4_NL.value(x + quantsOffset + 16 * s, j) &* y.int8(at: Q8_K.quantsOffset + 32 * s + j) }
                sum += d * Float(scale(s, x)) * Float(total)
            }
        }
        return sum
    }
}

extension FormatTraits {
    public static let iq4_xs = FormatTraits(
        type: .iq4_xs, quantize: IQ4_XS.quantize, dequantize: IQ4_XS.dequantize,
        activationType: .q8_K, dot: IQ4_XS.dot,
        tolerance: Tolerance(roundTripNMSE: 8e-3, matmulNMSE: 2e-4))
}
