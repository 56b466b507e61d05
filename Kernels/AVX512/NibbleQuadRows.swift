#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// A 32-weight block format whose codes are 16 bytes of nibbles (low nibble = weight j, high = weight j + 16), read
/// four blocks per step straight from the GGUF layout: q4_0, q4_1, q5_0.
///
/// A step loads its 4 * blockBytes bytes as two overlapping 64-byte windows (at +0 and +`secondWindow`). The nibble
/// runs start at even offsets, so one `vpermt2w` deals them out dword by dword (dword 4t + j = bytes 4t ..< 4t + 4
/// of block j's run) to meet the activation panel (`ActivationPanel.nibbleQuads`), and one word permute plus
/// `vcvtph2ps` puts block j's f16 scale in the lanes i with i % 4 = j.
protocol NibbleQuadFormat {
    static var blockBytes: Int { get }
    /// Byte offset of the second 64-byte window; it ends exactly at the end of the step.
    static var secondWindow: Int { get }
    static var panel: ActivationPanel { get }
    /// q4_1: each block adds m * s (the weights' minimum times the activations' d * sum(q)).
    static var hasMinimums: Bool { get }
    init()
    /// The step's codes (0 ... 31) in panel order, scales and (q4_1) minimums, from its two windows (blocks missing
    /// from a tail step read as zeros).
    func unpack(_ first: __m512i, _ second: __m512i) -> NibbleStep
}

/// Word indices of a step's nibble runs for `vpermt2w`: word 2i + h of the result is word w = (blockBytes / 2) * j +
/// codesOffset / 2 + 2t + h of the step (block j = i % 4, dword t = i / 4), taken from the first window while w < 32 and
/// from the second (index 32 + w - secondWindow / 2) after.
func nibbleRunWords(blockBytes: Int, codesOffset: Int, secondWindow: Int) -> __m512i {
    AVX512Vector.words((0..<32).map { word in
        let i = word / 2, h = word % 2
        let w = (blockBytes / 2) * (i % 4) + codesOffset / 2 + 2 * (i / 4) + h
        return Int16(w < 32 ? w : 32 + w - secondWindow / 2)
    })
}

/// Word indices putting block (lane % 4)'s f16 at byte offset `fieldOffset` into lanes 0-15 (`vpermt2w`; when every
/// index is below 32, as for q4_0 and q4_1, the single-source `vpermw` of the first window does, one uop and one
/// register copy cheaper: 4.2 against 4.5 cycles per q4_0 step in cache).
func blockFieldWords(blockBytes: Int, fieldOffset: Int, secondWindow: Int) -> __m512i {
    AVX512Vector.words((0..<32).map { lane in
        let w = (blockBytes * (lane % 4) + fieldOffset) / 2
        return Int16(lane >= 16 ? 0 : (w < 32 ? w : 32 + w - secondWindow / 2))
    })
}

/// The unpacked weights of one 4-block step.
struct NibbleStep {
    let low: __m512i, high: __m512i, scales: __m512
    /// q4_1 only: lanes 0-3 hold the four blocks' minimums m, other lanes 0.
    var minimums: __m512 = _mm512_setzero_ps()

    /// acc += (sum over the step's blocks of (u - o) * a) * d_w * d_a [+ m * s], lane-wise, for one column.
    @inline(__always) func accumulate(_ quants: UnsafeRawPointer, _ meta: UnsafeRawPointer, minimums withMinimums: Bool,
                                      into acc: inout __m512) {
        var sums = _mm512_maskz_broadcast_i32x4(0x000f, meta.loadUnaligned(as: __m128i.self))   // lanes 0-3: corr[j]
        sums = _mm512_dpbusd_epi32(sums, low, AVX512Vector.load(quants))
        sums = _mm512_dpbusd_epi32(sums, high, AVX512Vector.load(quants, 64))
        let scale = _mm512_mul_ps(scales, _mm512_broadcast_f32x4(meta.loadUnaligned(fromByteOffset: 16, as: __m128.self)))
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), scale, acc)
        if withMinimums {
            acc = _mm512_fmadd_ps(minimums, _mm512_broadcast_f32x4(meta.loadUnaligned(fromByteOffset: 32, as: __m128.self)), acc)
        }
    }
}

