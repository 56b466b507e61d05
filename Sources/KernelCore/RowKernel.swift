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

    /// Bytes of one quantized activation column of K values.
    public func columnBytes(k: Int) -> Int { activationType.rowBytes(count: k)! }

    /// Quantizes the n columns of x (K floats each) into `destination`, spreading columns over `threads`.
    public func quantize(_ x: UnsafePointer<Float>, k: Int, n: Int, into destination: UnsafeMutableRawPointer,
                         threads: Int, pool: ThreadPool) {
        let columnBytes = columnBytes(k: k)
        pool.run(tasks: n, threads: threads) { c in quantizeColumn(x + c * k, destination + c * columnBytes, k) }
    }

    /// Every output row from quantized columns: by the caller alone (`threads` 1), or in chunks of `chunk` rows
    /// that the pool's threads take one at a time.
    public func compute(_ weights: PreparedWeights, _ xq: UnsafeRawPointer, n: Int, into y: UnsafeMutablePointer<Float>,
                        parameters: KernelParameters, threads: Int, chunk: Int, pool: ThreadPool) {
        let m = weights.matrix.rows
        guard threads > 1 else { return computeRows(weights, xq, n, y, 0..<m, parameters) }
        pool.run(tasks: (m + chunk - 1) / chunk, threads: threads) { t in
            computeRows(weights, xq, n, y, t * chunk..<min(m, (t + 1) * chunk), parameters)
        }
    }

    /// Both stages with a fresh activation buffer: the generic `KernelRun` of a row-kernel variant.
    func run(_ weights: PreparedWeights, _ x: UnsafeBufferPointer<Float>, n: Int, into y: UnsafeMutableBufferPointer<Float>,
             parameters: KernelParameters, context: KernelContext) {
        let k = weights.matrix.columns
        let (threads, chunk) = KernelVariant.threading(parameters, rows: weights.matrix.rows, alignment: rowAlignment)
        let xq = AlignedBuffer(count: columnBytes(k: k) * n)
        quantize(x.baseAddress!, k: k, n: n, into: xq.base, threads: threads, pool: context.pool)
        compute(weights, xq.base, n: n, into: y.baseAddress!, parameters: parameters, threads: threads, chunk: chunk, pool: context.pool)
    }
}

extension KernelVariant {
    /// Thread counts a threaded variant declares; the tuner prunes those above the host's cores.
    public static let threadChoices = [1, 2, 4, 8, 16]
    /// Rows per task; 0 means rows / (4 * threads), rounded to the kernel's row alignment.
    public static let chunkChoices = [0, 16, 64, 256, 1024]

    /// A single-threaded variant from a row kernel.
    public init(_ instructionSet: InstructionSet, _ method: KernelMethod, weightType: GGMLType, tag: String? = nil,
                requiredFeatures: Set<CPUFeature> = [], parameters: [TunableParameter] = [], summary: String,
                prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                kernel: RowKernel) {
        self.init(VariantIdentity(weightType: weightType, activationType: kernel.activationType, instructionSet: instructionSet,
                                  method: method, tag: tag),
                  requiredFeatures: requiredFeatures, parameters: parameters, summary: summary, prepare: prepare,
                  rowKernel: kernel, run: { kernel.run($0, $1, n: $2, into: $3, parameters: $4, context: $5) })
    }

    /// The multithreaded form of a row kernel: columns are quantized in parallel, then rows are split into chunks
    /// that the pool's threads take one at a time. Adds the `threads` and `chunk` parameters.
    public static func threaded(_ instructionSet: InstructionSet, _ method: KernelMethod, weightType: GGMLType, tag: String? = nil,
                                requiredFeatures: Set<CPUFeature> = [], parameters: [TunableParameter] = [], summary: String,
                                prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                                kernel: RowKernel) -> KernelVariant {
        let cores = HostCPU.current.logicalCores
        let defaultThreads = threadChoices.last { $0 <= cores } ?? 1
        let threading = [
            TunableParameter(name: .threads, values: threadChoices, defaultValue: defaultThreads,
                             summary: "threads, the caller included"),
            TunableParameter(name: .chunk, values: chunkChoices, defaultValue: 0,
                             summary: "rows per task (0: rows / (4 * threads))"),
        ]
        return KernelVariant(
            VariantIdentity(weightType: weightType, activationType: kernel.activationType, instructionSet: instructionSet,
                            method: method, threading: .threaded, tag: tag),
            requiredFeatures: requiredFeatures, parameters: parameters + threading, summary: summary, prepare: prepare,
            rowKernel: kernel, run: { kernel.run($0, $1, n: $2, into: $3, parameters: $4, context: $5) })
    }

    /// One registration of a row kernel: its single-threaded variant and its threaded form, which splits rows over
    /// the pool. `preparedBy` names the parameters a repack depends on (nil: all of them).
    public static func singleAndThreaded(_ instructionSet: InstructionSet, _ method: KernelMethod, weightType: GGMLType,
                                         tag: String? = nil, requiredFeatures: Set<CPUFeature> = [], parameters: [TunableParameter] = [],
                                         summary: String, prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                                         preparedBy: [ParameterName]? = nil, kernel: RowKernel) -> [KernelVariant] {
        let pair = [
            KernelVariant(instructionSet, method, weightType: weightType, tag: tag, requiredFeatures: requiredFeatures,
                          parameters: parameters, summary: summary, prepare: prepare, kernel: kernel),
            threaded(instructionSet, method, weightType: weightType, tag: tag, requiredFeatures: requiredFeatures, parameters: parameters,
                     summary: summary + "; rows split over threads", prepare: prepare, kernel: kernel),
        ]
        return preparedBy.map { names in pair.map { $0.preparedBy(names) } } ?? pair
    }

    /// The thread count and rows per task that resolved parameters ask for: 1 and every row for a single-threaded
    /// variant (it has no `threads` parameter).
    public static func threading(_ parameters: KernelParameters, rows: Int, alignment: Int) -> (threads: Int, chunk: Int) {
        guard let threads = parameters[.threads] else { return (1, rows) }
        return (threads, rowChunk(rows: rows, threads: threads, requested: parameters[.chunk] ?? 0, alignment: alignment))
    }

    /// Rows per task: the request, or rows / (4 * threads); always a positive multiple of `alignment`.
    static func rowChunk(rows: Int, threads: Int, requested: Int, alignment: Int) -> Int {
        let target = requested > 0 ? requested : max(1, rows / (4 * max(threads, 1)))
        return max(alignment, (target + alignment - 1) / alignment * alignment)
    }
}
