import QuantFormats

/// One weight matrix bound to one kernel for up to `maxColumns` activation columns, made once (when a model loads):
/// the variant, its resolved parameters and thread split, the prepared (repacked) weights and the scratch for the
/// quantized activation. A call does no lookup, allocation, zeroing or parameter resolution.
///
/// A row-kernel variant runs as two stages, so that a caller with several products of the same input (q, k and v;
/// gate and up) can quantize the input once (`quantize`) and hand it to each (`multiply(quantized:)`).
public final class MatmulPlan: @unchecked Sendable {
    public let variant: KernelVariant
    public let parameters: KernelParameters
    public let weights: PreparedWeights
    public let maxColumns: Int
    let context: KernelContext
    let threads: Int, chunk: Int
    /// Where `multiply(_:n:into:)` quantizes the activation: the plan's own, or one its maker shares between plans
    /// that are called one at a time.
    let scratch: AlignedBuffer

    /// `parameters` must be resolved (`KernelVariant.resolve`) and `weights` prepared by `variant`. Without
    /// `scratch` the plan allocates its own.
    public init(variant: KernelVariant, parameters: KernelParameters, weights: PreparedWeights, maxColumns: Int,
                scratch: AlignedBuffer? = nil, context: KernelContext = .shared) throws {
        guard weights.matrix.type == variant.weightType else {
            throw KernelError("\(variant.id) multiplies \(variant.weightType.name) weights, not \(weights.matrix.type.name)")
        }
        guard maxColumns > 0 else { throw KernelError("a plan needs room for at least one column, got \(maxColumns)") }
        self.variant = variant
        self.parameters = parameters
        self.weights = weights
        self.maxColumns = maxColumns
        self.context = context
        let alignment = variant.rowKernel?.rowAlignment ?? 1
        (threads, chunk) = KernelVariant.threading(parameters, rows: weights.matrix.rows, alignment: alignment)
        let needed = variant.rowKernel.map { $0.columnBytes(k: weights.matrix.columns) * maxColumns } ?? 0
        if let scratch, scratch.count < needed {
            throw KernelError("\(variant.id): the shared activation buffer holds \(scratch.count) bytes; \(maxColumns) columns need \(needed)")
        }
        self.scratch = scratch ?? AlignedBuffer(count: needed)
    }

    public var rows: Int { weights.matrix.rows }
    public var columns: Int { weights.matrix.columns }

    /// The format the compute stage reads, when the variant has separate stages (nil: it takes f32 as it is).
    public var activationType: GGMLType? { variant.rowKernel?.activationType }

    /// Bytes of the quantized activation of n columns.
    public func activationBytes(n: Int) -> Int { variant.rowKernel.map { $0.columnBytes(k: columns) * n } ?? 0 }

    /// y = W x for n <= maxColumns columns (x: n columns of K floats; y: n columns of M floats).
    @inline(__always)
    public func multiply(_ x: UnsafePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(n >= 1 && n <= maxColumns, "\(variant.id): \(n) columns, the plan has room for 1...\(maxColumns)")
        guard variant.rowKernel != nil else {
            return variant.run(weights, UnsafeBufferPointer(start: x, count: n * columns), n,
                               UnsafeMutableBufferPointer(start: y, count: n * rows), parameters, context)
        }
        quantize(x, n: n, into: scratch.base)
        multiply(quantized: scratch.base, n: n, into: y)
    }

    /// The activation stage alone: n columns of x quantized into `destination` (`activationBytes(n:)` bytes).
    @inline(__always)
    public func quantize(_ x: UnsafePointer<Float>, n: Int, into destination: UnsafeMutableRawPointer) {
        variant.rowKernel!.quantize(x, k: columns, n: n, into: destination, threads: threads, pool: context.pool)
    }

    /// True when `other`'s compute stage can read what this plan's `quantize` writes: the same activation format,
    /// quantized by the same instruction set's code (so sharing changes no byte).
    public func sharesActivation(with other: MatmulPlan) -> Bool {
        activationType != nil && activationType == other.activationType && columns == other.columns
            && variant.instructionSet == other.variant.instructionSet
    }

    /// The compute stage alone, from columns quantized by `quantize` of this plan or one it `sharesActivation` with.
    @inline(__always)
    public func multiply(quantized xq: UnsafeRawPointer, n: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(n >= 1 && n <= maxColumns, "\(variant.id): \(n) columns, the plan has room for 1...\(maxColumns)")
        variant.rowKernel!.compute(weights, xq, n: n, into: y, parameters: parameters, threads: threads, chunk: chunk,
                                   pool: context.pool)
    }
}
