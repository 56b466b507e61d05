#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q8_0 x q8_0 rows, two blocks (64 weights) per step, read straight from the GGUF layout.
///
/// A step loads the 68 bytes of two 34-byte blocks as two overlapping 64-byte windows (at +0 and +4); one `vpermt2w`
/// deals the two 32-byte code runs out dword by dword (dword 2t + j = bytes 4t ..< 4t + 4 of block j) and one
/// `vpermw` + `vcvtph2ps` puts block j's scale in the lanes i with i % 2 = j. `vpdpbusd` needs an unsigned operand,
/// so the codes are read as u = w + 128 (one xor) and the panel's -128 * sum(a) per block seeds the accumulator: the
/// int32 lanes hold exact partial block sums for any codes, -128 included (the sign trick of ggml's AVX2 path is
/// wrong for -128 x -128).
struct Q8_0Rows: RowDot {
    static let blockBytes = Q8_0.bytesPerBlock
    static let blocksPerStep = 2
    static let stepBytes = blocksPerStep * blockBytes
    static let panel = ActivationPanel(layout: .bytePairs, activation: .q8_0, offset: 128)

    /// Word 2i + h of the permuted codes: block j = i % 2, dword t = i / 2. Byte 34j + 2 + 4t + 2h of the step is
    /// word w of the window at +0 (index w) or, past it, word w - 2 of the one at +4 (index 32 + w - 2).
    static let quantWords: __m512i = AVX512Vector.words((0..<32).map { word in
        let i = word / 2, h = word % 2
        let w = 17 * (i % 2) + 1 + 2 * (i / 2) + h
        return Int16(w < 32 ? w : 32 + w - 2)
    })
    /// Lane i (of 16) takes block i % 2's scale, word 17 * (i % 2) of the window at +0.
    static let scaleWords: __m512i = AVX512Vector.words((0..<32).map { i in Int16(i < 16 ? 17 * (i % 2) : 0) })

    let blocks: Int
    /// Bytes ahead of the row to prefetch (0: none).
    let prefetch: Int
    let quantWords = Self.quantWords, scaleWords = Self.scaleWords

    /// The unpacked weights of one step: codes + 128 in panel order and the two scales as floats.
    struct Step {
        let codes: __m512i, scales: __m512

        @inline(__always) init(_ first: __m512i, _ second: __m512i, _ quantWords: __m512i, _ scaleWords: __m512i) {
            codes = _mm512_xor_si512(_mm512_permutex2var_epi16(first, quantWords, second), _mm512_set1_epi8(-128))
            scales = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(scaleWords, first)))
        }

        /// acc += (sum over the step's blocks of w * a) * d_w * d_a, lane-wise, for one column's panel group.
        @inline(__always) func accumulate(_ quants: UnsafeRawPointer, _ meta: UnsafeRawPointer, into acc: inout __m512) {
            let seed = _mm512_maskz_set1_epi64(0x01, meta.loadUnaligned(as: Int64.self))   // lanes 0, 1: corr[0], corr[1]
            let sums = _mm512_dpbusd_epi32(seed, codes, AVX512Vector.load(quants))
            let activationScales = _mm512_castsi512_ps(_mm512_set1_epi64(meta.loadUnaligned(fromByteOffset: 8, as: Int64.self)))
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_mul_ps(scales, activationScales), acc)
        }
    }

    /// Dot products of one weight row with C activation panels.
    @inline(__always)
    func dot<let C: Int>(_ w: UnsafeRawPointer, _ panels: InlineArray<C, UnsafeRawPointer>) -> InlineArray<C, Float> {
        let panel = Self.panel, stepBytes = Self.stepBytes
        let quantBytes = panel.quantBytes, metaBytes = panel.metaBytes, metaStart = panel.metaStart(blocks: blocks)
        let fullSteps = blocks / Self.blocksPerStep
        var acc0 = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        var acc1 = acc0, acc2 = acc0, acc3 = acc0
        @inline(__always) func run(_ step: Step, _ s: Int, _ acc: inout InlineArray<C, __m512>) {
            for c in 0..<C {
                step.accumulate(panels[c] + s &* quantBytes, panels[c] + (metaStart &+ s &* metaBytes), into: &acc[c])
            }
        }
        @inline(__always) func full(_ s: Int, _ acc: inout InlineArray<C, __m512>) {
            let p = w + s &* stepBytes
            run(Step(AVX512Vector.load(p), AVX512Vector.load(p, 4), quantWords, scaleWords), s, &acc)
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
        if blocks % 2 == 1 {
            // The last block alone: a masked load stops at the row's last byte; the missing block reads as zeros and
            // meets a zero panel slot.
            let p = w + s &* stepBytes
            run(Step(_mm512_maskz_loadu_epi16(AVX512Vector.firstLanes32(17), p), _mm512_setzero_si512(), quantWords, scaleWords),
                s, &acc3)
        }
        var result = InlineArray<C, Float>(repeating: 0)
        for c in 0..<C {
            result[c] = AVX512Vector.sum(_mm512_add_ps(_mm512_add_ps(acc0[c], acc1[c]), _mm512_add_ps(acc2[c], acc3[c])))
        }
        return result
    }

    static let kernel = RowKernel(activationType: .q8_0, quantizeColumn: AVX512Quantize.q8_0) { weights, xq, n, y, rows, parameters in
        let w = weights.matrix, blocks = w.columns / Q8_0.blockSize
        let dot = Q8_0Rows(blocks: blocks, prefetch: parameters[.prefetch] ?? Prefetch.defaultValue)
        panel.withPanels(xq, columns: n, blocks: blocks) { panels, panelBytes in
            RowColumns.forEachRow(dot, rows: rows, n: n, columns: parameters[.columns] ?? RowColumns.defaultValue,
                                  matrix: w, y: y, activations: panels, stride: panelBytes)
        }
    }
}
#endif
