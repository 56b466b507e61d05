#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// f32 x f32 rows: weights read as stored (4-byte aligned rows of a GGUF tensor, so unaligned loads), activations
/// read straight from the copied columns.
enum F32Rows: FloatRowFormat {
    static let weightType = GGMLType.f32
    static let valueBytes = 4
    static let quantizeColumn = FormatTraits.f32.quantizeActivations

    @inline(__always)
    static func load16(_ row: UnsafeRawPointer, _ index: Int) -> __m512 {
        row.loadUnaligned(fromByteOffset: 4 &* index, as: __m512.self)
    }

    @inline(__always)
    static func loadMasked(_ row: UnsafeRawPointer, _ index: Int, _ mask: __mmask16) -> __m512 {
        _mm512_maskz_loadu_ps(mask, row + 4 &* index)
    }

    /// The columns as converted (a copy of x): K floats each, back to back.
    static func withFloatColumns<R>(_ xq: UnsafeRawPointer, k: Int, n: Int,
                                    _ body: (_ base: UnsafeRawPointer, _ stride: Int) -> R) -> R {
        body(xq, 4 * k)
    }
}
#endif
