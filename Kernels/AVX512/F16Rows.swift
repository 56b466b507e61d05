#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// f16 x f16 rows: 16 halves per load widened with one `vcvtph2ps`, exact for every half. The activations, rounded
/// to f16 by `AVX512Quantize.f16` as ggml does, are widened back to f32 once per call, so the inner loop converts
/// only weights; every product is then the one ggml's `vec_dot_f16` forms (it widens both operands to f32).
enum F16Rows: FloatRowFormat {
    static let weightType = GGMLType.f16
    static let valueBytes = 2
    static let quantizeColumn = AVX512Quantize.f16

    @inline(__always)
    static func load16(_ row: UnsafeRawPointer, _ index: Int) -> __m512 {
        _mm512_cvtph_ps(row.loadUnaligned(fromByteOffset: 2 &* index, as: __m256i.self))
    }

    @inline(__always)
    static func loadMasked(_ row: UnsafeRawPointer, _ index: Int, _ mask: __mmask16) -> __m512 {
        _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, row + 2 &* index))
    }

    /// The columns widened to f32 in a scratch buffer, each padded to whole cache lines.
    static func withFloatColumns<R>(_ xq: UnsafeRawPointer, k: Int, n: Int,
                                    _ body: (_ base: UnsafeRawPointer, _ stride: Int) -> R) -> R {
        let stride = (4 * k + 63) / 64 * 64
        return withScratch(bytes: stride * n) { scratch in
            for c in 0..<n {
                let source = xq + c * 2 * k, destination = scratch + c * stride
                var i = 0
                while i + 16 <= k {
                    destination.storeBytes(of: load16(source, i), toByteOffset: 4 * i, as: __m512.self)
                    i += 16
                }
                if i < k {
                    let mask = __mmask16(truncatingIfNeeded: (1 << (k - i)) - 1)
                    _mm512_mask_storeu_ps(destination + 4 * i, mask, loadMasked(source, i, mask))
                }
            }
            return body(UnsafeRawPointer(scratch), stride)
        }
    }
}
#endif
