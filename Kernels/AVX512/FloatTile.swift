#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore

/// The register-tiled loop of the AVX-512 f32 and f16 row kernels, over one call's rows and columns.
///
/// Rows are taken up to `tileRows` at a time and, for each group of rows, columns up to `tileColumns` at a time
/// (edges take the largest of 4, 2, 1 that fits): a tile of rows x columns zmm accumulators (at most 16, with the
/// tile's 4 activation registers and a weight register well inside the 32 zmm). Per step of 16 values, each row's
/// weights are loaded (and widened) once and multiplied into every column, and each column's activations are loaded
/// once and serve every row: prefill does one load per FMA at a 4 x 4 tile, where a row-at-a-time kernel does
/// 1 + 1 / C.
///
/// With more columns than one tile holds (prefill), a group of rows is cut into segments of `depth` values: every
/// batch of columns passes over one segment before the next, the tile's partial sums parked in a scratch buffer in
/// between, so the segment's weights are read from memory once and then from L1 (four f32 rows of 4096 values
/// are 64 KiB, more than a 48 KiB L1 holds, and were re-read from L2 by every batch).
///
/// Each (row, column) pair has one accumulator that takes an FMA of every 16 values in order, then the masked
/// tail, then `_mm512_reduce_add_ps`. Parking it is exact, so that sequence does not depend on the tile shape, the
/// depth, the prefetch distance, N or the thread split: a column's result is bit-identical whether it was computed
/// alone or beside others.
struct FloatTile {
    let k: Int, m: Int, depth: Int, prefetch: Int
    /// Column c's f32 activations at `activations + c * stride` bytes.
    let activations: UnsafeRawPointer, stride: Int
    /// Partial sums of a group of rows between segments: pair (r, c) at (c * 4 + r) * 64 bytes.
    let parked: UnsafeMutableRawPointer
    let y: UnsafeMutablePointer<Float>

    static func parkedBytes(columns n: Int) -> Int { n * 4 * 64 }

    /// The largest tile side of 4, 2, 1 that is at most `limit` and `remaining`.
    @inline(__always) static func side(_ limit: Int, _ remaining: Int) -> Int {
        let most = min(limit, remaining)
        return most >= 4 ? 4 : (most >= 2 ? 2 : 1)
    }

    func forEach<F: FloatRowFormat>(_: F.Type, _ w: QuantizedMatrix, rows: Range<Int>, tileRows: Int,
                                    tileColumns: Int, n: Int) {
        var r = rows.lowerBound
        while r < rows.upperBound {
            let height = Self.side(tileRows, rows.upperBound - r)
            var start = 0
            while start < k {
                let span = start..<min(k, start + depth)
                var c = 0
                while c < n {
                    let width = Self.side(tileColumns, n - c)
                    // Later batches find the segment in cache: only the first prefetches.
                    let p = Pass(span: span, firstRow: r, firstColumn: c, prefetch: c == 0 ? prefetch : 0)
                    let a = activations + c * stride, s = stride
                    switch (height, width) {
                    case (4, 4): run(F.self, [w.row(r), w.row(r + 1), w.row(r + 2), w.row(r + 3)], [a, a + s, a + 2 * s, a + 3 * s], p)
                    case (4, 2): run(F.self, [w.row(r), w.row(r + 1), w.row(r + 2), w.row(r + 3)], [a, a + s], p)
                    case (4, _): run(F.self, [w.row(r), w.row(r + 1), w.row(r + 2), w.row(r + 3)], [a], p)
                    case (2, 4): run(F.self, [w.row(r), w.row(r + 1)], [a, a + s, a + 2 * s, a + 3 * s], p)
                    case (2, 2): run(F.self, [w.row(r), w.row(r + 1)], [a, a + s], p)
                    case (2, _): run(F.self, [w.row(r), w.row(r + 1)], [a], p)
                    case (_, 4): run(F.self, [w.row(r)], [a, a + s, a + 2 * s, a + 3 * s], p)
                    case (_, 2): run(F.self, [w.row(r)], [a, a + s], p)
                    default: run(F.self, [w.row(r)], [a], p)
                    }
                    c += width
                }
                start = span.upperBound
            }
            r += height
        }
    }

