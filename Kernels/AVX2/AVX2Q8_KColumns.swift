#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q8_K activation columns as received, plus, per column and super-block, the 8 sums of 32 codes (the pairwise sums of
/// q8_K's 16 bsums, as int16) that q4_K's minimums multiply. ggml recomputes them with `hadd` for every row; here
/// they are computed once per call (16 bytes per super-block and column).
struct AVX2Q8_KColumns {
    let base: UnsafeRawPointer
    let columnBytes: Int
    let blocks: Int
    let subBlockSums: UnsafeRawPointer
    /// Bytes ahead of the weight stream to prefetch (0: none); set by the caller for the whole call.
    var prefetch = 0
    static let sumsBytes = 16

    init(_ xq: UnsafeRawPointer, n: Int, blocks: Int, storage: AlignedBuffer) {
        precondition(storage.count >= n * blocks * Self.sumsBytes, "sum table storage too small")
        base = xq
        columnBytes = blocks * Q8_K.bytesPerBlock
        self.blocks = blocks
        for c in 0..<n {
            for b in 0..<blocks {
                let bsums = xq + c * columnBytes + b * Q8_K.bytesPerBlock + Q8_K.sumsOffset
                // Each bsum is at most 16 * 128 in magnitude, so pairs fit int16.
                let pairs = _mm_hadd_epi16(bsums.loadUnaligned(as: __m128i.self), bsums.loadUnaligned(fromByteOffset: 16, as: __m128i.self))
                storage.base.storeBytes(of: pairs, toByteOffset: (c * blocks + b) * Self.sumsBytes, as: __m128i.self)
            }
        }
        subBlockSums = UnsafeRawPointer(storage.base)
    }

    @inline(__always) func column(_ c: Int) -> UnsafeRawPointer { base + c &* columnBytes }
    @inline(__always) func subBlockSums(_ c: Int) -> UnsafeRawPointer { subBlockSums + c &* blocks &* Self.sumsBytes }

    static func with<Result>(_ xq: UnsafeRawPointer, n: Int, blocks: Int, prefetch: Int,
                             _ body: (AVX2Q8_KColumns) -> Result) -> Result {
        let storage = AlignedBuffer(count: n * blocks * sumsBytes)
        return withExtendedLifetime(storage) {
            var columns = AVX2Q8_KColumns(xq, n: n, blocks: blocks, storage: storage)
            columns.prefetch = prefetch
            return body(columns)
        }
    }
}
#endif

#if arch(x86_64)
/// The driver and registration every register-tiled q8_K kernel shares (the K-quants and iq4_xs).
extension AVX2RowTileKernel where Columns == AVX2Q8_KColumns {
    static func computeRows(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>,
                            _ rows: Range<Int>, _ parameters: KernelParameters) {
        let w = weights.matrix
        AVX2Q8_KColumns.with(xq, n: n, blocks: w.columns / Q8_K.blockSize, prefetch: AVX2Prefetch.distance(parameters)) { x in
            AVX2TileShapes.compute(Self.self, parameters, w, x, n: n, y, rows: rows)
        }
    }

    /// `weights.avx2.rows` and `.threaded` with q8_K activations.
    static func q8_KVariants(_ weights: GGMLType, summary: String) -> [KernelVariant] {
        let kernel = RowKernel(activationType: .q8_K, quantizeColumn: AVX2Quantize.q8_K, computeRows: computeRows)
        return AVX2Variants.rowsAndThreaded(weights: weights, parameters: AVX2TileShapes.parameters, summary: summary, kernel: kernel)
    }
}
#endif
