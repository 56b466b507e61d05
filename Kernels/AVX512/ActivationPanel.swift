#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// One activation column (q8_0 or q8_1 bytes, as the quantizer wrote them) rearranged once per call into the order a
/// row kernel consumes it, so the inner loop over a weight row does aligned loads and no activation-side work. Every
/// weight row of the call reuses it; building it costs about as much as reading one weight row.
///
/// The weights are unsigned codes u with an offset o (w = u - o: 8 for q4_0, 16 for q5_0, 128 for q8_0 read as
/// u = w + 128, 0 for q4_1), since `vpdpbusd` multiplies unsigned by signed bytes. The panel carries each block's
/// correction -o * sum(a), which seeds the integer accumulator, so the integer block sums come out exact:
/// sum (u - o) * a = sum u * a - o * sum a.
///
/// A group is the blocks one kernel step covers (4 for the nibble formats, 2 for q8_0). Its 16 int32 lanes are
/// dealt round-robin: lane i belongs to block i % blocksPerGroup. So the per-block scales and corrections of a group
/// fit in 16 bytes and reach all their lanes with one broadcasting load (`vbroadcastf32x4` / `vbroadcastf32x2`), and
/// a step needs only two full-width activation loads: the load ports, not the ALUs, bound these kernels in cache.
///
/// A column's panel is all groups' quants (128 or 64 bytes each, 64-byte aligned), then all groups' metadata:
///
///     nibbleQuads (q4_0, q4_1, q5_0): quants 128 bytes
///         0    low   dword 4t + j = activations 4t ..< 4t + 4 of block j (they meet the low nibbles), t < 4
///         64   high  dword 4t + j = activations 16 + 4t ..< 16 + 4t + 4 of block j
///     meta 32 bytes (48 with q8_1): corr[4] int32 = -o * sum(a_j), scale[4] f32 = d_j, (q8_1) sums[4] f32 = s_j
///
///     bytePairs (q8_0): quants 64 bytes, dword 2t + j = activations 4t ..< 4t + 4 of block j, t < 8
///     meta 16 bytes: corr[2] int32, scale[2] f32
///
/// Blocks past the end of the row (the last group's tail) are all zeros, so they add exactly nothing.
struct ActivationPanel {
    enum Layout { case nibbleQuads, bytePairs }

    let layout: Layout
    /// q8_0 or q8_1.
    let activation: GGMLType
    /// The weights' code offset o.
    let offset: Int32

    var blocksPerGroup: Int { layout == .nibbleQuads ? 4 : 2 }
    var quantBytes: Int { layout == .nibbleQuads ? 128 : 64 }
    var metaBytes: Int { layout == .bytePairs ? 16 : (activation == .q8_1 ? 48 : 32) }
    /// Byte offsets within a group's metadata.
    var scaleOffset: Int { 4 * blocksPerGroup }
    var sumsOffset: Int { 8 * blocksPerGroup }

    func groups(blocks: Int) -> Int { (blocks + blocksPerGroup - 1) / blocksPerGroup }
    /// A column's bytes, rounded up to whole cache lines so every column's quants stay 64-byte aligned.
    func columnBytes(blocks: Int) -> Int { (groups(blocks: blocks) * (quantBytes + metaBytes) + 63) / 64 * 64 }
    /// Where a column's metadata starts, after its quants.
    func metaStart(blocks: Int) -> Int { groups(blocks: blocks) * quantBytes }

    /// dword index of the panel for each output dword: `vpermt2d` indices over two registers of two blocks each
    /// (nibbleQuads: the first halves; add 4 for the second halves), or over one register of two blocks (bytePairs).
    static let quadLowDwords: __m512i = AVX512Vector.dwords((0..<16).map { i in
        let j = i % 4, t = i / 4
        return Int32((j / 2) * 16 + (j % 2) * 8 + t)   // register j / 2, block j % 2 within it, dword t
    })
    static let quadHighDwords: __m512i = AVX512Vector.dwords((0..<16).map { i in
        let j = i % 4, t = i / 4
        return Int32((j / 2) * 16 + (j % 2) * 8 + 4 + t)
    })
    static let pairDwords: __m512i = AVX512Vector.dwords((0..<16).map { i in Int32((i % 2) * 8 + i / 2) })