    /// One tile over one segment: which values, which outputs, how far ahead to prefetch.
    struct Pass {
        let span: Range<Int>
        let firstRow: Int, firstColumn: Int
        let prefetch: Int
    }

    /// The tile's R rows against its C columns over `pass.span`: starts from zero or the parked sums, and ends by
    /// parking them or, after the last segment, writing y[(firstColumn + c) * m + firstRow + r].
    @inline(__always)
    func run<F: FloatRowFormat, let R: Int, let C: Int>(_: F.Type, _ rows: InlineArray<R, UnsafeRawPointer>,
                                                        _ columns: InlineArray<C, UnsafeRawPointer>, _ pass: Pass) {
        var acc = InlineArray<R, InlineArray<C, __m512>>(repeating: InlineArray(repeating: _mm512_setzero_ps()))
        let parkedAt = parked + pass.firstColumn &* 4 &* 64
        if pass.span.lowerBound > 0 {
            for r in 0..<R {
                for c in 0..<C { acc[r][c] = parkedAt.load(fromByteOffset: (c &* 4 &+ r) &* 64, as: __m512.self) }
            }
        }
        var i = pass.span.lowerBound
        let end = pass.span.upperBound
        if pass.prefetch > 0 {
            // One cache line of each row per round, each prefetched `prefetch` bytes ahead.
            let lineValues = 64 / F.valueBytes
            while i &+ lineValues <= end {
                for r in 0..<R { llvmPrefetch(rows[r] + (i &* F.valueBytes &+ pass.prefetch), 0, 3, 1) }
                var s = 0
                while s < lineValues { Self.step(F.self, &acc, rows, columns, i &+ s); s &+= 16 }
                i &+= lineValues
            }
        }
        while i &+ 16 <= end { Self.step(F.self, &acc, rows, columns, i); i &+= 16 }
        if i < end { Self.tail(F.self, &acc, rows, columns, i, count: end &- i) }
        if end < k {
            for r in 0..<R {
                for c in 0..<C { parkedAt.storeBytes(of: acc[r][c], toByteOffset: (c &* 4 &+ r) &* 64, as: __m512.self) }
            }
        } else {
            for r in 0..<R {
                for c in 0..<C { y[(pass.firstColumn &+ c) &* m &+ pass.firstRow &+ r] = AVX512Vector.sum(acc[r][c]) }
            }
        }
    }

    /// acc[r][c] += weights i ..< i + 16 of row r times the same values of column c. (A static function taking the
    /// accumulators inout: a nested function capturing them made Swift box them, with an exclusivity check per step.)
    @inline(__always)
    static func step<F: FloatRowFormat, let R: Int, let C: Int>(_: F.Type, _ acc: inout InlineArray<R, InlineArray<C, __m512>>,
                                                                _ rows: InlineArray<R, UnsafeRawPointer>,
                                                                _ columns: InlineArray<C, UnsafeRawPointer>, _ i: Int) {
        var x = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        for c in 0..<C { x[c] = columns[c].loadUnaligned(fromByteOffset: 4 &* i, as: __m512.self) }
        for r in 0..<R {
            let w = F.load16(rows[r], i)
            for c in 0..<C { acc[r][c] = _mm512_fmadd_ps(w, x[c], acc[r][c]) }
        }
    }

    /// As `step` for the last `count` (< 16) values: masked loads read nothing past the row or the column.
    @inline(__always)
    static func tail<F: FloatRowFormat, let R: Int, let C: Int>(_: F.Type, _ acc: inout InlineArray<R, InlineArray<C, __m512>>,
                                                                _ rows: InlineArray<R, UnsafeRawPointer>,
                                                                _ columns: InlineArray<C, UnsafeRawPointer>, _ i: Int, count: Int) {
        let mask = __mmask16(truncatingIfNeeded: (1 << count) &- 1)
        var x = InlineArray<C, __m512>(repeating: _mm512_setzero_ps())
        for c in 0..<C { x[c] = _mm512_maskz_loadu_ps(mask, columns[c] + 4 &* i) }
        for r in 0..<R {
            let w = F.loadMasked(rows[r], i, mask)
            for c in 0..<C { acc[r][c] = _mm512_fmadd_ps(w, x[c], acc[r][c]) }
        }
    }
}
#endif