/// The row loop of a nibble format: four steps (16 blocks) per iteration into four float accumulators per column,
/// then the remaining steps, then a masked tail step.
struct NibbleQuadRows<Format: NibbleQuadFormat>: RowDot {
    let blocks: Int
    /// Bytes ahead of the row to prefetch (0: none).
    let prefetch: Int
    let format = Format()

    @inline(__always)
    func dot<let C: Int>(_ w: UnsafeRawPointer, _ panels: InlineArray<C, UnsafeRawPointer>) -> InlineArray<C, Float> {
        let panel = Format.panel, stepBytes = 4 * Format.blockBytes, second = Format.secondWindow
        let quantBytes = panel.quantBytes, metaBytes = panel.metaBytes, metaStart = panel.metaStart(blocks: blocks)
        let fullSteps = blocks / 4
        var acc0 = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        var acc1 = acc0, acc2 = acc0, acc3 = acc0
        @inline(__always) func run(_ step: NibbleStep, _ s: Int, _ acc: inout InlineArray<C, __m512>) {
            for c in 0..<C {
                step.accumulate(panels[c] + s &* quantBytes, panels[c] + (metaStart &+ s &* metaBytes),
                                minimums: Format.hasMinimums, into: &acc[c])
            }
        }
        @inline(__always) func full(_ s: Int, _ acc: inout InlineArray<C, __m512>) {
            let p = w + s &* stepBytes
            run(format.unpack(AVX512Vector.load(p), AVX512Vector.load(p, second)), s, &acc)
        }
        var s = 0
        while s &+ 4 <= fullSteps {
            if prefetch > 0 { Prefetch.lines(w + (s &* stepBytes &+ prefetch), bytes: 4 * stepBytes) }
            full(s, &acc0); full(s &+ 1, &acc1); full(s &+ 2, &acc2); full(s &+ 3, &acc3)
            s &+= 4
        }
        if s < fullSteps { full(s, &acc0); s &+= 1 }
        if s < fullSteps { full(s, &acc1); s &+= 1 }
        if s < fullSteps { full(s, &acc2); s &+= 1 }
        let tail = blocks - fullSteps * 4
        if tail > 0 {
            // Masked loads stop at the row's last byte; the missing blocks read as zeros and meet zero panel slots.
            let p = w + s &* stepBytes, words = Format.blockBytes / 2 * tail
            let first = _mm512_maskz_loadu_epi16(AVX512Vector.firstLanes32(words), p)
            let secondWords = words - second / 2
            let last = secondWords > 0 ? _mm512_maskz_loadu_epi16(AVX512Vector.firstLanes32(secondWords), p + second)
                                       : _mm512_setzero_si512()
            run(format.unpack(first, last), s, &acc3)
        }
        var result = InlineArray<C, Float>(repeating: 0)
        for c in 0..<C {
            result[c] = AVX512Vector.sum(_mm512_add_ps(_mm512_add_ps(acc0[c], acc1[c]), _mm512_add_ps(acc2[c], acc3[c])))
        }
        return result
    }

    /// The row kernel: panels of the quantized columns, then every row against them.
    static func kernel(quantize: @escaping QuantizeRow) -> RowKernel {
        RowKernel(activationType: Format.panel.activation, quantizeColumn: quantize) { weights, xq, n, y, rows, parameters in
            let w = weights.matrix, blocks = w.columns / 32
            let dot = NibbleQuadRows(blocks: blocks, prefetch: parameters[.prefetch] ?? Prefetch.defaultValue)
            Format.panel.withPanels(xq, columns: n, blocks: blocks) { panels, panelBytes in
                RowColumns.forEachRow(dot, rows: rows, n: n, columns: parameters[.columns] ?? RowColumns.defaultValue,
                                      matrix: w, y: y, activations: panels, stride: panelBytes)
            }
        }
    }
}
#endif