    /// Builds the panel of one column of `blocks` activation blocks at `column` into `panel`.
    func build(_ column: UnsafeRawPointer, blocks: Int, into panel: UnsafeMutableRawPointer) {
        precondition(activation == .q8_0 || activation == .q8_1, "panels are built from q8_0 or q8_1 columns")
        let blockBytes = activation.bytesPerBlock, quantsAt = activation == .q8_1 ? Q8_1.quantsOffset : Q8_0.quantsOffset
        let perGroup = blocksPerGroup, groupCount = groups(blocks: blocks)
        let meta = panel + metaStart(blocks: blocks)
        panel.initializeMemory(as: UInt8.self, repeating: 0, count: columnBytes(blocks: blocks))
        let ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512()
        for g in 0..<groupCount {
            let inGroup = min(perGroup, blocks - g * perGroup)
            // The group's blocks' 32 activation bytes, two blocks per register (missing blocks stay zero).
            var pairs = (zero, zero)
            for j in 0..<inGroup {
                let source = column + (g * perGroup + j) * blockBytes
                let quants = _mm512_castsi256_si512(source.loadUnaligned(fromByteOffset: quantsAt, as: __m256i.self))
                let placed = j % 2 == 0 ? _mm512_maskz_mov_epi64(0x0f, quants) : _mm512_broadcast_i64x4(_mm512_castsi512_si256(quants))
                if j < 2 { pairs.0 = j == 0 ? placed : _mm512_mask_mov_epi64(pairs.0, 0xf0, placed) }
                else { pairs.1 = j == 2 ? placed : _mm512_mask_mov_epi64(pairs.1, 0xf0, placed) }
                let m = meta + g * metaBytes
                m.storeBytes(of: Float(Float16(bitPattern: source.loadUnaligned(as: UInt16.self))),
                             toByteOffset: scaleOffset + 4 * j, as: Float.self)
                if activation == .q8_1 {
                    m.storeBytes(of: Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2, as: UInt16.self))),
                                 toByteOffset: sumsOffset + 4 * j, as: Float.self)
                }
                // corr_j = -o * sum(a_j): dword sums of the block's 32 bytes, added up.
                let sum = _mm512_reduce_add_epi32(_mm512_dpbusd_epi32(zero, ones, _mm512_maskz_mov_epi64(0x0f, quants)))
                m.storeBytes(of: 0 &- offset &* sum, toByteOffset: 4 * j, as: Int32.self)
            }
            let q = panel + g * quantBytes
            switch layout {
            case .nibbleQuads:
                q.storeBytes(of: _mm512_permutex2var_epi32(pairs.0, Self.quadLowDwords, pairs.1), as: __m512i.self)
                q.storeBytes(of: _mm512_permutex2var_epi32(pairs.0, Self.quadHighDwords, pairs.1), toByteOffset: 64, as: __m512i.self)
            case .bytePairs:
                q.storeBytes(of: _mm512_permutexvar_epi32(Self.pairDwords, pairs.0), as: __m512i.self)
            }
        }
    }

    /// Panels of all `n` columns of `xq`, back to back, for the duration of `body`.
    func withPanels<R>(_ xq: UnsafeRawPointer, columns n: Int, blocks: Int,
                       _ body: (_ panels: UnsafeRawPointer, _ columnBytes: Int) -> R) -> R {
        let columnBytes = self.columnBytes(blocks: blocks)
        let xqColumnBytes = blocks * activation.bytesPerBlock
        return withScratch(bytes: columnBytes * n) { scratch in
            for c in 0..<n { build(xq + c * xqColumnBytes, blocks: blocks, into: scratch + c * columnBytes) }
            return body(UnsafeRawPointer(scratch), columnBytes)
        }
    }
}
#endif
