#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// A q8_K activation column with each block's 32-value sub-block runs reordered to meet q4_K's nibbles as a 64-byte
/// load of q4_K codes splits them: bytes 0-63 of a q4_K block's codes hold sub-blocks 0 and 2 in their low nibbles
/// and 1 and 3 in their high nibbles, so the activations go in the order 0, 2, 1, 3, 4, 6, 5, 7. One unpack
/// (`and`, `srl`, `and`) then serves 128 weights instead of 64.
///
///     offset  size  field (per 256-value block, 320 bytes: five cache lines)
///     0       256   quants   sub-block runs of 32 int8 in the order 0, 2, 1, 3, 4, 6, 5, 7
///     256     32    bsums    16 int16, as in q8_K
///     288     4     d        f32, as in q8_K
enum Q8_KPanel {
    static let blockBytes = 320
    static let sumsOffset = 256
    static let scaleOffset = 288
    /// Source sub-block of each 32-byte run of the panel.
    static let order = [0, 2, 1, 3, 4, 6, 5, 7]

    static func columnBytes(blocks: Int) -> Int { blocks * blockBytes }

    static func build(_ column: UnsafeRawPointer, blocks: Int, into panel: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let source = column + b * Q8_K.bytesPerBlock, out = panel + b * blockBytes
            for (run, subBlock) in order.enumerated() {
                out.storeBytes(of: source.loadUnaligned(fromByteOffset: Q8_K.quantsOffset + 32 * subBlock, as: __m256i.self),
                               toByteOffset: 32 * run, as: __m256i.self)
            }
            out.storeBytes(of: source.loadUnaligned(fromByteOffset: Q8_K.sumsOffset, as: __m256i.self),
                           toByteOffset: sumsOffset, as: __m256i.self)
            out.storeBytes(of: source.loadUnaligned(as: UInt32.self), toByteOffset: scaleOffset, as: UInt32.self)
        }
    }

    /// Panels of all `n` columns of `xq`, back to back, for the duration of `body`.
    static func withPanels<R>(_ xq: UnsafeRawPointer, columns n: Int, blocks: Int,
                              _ body: (_ panels: UnsafeRawPointer, _ columnBytes: Int) -> R) -> R {
        let columnBytes = self.columnBytes(blocks: blocks)
        return withScratch(bytes: columnBytes * n) { scratch in
            for c in 0..<n {
                build(xq + c * blocks * Q8_K.bytesPerBlock, blocks: blocks, into: scratch + c * columnBytes)
            }
            return body(UnsafeRawPointer(scratch), columnBytes)
        }
    }
}
#endif
