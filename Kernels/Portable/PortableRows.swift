import KernelCore
import QuantFormats

/// A weight format's portable row kernel: how one weight row is dotted with a batch of widened activation columns.
protocol PortableRowFormat: SendableMetatype {
    static var weightType: GGMLType { get }
    static var activation: PortableActivation { get }
    /// Quantizes one activation column (bytes identical to the scalar reference's).
    static var quantizeColumn: QuantizeRow { get }
    /// Quads per weight block: a range of quads starts and ends on block boundaries (1 for the 32-value block
    /// formats, 2 for q4_K's super-blocks of 8 sub-blocks, 4 for q6_K's of 16).
    static var quadsPerBlock: Int { get }
    /// Adds the products of `row` over quads `quads` against columns 0..<C.count of `activations` (widened per
    /// `layout`) to each column's four float lanes; a column's output is the sum of its lanes, in lane order, once
    /// every quad has been added in order.
    static func accumulateRow<C: ColumnBatch>(_ row: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                              _ layout: ActivationLayout, quads: Range<Int>,
                                              _ sums: inout PerColumn<SIMD4<Float>>, _ columns: C.Type)
}

/// The row loop shared by every portable variant, and the variants' registration.
///
/// Per call: the activation columns are widened once (`PortableActivation.widen`), then rows are taken in tiles
/// of `rowTile`; within a tile, columns in batches of `columns`, and within a batch, row by row. A tile's weights stay
/// in L1/L2 while every batch of columns passes over them, so for large N the widened activations stream from L2/L3
/// once per tile instead of once per row.
///
/// Known limit: a widened column takes 2 bytes a value, so from K = 16384 on (32 KiB next to the weight stream in
/// a 48 KiB L1) single-column rows slow down by about a third (q4_0: 27 GFLOP/s at K <= 8192, 19 at K >= 16384,
/// thread CPU time, same weight bytes). Cutting K into L1-sized segments over a tile of rows did not help: the
/// weight stream then becomes several interleaved short streams, which the hardware prefetcher follows no better;
/// it would take a segment-major weight repack.
///
/// Each column's float operations are the same, in the same order, whatever the batch size, so a column's result
/// does not depend on `columns` or on N (the prefill-equals-decode test holds bit for bit).
enum PortableRows {
    static let columnChoices = [1, 2, 4]
    static let defaultColumns = 4
    static let rowTileChoices = [16, 64, 256]
    static let defaultRowTile = 256

    static let parameters = [
        TunableParameter(name: .columns, values: columnChoices, defaultValue: defaultColumns,
                         summary: "activation columns per pass over a row (weights decoded once per pass)"),
        TunableParameter(name: .rowTile, values: rowTileChoices, defaultValue: defaultRowTile,
                         summary: "rows per cache tile that every batch of columns passes over"),
    ]

    static func kernel<F: PortableRowFormat>(_ format: F.Type) -> RowKernel {
        RowKernel(activationType: F.activation.type, quantizeColumn: F.quantizeColumn) { weights, xq, n, y, rows, parameters in
            computeRows(F.self, weights.matrix, xq, n, y, rows,
                        columns: parameters[.columns] ?? defaultColumns, rowTile: parameters[.rowTile] ?? defaultRowTile)
        }
    }

    static func computeRows<F: PortableRowFormat>(_: F.Type, _ w: QuantizedMatrix, _ xq: UnsafeRawPointer, _ n: Int,
                                                  _ y: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
                                                  columns: Int, rowTile: Int) {
        precondition(w.type == F.weightType && (1...4).contains(columns) && rowTile > 0)
        let m = w.rows, k = w.columns
        let layout = F.activation.layout(columns: k)
        let sourceBytes = F.activation.type.rowBytes(count: k)!
        let widened = UnsafeMutableRawPointer.allocate(byteCount: layout.columnBytes * n, alignment: AlignedBuffer.alignment)
        defer { widened.deallocate() }
        for c in 0..<n { F.activation.widen(xq + c * sourceBytes, into: widened + c * layout.columnBytes, layout) }

        var tileStart = rows.lowerBound
        while tileStart < rows.upperBound {
            let tile = tileStart..<min(rows.upperBound, tileStart + rowTile)
            var firstColumn = 0
            while firstColumn < n {
                let batch = min(columns, n - firstColumn)
                let activations = UnsafeRawPointer(widened + firstColumn * layout.columnBytes)
                let pass = Pass(w: w, activations: activations, layout: layout, y: y + firstColumn * m, m: m, tile: tile)
                switch batch {
                case 1: pass.run(F.self, OneColumn.self)
                case 2: pass.run(F.self, TwoColumns.self)
                case 3: pass.run(F.self, ThreeColumns.self)
                default: pass.run(F.self, FourColumns.self)
                }
                firstColumn += batch
            }
            tileStart = tile.upperBound
        }
    }

    /// Rows of a tile against one batch of columns; writes y[c * m + r] for the batch's columns c.
    struct Pass {
        let w: QuantizedMatrix
        let activations: UnsafeRawPointer
        let layout: ActivationLayout
        let y: UnsafeMutablePointer<Float>
        let m: Int
        let tile: Range<Int>

        func run<F: PortableRowFormat, C: ColumnBatch>(_: F.Type, _: C.Type) {
            let base = w.bytes.baseAddress!
            for r in tile {
                var sums = PerColumn(repeating: SIMD4<Float>())
                F.accumulateRow(base + r * w.rowBytes, activations, layout, quads: 0..<layout.quads, &sums, C.self)
                for c in 0..<C.count {
                    let lanes = sums[c]
                    y[c * m + r] = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
                }
            }
        }
    }

    /// The single-threaded and threaded variants of a format.
    static func variants<F: PortableRowFormat>(_ format: F.Type, summary: String) -> [KernelVariant] {
        KernelVariant.singleAndThreaded(.portable, .rows, weightType: F.weightType, parameters: parameters, summary: summary,
                                        kernel: kernel(F.self))
    }
}
