import KernelCore
import QuantFormats

/// An unquantized weight format (f32, f16) as the portable float row kernel reads it. Each is dotted against
/// activations in its own format, as ggml's CPU backend does (`vec_dot_type` of F32 is F32, of F16 is F16).
protocol PortableFloatFormat: SendableMetatype {
    static var weightType: GGMLType { get }
    /// Converts one activation column to `weightType` (bytes identical to the scalar reference's).
    static var quantizeColumn: QuantizeRow { get }
    /// Weights `index ..< index + 4` of `row`, as floats.
    static func load4(_ row: UnsafeRawPointer, _ index: Int) -> SIMD4<Float>
    /// Weight `index` of `row`, as a float.
    static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float
    /// Widens `count` values in this format (a weight row or a converted activation column) to floats, exactly.
    static func widen(_ values: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int)
    /// True when values are stored as floats already (widening is a copy).
    static var storesFloats: Bool { get }
}

/// The tile loop shared by the portable f32 and f16 variants, and their registration.
///
/// Per call, every activation column is widened to floats once, padded with zeros to a multiple of 4. Rows are
/// then taken `rows` at a time and, within a group of rows, columns `columns` at a time: a register tile of
/// rows x columns accumulators, so each loaded weight vector serves every column of the tile and each activation
/// vector every row (prefill), and at decode (one column) the rows give independent add chains to hide latency.
/// At the edges a tile takes the largest of 4, 2, 1 rows (columns) that fits.
///
/// With more columns than one tile holds (prefill), a format that is not stored as floats (f16) has each group of
/// rows widened into a float scratch once, and the tiles read that: the conversion (a dozen integer operations per
/// four values, more than the products) is then paid once per row instead of once per batch of columns. The widened
/// values are exactly the ones the decode path converts in registers, so results do not change.
///
/// Each (row, column) pair has one `SIMD4<Float>` accumulator that takes `w * x` (a multiply, then an add: baseline
/// x86-64 has no FMA, and Swift does not contract) for every group of four values in order, then the zero-padded tail,
/// then is summed as (l0 + l1) + (l2 + l3). That sequence does not depend on the tile shape, on N or on the thread
/// split, so a column's result is bit-identical whether it was computed alone or beside others. One accumulator per
/// pair, rather than several, keeps a 4 x 2 tile in baseline x86-64's 16 vector registers.
///
/// Defaults, measured on the 2-core AMD EPYC (Zen 5) this lab runs on (SSE2 code), single thread, minimum of
/// interleaved rounds on a shared machine: at 4096 x 4096 x 64, f32 runs at 22 GFLOP/s with 4 x 2 tiles, 21 with
/// 2 x 4 and 18 with 4 x 4 (which spills); f16, rows widened, at 34 with 4 x 2 or 2 x 4 and 17 with 4 x 4. At
/// decode f16 is bound by the conversion: 4096 x 4096 takes 10-12 ms with 4 rows and 26 ms with 1.
enum PortableFloatRows {
    static let rowChoices = [1, 2, 4]
    static let defaultRows = 4
    static let columnChoices = [1, 2, 4]
    static let defaultColumns = 2

    static let parameters = [
        TunableParameter(name: .rows, values: rowChoices, defaultValue: defaultRows,
                         summary: "weight rows per register tile (independent accumulator chains at decode)"),
        TunableParameter(name: .columns, values: columnChoices, defaultValue: defaultColumns,
                         summary: "activation columns per register tile (each weight vector reused this many times)"),
    ]

    static func kernel<F: PortableFloatFormat>(_: F.Type) -> RowKernel {
        RowKernel(activationType: F.weightType, quantizeColumn: F.quantizeColumn, rowAlignment: rowChoices.last!) {
            weights, xq, n, y, rows, parameters in
            computeRows(F.self, weights.matrix, xq, n, y, rows, tileRows: parameters[.rows] ?? defaultRows,
                        tileColumns: parameters[.columns] ?? defaultColumns)
        }
    }

    /// The largest tile side of 4, 2, 1 that is at most `limit` and `remaining`.
    @inline(__always) static func side(_ limit: Int, _ remaining: Int) -> Int {
        let most = min(limit, remaining)
        return most >= 4 ? 4 : (most >= 2 ? 2 : 1)
    }

