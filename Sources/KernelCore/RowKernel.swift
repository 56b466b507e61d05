import QuantFormats

/// The two stages of a quantized product, as ggml splits them: quantize each activation column once, then compute
/// output rows from the (possibly repacked) weights. Variants built from a `RowKernel` get shape checks, activation
/// handling and a multithreaded form for free.
public struct RowKernel: Sendable {
    /// Computes y[c * M + r] for r in `rows` and c in 0..<n. `xq` holds n activation columns of
    /// `activationType.rowBytes(K)` bytes each.
    public typealias ComputeRows = @Sendable (_ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int,
                                              _ y: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
                                              _ parameters: KernelParameters) -> Void

    public let activationType: GGMLType
    /// Quantizes one column of K floats into `activationType` (ggml's `from_float`, vectorised per instruction set).
    public let quantizeColumn: QuantizeRow
    public let computeRows: ComputeRows
    /// Row ranges handed to `computeRows` start at multiples of this (8 for an 8-row interleaved layout).
    public let rowAlignment: Int

    public init(activationType: GGMLType, quantizeColumn: @escaping QuantizeRow, rowAlignment: Int = 1,
                computeRows: @escaping ComputeRows) {
        self.activationType = activationType
        self.quantizeColumn = quantizeColumn
        self.rowAlignment = rowAlignment
        self.computeRows = computeRows
    }

    /// Quantizes the n columns of x into a new buffer, spreading columns over `threads`.
    func quantize(_ x: UnsafeBufferPointer<Float>, k: Int, n: Int, threads: Int, pool: ThreadPool) -> AlignedBuffer {
        let columnBytes = activationType.rowBytes(count: k)!
        let buffer = AlignedBuffer(count: columnBytes * n)
        let source = x.baseAddress!, destination = buffer.base
        pool.run(tasks: n, threads: threads) { c in quantizeColumn(source + c * k, destination + c * columnBytes, k) }
        return buffer
    }
}

extension KernelVariant {
    /// Thread counts a threaded variant declares; the tuner prunes those above the host's cores.
    public static let threadChoices = [1, 2, 4, 8, 16]
    /// Rows per task; 0 means rows / (4 * threads), rounded to the kernel's row alignment.
    public static let chunkChoices = [0, 16, 64, 256, 1024]

    /// A single-threaded variant from a row kernel.
    public init(id: String, weightType: GGMLType, kind: KernelKind, requiredFeatures: Set<CPUFeature> = [],
                parameters: [TunableParameter] = [], summary: String,
                prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                kernel: RowKernel) {
        self.init(id: id, weightType: weightType, activationType: kernel.activationType, kind: kind,
                  requiredFeatures: requiredFeatures, parameters: parameters, summary: summary, prepare: prepare,
                  run: { weights, x, n, y, parameters, context in
                      let xq = kernel.quantize(x, k: weights.matrix.columns, n: n, threads: 1, pool: context.pool)
                      kernel.computeRows(weights, xq.base, n, y.baseAddress!, 0..<weights.matrix.rows, parameters)
                  })
    }

    /// The multithreaded form of a row kernel: columns are quantized in parallel, then rows are split into chunks
    /// that the pool's threads take one at a time. Adds the `threads` and `chunk` parameters.
    public static func threaded(id: String, weightType: GGMLType, requiredFeatures: Set<CPUFeature> = [],
                                parameters: [TunableParameter] = [], summary: String,
                                prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                                kernel: RowKernel) -> KernelVariant {
        let cores = HostCPU.current.logicalCores
        let defaultThreads = threadChoices.last { $0 <= cores } ?? 1
        let threading = [
            TunableParameter(name: "threads", values: threadChoices, defaultValue: defaultThreads,
                             summary: "threads, the caller included"),
            TunableParameter(name: "chunk", values: chunkChoices, defaultValue: 0,
                             summary: "rows per task (0: rows / (4 * threads))"),
        ]
        return KernelVariant(
            id: id, weightType: weightType, activationType: kernel.activationType, kind: .threaded,
            requiredFeatures: requiredFeatures, parameters: parameters + threading, summary: summary, prepare: prepare,
            run: { weights, x, n, y, parameters, context in
                let threads = parameters["threads"] ?? defaultThreads
                let m = weights.matrix.rows
                let xq = kernel.quantize(x, k: weights.matrix.columns, n: n, threads: threads, pool: context.pool)
                let chunk = rowChunk(rows: m, threads: threads, requested: parameters["chunk"] ?? 0, alignment: kernel.rowAlignment)
                let tasks = (m + chunk - 1) / chunk
                let yBase = y.baseAddress!, xqBase = UnsafeRawPointer(xq.base)
                context.pool.run(tasks: tasks, threads: threads) { t in
                    kernel.computeRows(weights, xqBase, n, yBase, t * chunk..<min(m, (t + 1) * chunk), parameters)
                }
            })
    }

    /// Rows per task: the request, or rows / (4 * threads); always a positive multiple of `alignment`.
    static func rowChunk(rows: Int, threads: Int, requested: Int, alignment: Int) -> Int {
        let target = requested > 0 ? requested : max(1, rows / (4 * max(threads, 1)))
        return max(alignment, (target + alignment - 1) / alignment * alignment)
    }
}
