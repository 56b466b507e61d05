#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelCore
import QuantFormats

/// An unquantized weight format (f32, f16) as the AVX-512 float row kernel reads it: 16 weights per register,
/// widened to f32, and the activation columns as f32 values.
protocol FloatRowFormat: SendableMetatype {
    static var weightType: GGMLType { get }
    /// Bytes per weight (4 or 2); a 64-byte cache line of a row holds 64 / valueBytes weights.
    static var valueBytes: Int { get }
    /// Converts one activation column to `weightType` (ggml's `from_float`: a copy for f32, f16 rounding for f16).
    static var quantizeColumn: QuantizeRow { get }
    /// Weights `index ..< index + 16` of `row`.
    static func load16(_ row: UnsafeRawPointer, _ index: Int) -> __m512
    /// The weights of `row` from `index` in the lanes set in `mask` (a run of low lanes), zeros elsewhere; reads no
    /// byte past them.
    static func loadMasked(_ row: UnsafeRawPointer, _ index: Int, _ mask: __mmask16) -> __m512
    /// Calls `body` with the n converted activation columns as f32 values (column c at `base + c * stride` bytes).
    static func withFloatColumns<R>(_ xq: UnsafeRawPointer, k: Int, n: Int,
                                    _ body: (_ base: UnsafeRawPointer, _ stride: Int) -> R) -> R
}

/// The AVX-512 f32 and f16 row kernels: their parameters, the kernel built on `FloatTile`, and their registration.
///
/// Defaults, measured on the 2-core AMD EPYC (Zen 5) this lab runs on, single thread, minimum of interleaved rounds
/// (the machine is shared, so only large gaps count):
/// - `rows` 4 at prefill: 4096 x 4096 x 64 f32 runs at 90-104 GFLOP/s with 4 rows, 60 with 2, 38 with 1 (a plain
///   16-chain FMA loop peaks at 113 GFLOP/s on this machine); f16 at 95-117, 71 and 40.
/// - `decodeRows` 1: with one pass over the weights, one read stream beats four: f16 14336 x 4096 decode takes
///   3.8 ms median with 1 row, 5.3 with 4 and 6.3 with 2; f32 is within noise either way.
/// - `depth` 1024: 1024 x 14336 x 64 f32 runs at 67 GFLOP/s with 512- or 1024-value segments, 47 with whole rows.
enum FloatRows {
    static let rowChoices = [1, 2, 4]
    static let defaultRows = 4
    static let defaultDecodeRows = 1
    static let columnChoices = [1, 2, 4]
    static let defaultColumns = 4
    /// Segment lengths (multiples of 32: whole cache lines of f16 and f32 rows); 0 takes whole rows.
    static let depthChoices = [0, 512, 1024, 2048]
    static let defaultDepth = 1024

    static let parameters = [
        TunableParameter(name: .rows, values: rowChoices, defaultValue: defaultRows,
                         summary: "weight rows per register tile when N needs several column batches (prefill)"),
        TunableParameter(name: .decodeRows, values: rowChoices, defaultValue: defaultDecodeRows,
                         summary: "weight rows per register tile when all N columns fit one batch (decode): read streams at once"),
        TunableParameter(name: .columns, values: columnChoices, defaultValue: defaultColumns,
                         summary: "activation columns per register tile (each widened weight register reused this many times)"),
        TunableParameter(name: .depth, values: depthChoices, defaultValue: defaultDepth,
                         summary: "values of a row segment that every column batch passes over before the next (0: whole rows)"),
        Prefetch.parameter,
    ]

    static func kernel<F: FloatRowFormat>(_: F.Type) -> RowKernel {
        RowKernel(activationType: F.weightType, quantizeColumn: F.quantizeColumn, rowAlignment: rowChoices.last!) {
            weights, xq, n, y, rows, parameters in
            let w = weights.matrix
            let tileColumns = parameters[.columns] ?? defaultColumns
            let onePass = n <= tileColumns
            let tileRows = onePass ? parameters[.decodeRows] ?? defaultDecodeRows : parameters[.rows] ?? defaultRows
            let requestedDepth = parameters[.depth] ?? defaultDepth
            precondition(w.type == F.weightType && rowChoices.contains(tileRows) && columnChoices.contains(tileColumns)
                         && requestedDepth % 32 == 0, "parameters are validated against their declared values")
            // One batch of columns reads each segment once anyway: whole rows, nothing parked.
            let depth = !onePass && requestedDepth > 0 ? requestedDepth : w.columns
            F.withFloatColumns(xq, k: w.columns, n: n) { base, stride in
                withScratch(bytes: depth < w.columns ? FloatTile.parkedBytes(columns: n) : 0) { parked in
                    let tile = FloatTile(k: w.columns, m: w.rows, depth: depth,
                                         prefetch: parameters[.prefetch] ?? Prefetch.defaultValue,
                                         activations: base, stride: stride, parked: parked, y: y)
                    tile.forEach(F.self, w, rows: rows, tileRows: tileRows, tileColumns: tileColumns, n: n)
                }
            }
        }
    }

    /// `FMTxFMT.avx512.rows` (one thread) and `FMTxFMT.avx512.threaded`.
    static func variants<F: FloatRowFormat>(_: F.Type, summary: String) -> [KernelVariant] {
        KernelVariant.singleAndThreaded(.avx512, .rows, weightType: F.weightType, requiredFeatures: AVX512RowVariants.features,
                                        parameters: parameters, summary: summary, kernel: kernel(F.self))
    }
}
#endif
