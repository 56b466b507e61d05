import KernelCatalog
import KernelCore
import QuantFormats
import Tuner

/// Which kernel multiplies a weight matrix, and how: the tuning database's choice for the shape when this CPU and
/// build have one, else the default rule below. Prepared (repacked) weights are made once per matrix and choice.
/// One caller at a time (a session's thread): the caches are plain dictionaries; the kernels themselves fan out.
public final class MatmulDispatch: @unchecked Sendable {
    public struct Choice: Sendable, CustomStringConvertible {
        public let variant: KernelVariant
        public let parameters: KernelParameters
        /// "tuned" (exact bucket), "tuned~" (nearest bucket) or "default".
        public let origin: String
        public var description: String { "\(variant.id) [\(parameters)] (\(origin))" }
    }

    /// Which kernels to use: the fast ones (tuned, else defaults); the scalar references, which compute exactly
    /// ggml's integer block dots (same activation rounding, no fast-kernel error); or the exact ones (f32 activations,
    /// f64 sums: no activation rounding), to split the fast path's distance from the f64 reference into its causes.
    public enum Policy: String, Sendable, CaseIterable { case fast, reference, exact }

    public let threads: Int
    public let policy: Policy
    public let defaultRule: DefaultKernelRule
    public let registry: KernelRegistry
    let database: TuningDatabase?
    let key: TuningKey
    let context: KernelContext
    private var choices: [ChoiceKey: Choice] = [:]
    private var prepared: [PreparedKey: PreparedWeights] = [:]

    struct ChoiceKey: Hashable { let type: GGMLType, m: Int, k: Int, batch: BatchClass }
    struct PreparedKey: Hashable { let matrix: UnsafeRawPointer, variant: String, parameters: KernelParameters }

    public init(threads: Int, database: TuningDatabase? = nil, policy: Policy = .fast, defaultRule: DefaultKernelRule = .widest,
                registry: KernelRegistry = KernelCatalog.registry, context: KernelContext = .shared) {
        self.threads = max(1, threads)
        self.policy = policy
        self.defaultRule = defaultRule
        self.database = database
        self.registry = registry
        self.context = context
        key = .current
    }

    /// The kernel for `matrix` times n columns at this dispatcher's thread count.
    public func choice(for matrix: QuantizedMatrix, n: Int) throws -> Choice {
        // The tuner's classes, which split where the default rule changes, so a cached choice fits every N in its class.
        let key = ChoiceKey(type: matrix.type, m: matrix.rows, k: matrix.columns, batch: BatchClass(n: n))
        if let c = choices[key] { return c }
        let c = switch policy {
        case .reference, .exact: try plainChoice(matrix.type, method: policy == .exact ? .exact : .reference)
        case .fast: try tunedChoice(matrix, n: n) ?? defaultChoice(matrix.type, n: n)
        }
        choices[key] = c
        return c
    }

    /// `matrix` bound to its kernel for n columns, with room for up to `maxColumns` (at least n): what a model calls
    /// per token. The weights are prepared (repacked) here, once per matrix and choice.
    public func plan(for matrix: QuantizedMatrix, n: Int, maxColumns: Int? = nil, scratch: AlignedBuffer? = nil) throws -> MatmulPlan {
        let c = try choice(for: matrix, n: n)
        return try MatmulPlan(variant: c.variant, parameters: c.parameters, weights: try preparedWeights(matrix, c),
                              maxColumns: max(n, maxColumns ?? n), scratch: scratch, context: context)
    }

    /// y = W x for n columns (x: n columns of W.columns, y: n columns of W.rows), with every shape checked: for
    /// commands and tests; a model calls its plans.
    public func multiply(_ matrix: QuantizedMatrix, _ x: UnsafeBufferPointer<Float>, n: Int,
                         into y: UnsafeMutableBufferPointer<Float>) throws {
        let c = try choice(for: matrix, n: n)
        try c.variant.multiply(try preparedWeights(matrix, c), x, n: n, into: y, parameters: c.parameters, context: context)
    }

    func preparedWeights(_ matrix: QuantizedMatrix, _ c: Choice) throws -> PreparedWeights {
        guard c.variant.prepare != nil else { return PreparedWeights(matrix: matrix) }
        let relevant = c.parameters.restricted(to: c.variant.preparationParameters)
        let key = PreparedKey(matrix: matrix.bytes.baseAddress!, variant: c.variant.id, parameters: relevant)
        if let p = prepared[key] { return p }
        let p = try c.variant.prepareWeights(matrix, c.parameters)
        prepared[key] = p
        return p
    }

    /// The database's winner for this shape and thread count, when it names a variant this build and CPU have and
    /// beat the default (a decision that kept the default leaves the choice to this dispatcher's default rule).
    func tunedChoice(_ matrix: QuantizedMatrix, n: Int) throws -> Choice? {
        guard let database,
              let (decision, exact) = database.lookup(format: matrix.type.name, m: matrix.rows, k: matrix.columns,
                                                      n: n, threads: threads, key: key),
              decision.bucket.threads == threads, !decision.keepsDefault,
              let variant = registry.variant(id: decision.winner.variant),
              registry.availability(of: variant).supported else { return nil }
        let parameters = try variant.resolve(decision.winner.parameters)
        return Choice(variant: variant, parameters: parameters, origin: exact ? "tuned" : "tuned~")
    }

    func plainChoice(_ type: GGMLType, method: KernelMethod) throws -> Choice {
        guard let v = registry.supported(weightType: type).first(where: { $0.method == method }) else {
            throw ModelError("no \(method.rawValue) kernel for \(type.name)")
        }
        return Choice(variant: v, parameters: try v.resolve(KernelParameters()), origin: method.rawValue)
    }

    /// Without a tuning result: the shared default rule (`DefaultKernelRule`), which the tuner measures against.
    func defaultChoice(_ type: GGMLType, n: Int) throws -> Choice {
        guard let (variant, parameters) = defaultRule.choose(type, n: n, threads: threads, registry: registry) else {
            throw ModelError("no kernel multiplies \(type.name) weights on this CPU")
        }
        return Choice(variant: variant, parameters: parameters, origin: "default")
    }
}

extension MatmulDispatch {
    /// One line per distinct (format, shape, batch) of a model: which kernel runs it and why.
    public func describeChoices(for model: TransformerModel, batches: [Int]) throws -> [String] {
        var seen = Set<String>(), lines: [String] = []
        for n in batches {
            for m in model.weights.allMatrices + [model.weights.output] {
                let line = "\(m.type.name) \(m.rows)x\(m.columns) N=\(n): \(try choice(for: m, n: n))"
                if seen.insert(line).inserted { lines.append(line) }
            }
        }
        return lines
    }
}