    static func computeRows<F: PortableFloatFormat>(_: F.Type, _ w: QuantizedMatrix, _ xq: UnsafeRawPointer, _ n: Int,
                                                    _ y: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
                                                    tileRows: Int, tileColumns: Int) {
        precondition(w.type == F.weightType && rowChoices.contains(tileRows) && columnChoices.contains(tileColumns),
                     "parameters are validated against their declared values")
        let m = w.rows, k = w.columns
        let padded = (k + 3) / 4 * 4
        let sourceBytes = F.weightType.rowBytes(count: k)!
        let widened = UnsafeMutableRawPointer.allocate(byteCount: max(1, padded * n) * 4, alignment: AlignedBuffer.alignment)
            .bindMemory(to: Float.self, capacity: padded * n)
        defer { widened.deallocate() }
        for c in 0..<n {
            let column = widened + c * padded
            F.widen(xq + c * sourceBytes, into: column, count: k)
            (column + k).initialize(repeating: 0, count: padded - k)
        }
        let tile = Tile(k: k, m: m, padded: padded, activations: widened, y: y)
        // Rows widened once per group when several column batches will read them (see above).
        let widenRows = !F.storesFloats && n > tileColumns
        let rowScratch = UnsafeMutableRawPointer.allocate(byteCount: widenRows ? tileRows * padded * 4 : 4,
                                                          alignment: AlignedBuffer.alignment)
            .bindMemory(to: Float.self, capacity: widenRows ? tileRows * padded : 1)
        defer { rowScratch.deallocate() }
        var r = rows.lowerBound
        while r < rows.upperBound {
            let height = side(tileRows, rows.upperBound - r)
            if widenRows {
                for j in 0..<height {
                    F.widen(w.row(r + j), into: rowScratch + j * padded, count: k)
                    (rowScratch + j * padded + k).initialize(repeating: 0, count: padded - k)
                }
                tile.columns(PortableF32.self, height: height, rowAt: { UnsafeRawPointer(rowScratch + $0 * padded) },
                             firstRow: r, n: n, tileColumns: tileColumns)
            } else {
                tile.columns(F.self, height: height, rowAt: { w.row(r + $0) }, firstRow: r, n: n, tileColumns: tileColumns)
            }
            r += height
        }
    }

    /// One register tile: R weight rows against C widened activation columns, written to y[c * m + r].
    struct Tile {
        let k: Int, m: Int, padded: Int
        let activations: UnsafeMutablePointer<Float>
        let y: UnsafeMutablePointer<Float>

        /// Every batch of columns against the `height` rows starting at `firstRow`, whose data `rowAt(j)` gives.
        @inline(__always)
        func columns<F: PortableFloatFormat>(_: F.Type, height: Int, rowAt: (Int) -> UnsafeRawPointer, firstRow r: Int,
                                             n: Int, tileColumns: Int) {
            var c = 0
            while c < n {
                let width = PortableFloatRows.side(tileColumns, n - c)
                switch (height, width) {
                case (4, 4): run(F.self, [rowAt(0), rowAt(1), rowAt(2), rowAt(3)], firstRow: r, firstColumn: c, FourColumns.self)
                case (4, 2): run(F.self, [rowAt(0), rowAt(1), rowAt(2), rowAt(3)], firstRow: r, firstColumn: c, TwoColumns.self)
                case (4, _): run(F.self, [rowAt(0), rowAt(1), rowAt(2), rowAt(3)], firstRow: r, firstColumn: c, OneColumn.self)
                case (2, 4): run(F.self, [rowAt(0), rowAt(1)], firstRow: r, firstColumn: c, FourColumns.self)
                case (2, 2): run(F.self, [rowAt(0), rowAt(1)], firstRow: r, firstColumn: c, TwoColumns.self)
                case (2, _): run(F.self, [rowAt(0), rowAt(1)], firstRow: r, firstColumn: c, OneColumn.self)
                case (_, 4): run(F.self, [rowAt(0)], firstRow: r, firstColumn: c, FourColumns.self)
                case (_, 2): run(F.self, [rowAt(0)], firstRow: r, firstColumn: c, TwoColumns.self)
                default: run(F.self, [rowAt(0)], firstRow: r, firstColumn: c, OneColumn.self)
                }
                c += width
            }
        }

        @inline(__always)
        func run<F: PortableFloatFormat, let R: Int, C: ColumnBatch>(_: F.Type, _ rows: InlineArray<R, UnsafeRawPointer>,
                                                                     firstRow: Int, firstColumn: Int, _: C.Type) {
            let columns = UnsafeRawPointer(activations + firstColumn * padded)
            let stride = padded * 4
            var sums = InlineArray<R, PerColumn<SIMD4<Float>>>(repeating: PerColumn(repeating: SIMD4<Float>()))
            let whole = k & ~3
            var i = 0
            while i < whole {
                for r in 0..<R {
                    let w = F.load4(rows[r], i)
                    for c in 0..<C.count {
                        sums[r][c] += w * columns.load(fromByteOffset: c &* stride &+ 4 &* i, as: SIMD4<Float>.self)
                    }
                }
                i &+= 4
            }
            if i < k {
                // The last 1-3 weights, zeros after them; the activations' padding is zeros too.
                for r in 0..<R {
                    var w = SIMD4<Float>()
                    for j in 0..<(k - i) { w[j] = F.load1(rows[r], i + j) }
                    for c in 0..<C.count {
                        sums[r][c] += w * columns.load(fromByteOffset: c &* stride &+ 4 &* i, as: SIMD4<Float>.self)
                    }
                }
            }
            for r in 0..<R {
                for c in 0..<C.count {
                    let lanes = sums[r][c]
                    y[(firstColumn + c) * m + firstRow + r] = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
                }
            }
        }
    }

    /// The single-threaded and threaded variants of a format.
    static func variants<F: PortableFloatFormat>(_ format: F.Type, summary: String) -> [KernelVariant] {
        KernelVariant.singleAndThreaded(.portable, .rows, weightType: F.weightType, parameters: parameters, summary: summary,
                                        kernel: kernel(F.self))
    }
}
