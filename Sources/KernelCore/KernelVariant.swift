import QuantFormats

/// The family a variant belongs to; benchmark and registry rows show it.
public enum KernelKind: String, Sendable, Codable, CaseIterable {
    /// f64 product of the dequantized weights: the answer every variant is judged against.
    case exact
    /// Scalar integer block dot products, as ggml's generic C code.
    case reference
    case simd, tiled, threaded
}

/// One tunable knob of a variant, with the values the tuner may try.
public struct TunableParameter: Sendable, Codable, Equatable {
    public let name: String
    public let values: [Int]
    public let defaultValue: Int
    public let summary: String

    public init(name: String, values: [Int], defaultValue: Int, summary: String) {
        precondition(values.contains(defaultValue), "default of \(name) must be one of its values")
        self.name = name
        self.values = values
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// Chosen values for a variant's tunable parameters (missing ones take their defaults).
public struct KernelParameters: Sendable, Codable, Hashable, CustomStringConvertible {
    public var values: [String: Int]
    public init(_ values: [String: Int] = [:]) { self.values = values }
    public subscript(name: String) -> Int? { values[name] }
    public var description: String {
        values.isEmpty ? "defaults" : values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// Weights after a variant's one-time preparation: the original matrix plus, for variants that repack, their own
/// layout (for example 8 rows interleaved block by block).
public struct PreparedWeights: @unchecked Sendable {
    public let matrix: QuantizedMatrix
    public let layout: String
    public let packed: AnyObject?

    public init(matrix: QuantizedMatrix, layout: String = "rows", packed: AnyObject? = nil) {
        self.matrix = matrix
        self.layout = layout
        self.packed = packed
    }
}

/// Computes y = W x for `n` activation columns. `x` holds n columns of W.columns floats one after another; `y`
/// receives n columns of W.rows floats. Shapes and parameters are validated before a run is called.
public typealias KernelRun = @Sendable (_ weights: PreparedWeights, _ x: UnsafeBufferPointer<Float>, _ n: Int,
                                        _ y: UnsafeMutableBufferPointer<Float>, _ parameters: KernelParameters,
                                        _ context: KernelContext) -> Void

/// One dequantize-matmul implementation, as the registry lists it.
public struct KernelVariant: Sendable {
    /// Stable id naming operands, instruction set and method, e.g. `q4_0xq8_0.avx512.tiled`.
    public let id: String
    public let weightType: GGMLType
    /// The format activations are converted to before the dot products (f32 for the exact reference).
    public let activationType: GGMLType
    public let kind: KernelKind
    public let requiredFeatures: Set<CPUFeature>
    public let parameters: [TunableParameter]
    public let summary: String
    /// One-time weight preparation (repacking); nil means the variant reads the rows as stored.
    public let prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)?
    /// The parameters `prepare` depends on: prepared weights are shared between parameter choices that agree on
    /// these (the tuner keeps one repacked copy per distinct value, not one per candidate).
    public var preparationParameters: [String]
    public let run: KernelRun
    /// The two stages `run` is made of, when the variant is built from a row kernel: a `MatmulPlan` calls them
    /// directly, so activations quantized once can serve several products.
    public let rowKernel: RowKernel?

    public init(id: String, weightType: GGMLType, activationType: GGMLType, kind: KernelKind,
                requiredFeatures: Set<CPUFeature> = [], parameters: [TunableParameter] = [], summary: String,
                prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                rowKernel: RowKernel? = nil, run: @escaping KernelRun) {
        self.id = id
        self.weightType = weightType
        self.activationType = activationType
        self.kind = kind
        self.requiredFeatures = requiredFeatures
        self.parameters = parameters
        self.summary = summary
        self.prepare = prepare
        self.preparationParameters = prepare == nil ? [] : parameters.map(\.name)
        self.run = run
        self.rowKernel = rowKernel
    }

    /// The instruction-set part of the id (`avx512` in `q4_0xq8_0.avx512.tiled`) and the method part (`tiled`).
    public var instructionSet: String { Self.idPart(id, 1) }
    public var method: String { Self.idPart(id, 2) }
    static func idPart(_ id: String, _ index: Int) -> String {
        let parts = id.split(separator: ".")
        return index < parts.count ? String(parts[index]) : ""
    }

    /// Preference among instruction sets when nothing was measured: the widest first (lower is preferred).
    public static func instructionSetRank(ofID id: String) -> Int {
        ["avx512": 0, "avx2": 1, "portable": 2, "scalar": 3][idPart(id, 1)] ?? 4
    }

    /// This variant declaring that its `prepare` depends only on the named parameters.
    public func preparedBy(_ names: [String]) -> KernelVariant {
        var copy = self
        copy.preparationParameters = names
        return copy
    }

    /// `parameters` completed with defaults; throws on an unknown name or a value outside the declared range.
    public func resolve(_ parameters: KernelParameters) throws -> KernelParameters {
        for name in parameters.values.keys where !self.parameters.contains(where: { $0.name == name }) {
            let known = self.parameters.map(\.name)
            throw KernelError("\(id) has no parameter '\(name)'" + (known.isEmpty ? " (it has none)" : "; it has \(known.joined(separator: ", "))"))
        }
        var resolved = KernelParameters()
        for p in self.parameters {
            let value = parameters[p.name] ?? p.defaultValue
            guard p.values.contains(value) else {
                throw KernelError("\(id): \(p.name)=\(value) is not one of \(p.values.map(String.init).joined(separator: ", "))")
            }
            resolved.values[p.name] = value
        }
        return resolved
    }

    /// Runs the variant's preparation step, or wraps the rows unchanged.
    public func prepareWeights(_ matrix: QuantizedMatrix, _ parameters: KernelParameters = .init()) throws -> PreparedWeights {
        guard matrix.type == weightType else {
            throw KernelError("\(id) multiplies \(weightType.name) weights, not \(matrix.type.name)")
        }
        let resolved = try resolve(parameters)
        return prepare?(matrix, resolved) ?? PreparedWeights(matrix: matrix)
    }

    /// y = W x with every precondition checked: the safe entry point for commands and tests.
    public func multiply(_ weights: PreparedWeights, _ x: UnsafeBufferPointer<Float>, n: Int,
                         into y: UnsafeMutableBufferPointer<Float>, parameters: KernelParameters = .init(),
                         context: KernelContext = .shared) throws {
        let w = weights.matrix
        guard w.type == weightType else { throw KernelError("\(id) multiplies \(weightType.name) weights, not \(w.type.name)") }
        guard n > 0 else { throw KernelError("\(id): N must be at least 1, got \(n)") }
        guard x.count == w.columns * n else {
            throw KernelError("\(id): x has \(x.count) values; K x N = \(w.columns) x \(n) needs \(w.columns * n)")
        }
        guard y.count == w.rows * n else {
            throw KernelError("\(id): y has room for \(y.count) values; M x N = \(w.rows) x \(n) needs \(w.rows * n)")
        }
        run(weights, x, n, y, try resolve(parameters), context)
    }

    /// Convenience for tests and commands: prepare, multiply, return y (n columns of M).
    public func multiply(_ matrix: QuantizedMatrix, _ x: [Float], n: Int, parameters: KernelParameters = .init()) throws -> [Float] {
        let prepared = try prepareWeights(matrix, parameters)
        var y = [Float](repeating: .nan, count: matrix.rows * n)
        try x.withUnsafeBufferPointer { xb in
            try y.withUnsafeMutableBufferPointer { yb in try multiply(prepared, xb, n: n, into: yb, parameters: parameters) }
        }
        return y
    }
}
