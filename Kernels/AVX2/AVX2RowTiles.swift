#if arch(x86_64)
import KernelCore

/// A register-tiled kernel over weight rows as stored: it computes the R x C outputs of R weight rows against C
/// activation columns in one pass over K, so each unpacked weight block serves C columns and each activation block
/// serves R rows. R and C are compile-time (value generics), so accumulators live in registers and loops unroll.
protocol AVX2RowTileKernel {
    /// What the kernel reads besides the weight rows: the activation columns and tables derived from them.
    associatedtype Columns

    /// Outputs[c][r] = dot(row r, column columns[c]). `rows` may repeat a row (to pad a tail tile); the driver
    /// discards the repeats' outputs.
    static func tile<let R: Int, let C: Int>(_ rows: InlineArray<R, UnsafeRawPointer>, _ columns: InlineArray<C, Int>,
                                               _ activations: Columns) -> InlineArray<C, InlineArray<R, Float>>
}

/// Covers rows x columns with R x C tiles. Columns go in panels (so a panel's activations stay in cache while every
/// row tile passes over them); within a panel, rows go in tiles of R (the last tile repeats its last row rather than
/// needing its own code), and for each row tile the panel's columns go in groups of C, then one group of those that
/// remain, computed by the tile specialised for exactly that many columns, so N = 1 never pays for C columns.
enum AVX2RowTiles<let R: Int, let C: Int> {
    /// Largest column remainder a specialisation exists for: `columns` parameters above 4 would need more.
    static var largestColumnGroup: Int { 4 }

    @inline(__always)
    static func compute<Kernel: AVX2RowTileKernel>(_ kernel: Kernel.Type, _ weights: QuantizedMatrix,
                                                   _ activations: Kernel.Columns, n: Int, panel: Int,
                                                   _ y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        precondition(C <= largestColumnGroup, "column groups above \(largestColumnGroup) have no remainder tiles")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= weights.rows, "rows \(rows) outside the matrix")
        let m = weights.rows, rowBytes = weights.rowBytes, base = weights.bytes.baseAddress!
        let step = panel > 0 ? panel : n
        var panelStart = 0
        while panelStart < n {
            let panelEnd = min(n, panelStart + step)
            var first = rows.lowerBound
            while first < rows.upperBound {
                let valid = min(R, rows.upperBound - first)
                let tileRows = InlineArray<R, UnsafeRawPointer> { base + (first + min($0, valid - 1)) * rowBytes }
                var column = panelStart
                while column + C <= panelEnd {
                    let start = column
                    store(Kernel.tile(tileRows, InlineArray<C, Int> { start + $0 }, activations), y, m, first, valid, start)
                    column += C
                }
                let start = column
                switch panelEnd - column {
                case 1: store(Kernel.tile(tileRows, InlineArray<1, Int>(repeating: start), activations), y, m, first, valid, start)
                case 2: store(Kernel.tile(tileRows, InlineArray<2, Int> { start + $0 }, activations), y, m, first, valid, start)
                case 3: store(Kernel.tile(tileRows, InlineArray<3, Int> { start + $0 }, activations), y, m, first, valid, start)
                default: break
                }
                first += R
            }
            panelStart = panelEnd
        }
    }

    @inline(__always)
    static func store<let G: Int>(_ outputs: InlineArray<G, InlineArray<R, Float>>, _ y: UnsafeMutablePointer<Float>,
                                  _ m: Int, _ firstRow: Int, _ validRows: Int, _ firstColumn: Int) {
        for c in 0..<G {
            for r in 0..<R where r < validRows { y[(firstColumn + c) * m + firstRow + r] = outputs[c][r] }
        }
    }
}

/// The register-tile shapes compiled in, chosen at run time by the `rows` and `columns` parameters.
enum AVX2TileShapes {
    /// One row streams the matrix sequentially, which DRAM-bound decode needs on this machine (two or more
    /// interleaved row streams read at under half the bandwidth, with or without software prefetch); more rows
    /// share each activation load, which can pay off on other cores or when the weights come from cache.
    static let rows = TunableParameter(
        name: .rows, values: [1, 2, 4], defaultValue: 1,
        summary: "weight rows per register tile (1 reads one sequential stream; more share activation loads)")
    static let columns = TunableParameter(
        name: .columns, values: [1, 2, 4], defaultValue: 4,
        summary: "activation columns per register tile; each unpacked weight block serves them all")
    static let panel = TunableParameter(
        name: .panel, values: [0, 16, 64, 256], defaultValue: 64,
        summary: "activation columns per cache panel: every row tile of a task runs over one panel before the next, so the panel stays in L2 (0: all columns at once)")
    static var parameters: [TunableParameter] { [rows, columns, panel, AVX2Prefetch.parameter] }

    static func compute<Kernel: AVX2RowTileKernel>(_ kernel: Kernel.Type, _ parameters: KernelParameters,
                                                   _ weights: QuantizedMatrix, _ activations: Kernel.Columns, n: Int,
                                                   _ y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let panel = parameters[Self.panel.name] ?? Self.panel.defaultValue
        switch (parameters[Self.rows.name] ?? Self.rows.defaultValue, parameters[Self.columns.name] ?? Self.columns.defaultValue) {
        case (1, 1): AVX2RowTiles<1, 1>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (1, 2): AVX2RowTiles<1, 2>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (1, 4): AVX2RowTiles<1, 4>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (2, 1): AVX2RowTiles<2, 1>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (2, 2): AVX2RowTiles<2, 2>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (2, 4): AVX2RowTiles<2, 4>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (4, 1): AVX2RowTiles<4, 1>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (4, 2): AVX2RowTiles<4, 2>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case (4, 4): AVX2RowTiles<4, 4>.compute(kernel, weights, activations, n: n, panel: panel, y, rows: rows)
        case let shape: preconditionFailure("AVX2 tile \(shape) is not compiled in")
        }
    }
}
#endif
