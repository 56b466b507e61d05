/// iq4_nl: 32 weights in 18 bytes, 4-bit indices into a fixed non-linear grid of 16 values (denser near zero, as
/// weights are); weight = d * grid[index].
///
///     offset  size  field
///     0       2     d      f16 scale
///     2       16    qs     byte j: low nibble = index of weight j, high nibble = index of weight j + 16
public enum IQ4_NL: BlockLayout {
    @inlinable public static var type: GGMLType { .iq4_nl }
    @inlinable public static var scaleOffset: Int { 0 }
    @inlinable public static var quantsOffset: Int { 2 }
    public static let fields = [BlockField("d", at: scaleOffset, bytes: 2), BlockField("qs", at: quantsOffset, bytes: 16)]

    /// ggml's `kvalues_iq4nl`, shared by iq4_xs.
    public static let grid: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    /// What llama-quantize writes (`quantize_iq4_nl`, i.e. `quantize_row_iq4_nl_impl` with weights x^2 and 7 tries;
    /// not `quantize_row_iq4_nl_ref`, which searches nothing): the block's scale from `fitGridScale`, then every
    /// value's nearest grid index at that (unrounded) scale.
    public static let quantize: QuantizeRow = { x, y, count in
        precondition(count % blockSize == 0, "iq4_nl rows are whole blocks of 32")
        var indices = [UInt8](repeating: 0, count: 32)
        for block in 0..<count / blockSize {
            let xb = x + block * blockSize, out = y + block * bytesPerBlock
            let d = fitGridScale(xb)
            out.storeHalf(d, at: scaleOffset)
            let id: Float = d != 0 ? 1 / d : 0
            for j in 0..<32 { indices[j] = nearestGridIndex(id * xb[j]) }
            packIndices(indices, into: out + quantsOffset)
        }
    }

    /// 32 indices two to a byte: byte j holds index j low and index j + 16 high.
    static func packIndices(_ indices: [UInt8], from start: Int = 0, into q: UnsafeMutableRawPointer) {
        for j in 0..<16 {
            q.storeBytes(of: indices[start + j] | indices[start + j + 16] << 4, toByteOffset: j, as: UInt8.self)
        }
    }

    /// The grid value of weight `j` (0...31) of the 16 index bytes at `q`.
    @inline(__always) static func value(_ q: UnsafeRawPointer, _ j: Int) -> Int32 {
        let byte = q.uint8(at: j % 16)
        return Int32(grid[Int(j < 16 ? byte & 0x0f : byte >> 4)])
    }

    /// `dequantize_row_iq4_nl`: d * grid[index].
    public static let dequantize: DequantizeRow = { x, y, count in
        for block in 0..<count / blockSize {
            let b = x + block * bytesPerBlock, out = y + block * blockSize
            let d = b.half(at: scaleOffset)
            for j in 0..<32 { out[j] = d * Float(value(b + quantsOffset, j)) }
        }
    }

    /// `ggml_vec_dot_iq4_nl_q8_0` (generic).
    public static let dot: BlockDot = { w, a, count in
        var sum: Float = 0
        for block in 0..<count / blockSize {
            let x = w + block * bytesPerBlock, y = a + block * Q8_0.bytesPerBlock
            var total: Int32 = 0
            for j in 0..<32 { total &+= value(x + quantsOffset, j) &* y.int8(at: Q8_0.quantsOffset + j) }
            sum += y.half(at: Q8_0.scaleOffset) * x.half(at: scaleOffset) * Float(total)
        }
        return sum
    }
}

/// ggml's `best_index_int8` over `IQ4_NL.grid` (llama.cpp 0c1e570): the index of the grid value nearest `x`,
/// a tie going to the upper one; NaN gives 15.
func nearestGridIndex(_ x: Float) -> UInt8 {
    let grid = IQ4_NL.grid
    if x <= Float(grid[0]) { return 0 }
    if x >= Float(grid[15]) { return 15 }
    var lower = 0, upper = 15
    while upper - lower > 1 {
        let middle = (lower + upper) / 2
        if x < Float(grid[middle]) { upper = middle } else { lower = middle }
    }
    return x - Float(grid[upper - 1]) < Float(grid[upper]) - x ? UInt8(upper - 1) : UInt8(upper)
}

/// The scale search of `quantize_row_iq4_nl_impl` without an importance matrix (weights x^2, ntry 7) for one block
/// of 32: the least-squares scale at the grid indices the value of largest magnitude suggests, then 15 more seeds
/// (i - 127) / max, i = -7...7, keeping whichever fits best. 0 for a block of (near) zeros.
func fitGridScale(_ xb: UnsafePointer<Float>) -> Float {
    var amax: Float = 0, max: Float = 0
    for j in 0..<32 where abs(xb[j]) > amax { amax = abs(xb[j]); max = xb[j] }
    guard amax >= groupMaxEpsilon else { return 0 }
    let first = Float(IQ4_NL.grid[0])
    func sums(_ id: Float) -> (qx: Float, q2: Float) {
        var qx: Float = 0, q2: Float = 0
        for j in 0..<32 {
            let q = Float(IQ4_NL.grid[Int(nearestGridIndex(id * xb[j]))]), w = xb[j] * xb[j]
            qx += w * q * xb[j]
            q2 += w * q * q
        }
        return (qx, q2)
    }
    let seed = sums(1 / (-max / first))
    var d: Float = seed.q2 > 0 ? seed.qx / seed.q2 : 0
    var best = d * seed.qx
    for step in -7...7 {
        let (qx, q2) = sums(Float(step + Int(IQ4_NL.grid[0])) / max)
        if q2 > 0 && qx * qx > best * q2 {
            d = qx / q2
            best = d * qx
        }
    }
    return d
}

extension FormatTraits {
    public static let iq4_nl = FormatTraits(
        type: .iq4_nl, quantize: IQ4_NL.quantize, dequantize: IQ4_NL.dequantize,
        activationType: .q8_0, dot: IQ4_NL.dot,
        tolerance: Tolerance(roundTripNMSE: 8e-3, matmulNMSE: 2e-4))
}
