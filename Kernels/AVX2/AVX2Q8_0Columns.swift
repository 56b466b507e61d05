#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// q8_0 activation columns as received, plus two small tables built once per `computeRows` call:
///
///     scales   n x blocks floats       the block scale d, converted from f16 once instead of once per row
///     offsets  n x blocks x 16 bytes   int32 [offset * sum(q), 0, 0, 0] (only when `offset` is not 0)
///
/// `offsets` serves kernels that multiply unsigned weight codes (q4_0's q + 8) with `maddubs` and take the offset
/// back exactly in int32: broadcast to both 128-bit halves it corrects lane 0 of each row of a row pair.
struct AVX2Q8_0Columns {
    let base: UnsafeRawPointer
    let columnBytes: Int
    let blocks: Int
    let scales: UnsafePointer<Float>
    let offsets: UnsafeRawPointer
    /// Bytes ahead of the weight stream to prefetch (0: none); set by the caller for the whole call.
    var prefetch = 0
    static let offsetBytes = 16

    init(_ xq: UnsafeRawPointer, n: Int, blocks: Int, offset: Int32, storage: AlignedBuffer) {
        precondition(storage.count >= Self.storageBytes(n: n, blocks: blocks, offset: offset), "column table storage too small")
        base = xq
        columnBytes = blocks * Q8_0.bytesPerBlock
        self.blocks = blocks
        let scalesOut = storage.base.bindMemory(to: Float.self, capacity: n * blocks)
        let offsetsOut = storage.base + Self.offsetsStart(n: n, blocks: blocks)
        let ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1)
        for c in 0..<n {
            for b in 0..<blocks {
                let block = xq + c * columnBytes + b * Q8_0.bytesPerBlock
                scalesOut[c * blocks + b] = AVX2BlockPairColumns.half(block)
                guard offset != 0 else { continue }
                let codes = block.loadUnaligned(fromByteOffset: Q8_0.quantsOffset, as: __m256i.self)
                let sum = unsafeBitCast(_mm256_madd_epi16(_mm256_maddubs_epi16(ones8, codes), ones16), to: SIMD8<Int32>.self).wrappedSum()
                offsetsOut.storeBytes(of: SIMD4<Int32>(offset &* sum, 0, 0, 0), toByteOffset: (c * blocks + b) * Self.offsetBytes, as: SIMD4<Int32>.self)
            }
        }
        scales = UnsafePointer(scalesOut)
        offsets = UnsafeRawPointer(offsetsOut)
    }

    static func offsetsStart(n: Int, blocks: Int) -> Int {
        (n * blocks * MemoryLayout<Float>.stride + AlignedBuffer.alignment - 1) / AlignedBuffer.alignment * AlignedBuffer.alignment
    }

    static func storageBytes(n: Int, blocks: Int, offset: Int32) -> Int {
        offsetsStart(n: n, blocks: blocks) + (offset != 0 ? n * blocks * offsetBytes : 0)
    }

    @inline(__always) func column(_ c: Int) -> UnsafeRawPointer { base + c &* columnBytes }
    @inline(__always) func scales(_ c: Int) -> UnsafePointer<Float> { scales + c &* blocks }
    @inline(__always) func offsets(_ c: Int) -> UnsafeRawPointer { offsets + c &* blocks &* Self.offsetBytes }

    /// Runs `body` with tables for the columns at `xq`, allocated for this call only.
    static func with<Result>(_ xq: UnsafeRawPointer, n: Int, blocks: Int, offset: Int32, prefetch: Int,
                             _ body: (AVX2Q8_0Columns) -> Result) -> Result {
        let storage = AlignedBuffer(count: storageBytes(n: n, blocks: blocks, offset: offset))
        return withExtendedLifetime(storage) {
            var columns = AVX2Q8_0Columns(xq, n: n, blocks: blocks, offset: offset, storage: storage)
            columns.prefetch = prefetch
            return body(columns)
        }
    }
}
#endif
