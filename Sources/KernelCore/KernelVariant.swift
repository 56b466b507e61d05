import QuantFormats

/// The knobs variants declare: one list, so a knob has one name in every variant, database, report and flag.
public enum ParameterName: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// Threads, the caller included (threaded variants).
    case threads
    /// Rows per task of a threaded variant.
    case chunk
    /// Columns or rows per register tile; rows per tile in the one-pass (decode) case; depth of a K panel.
    case columns, rows, decodeRows, rowTile, depth
    /// Prefetch distance in blocks; weights per K slice and activation columns per cache panel of a repack.
    case prefetch, slice, panel

    /// The name in flags (`--param NAME=V`), databases and JSON.
    public var name: String {
        switch self {
        case .threads: "threads"
        case .chunk: "chunk"
        case .columns: "columns"
        case .rows: "rows"
        case .decodeRows: "decode_rows"
        case .rowTile: "row_tile"
        case .depth: "depth"
        case .prefetch: "prefetch"
        case .slice: "slice"
        case .panel: "panel"
        }
    }
    public var description: String { name }
    public init?(name: String) {
        guard let p = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = p
    }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One tunable knob of a variant, with the values the tuner may try.
public struct TunableParameter: Sendable, Equatable {
    public let name: ParameterName
    public let values: [Int]
    public let defaultValue: Int
    public let summary: String

    public init(name: ParameterName, values: [Int], defaultValue: Int, summary: String) {
        precondition(values.contains(defaultValue), "default of \(name) must be one of its values")
        self.name = name
        self.values = values
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// Chosen values for a variant's tunable parameters (missing ones take their defaults). Reads in kernels are an
/// array index; databases and reports see `named`.
public struct KernelParameters: Sendable, Hashable, Codable, CustomStringConvertible {
    private var slots = [Int?](repeating: nil, count: ParameterName.allCases.count)

    public init(_ values: [ParameterName: Int] = [:]) {
        for (p, v) in values { slots[p.rawValue] = v }
    }

    /// From names as databases and flags write them; throws on a name no variant declares.
    public init(named values: [String: Int]) throws {
        for (name, v) in values {
            guard let p = ParameterName(name: name) else {
                throw KernelError("no kernel parameter is called '\(name)'; they are \(ParameterName.allCases.map(\.name).joined(separator: ", "))")
            }
            slots[p.rawValue] = v
        }
    }

    @inline(__always) public subscript(_ p: ParameterName) -> Int? {
        get { slots[p.rawValue] }
        set { slots[p.rawValue] = newValue }
    }

    /// The parameters that are set, in `ParameterName` order.
    public var names: [ParameterName] { ParameterName.allCases.filter { slots[$0.rawValue] != nil } }
    public var isEmpty: Bool { names.isEmpty }
    public var named: [String: Int] { Dictionary(uniqueKeysWithValues: names.map { ($0.name, slots[$0.rawValue]!) }) }

    /// Only the parameters in `kept`.
    public func restricted(to kept: [ParameterName]) -> KernelParameters {
        var r = KernelParameters()
        for p in kept { r[p] = self[p] }
        return r
    }

    public var description: String {
        isEmpty ? "defaults" : named.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public init(from decoder: any Decoder) throws {
        let values = try [String: Int](from: decoder)
        do { try self.init(named: values) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }
    public func encode(to encoder: any Encoder) throws { try named.encode(to: encoder) }
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
    public let identity: VariantIdentity
    /// `identity.id`, kept: e.g. `q4_0xq8_0.avx512.tiled`.
    public let id: String
    public let requiredFeatures: Set<CPUFeature>
    public let parameters: [TunableParameter]
    public let summary: String
    /// One-time weight preparation (repacking); nil means the variant reads the rows as stored.
    public let prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)?
    /// The parameters `prepare` depends on: prepared weights are shared between parameter choices that agree on
    /// these (the tuner keeps one repacked copy per distinct value, not one per candidate).
    public var preparationParameters: [ParameterName]
    public let run: KernelRun
    /// The two stages `run` is made of, when the variant is built from a row kernel: a `MatmulPlan` calls them
    /// directly, so activations quantized once can serve several products.
    public let rowKernel: RowKernel?

    public init(_ identity: VariantIdentity, requiredFeatures: Set<CPUFeature> = [], parameters: [TunableParameter] = [],
                summary: String, prepare: (@Sendable (QuantizedMatrix, KernelParameters) -> PreparedWeights)? = nil,
                rowKernel: RowKernel? = nil, run: @escaping KernelRun) {
        self.identity = identity
        id = identity.id
        self.requiredFeatures = requiredFeatures
        self.parameters = parameters
        self.summary = summary
        self.prepare = prepare
        self.preparationParameters = prepare == nil ? [] : parameters.map(\.name)
        self.run = run
        self.rowKernel = rowKernel
    }

    public var weightType: GGMLType { identity.weightType }
    /// The format activations are converted to before the dot products (f32 for the exact reference).
    public var activationType: GGMLType { identity.activationType }
    public var instructionSet: InstructionSet { identity.instructionSet }
    public var method: KernelMethod { identity.method }
    public var threading: Threading { identity.threading }

    /// This variant declaring that its `prepare` depends only on the named parameters.
    public func preparedBy(_ names: [ParameterName]) -> KernelVariant {
        var copy = self
        copy.preparationParameters = names
        return copy
    }

    /// `parameters` completed with defaults; throws on a parameter this variant lacks or a value outside its range.
    public func resolve(_ parameters: KernelParameters) throws -> KernelParameters {
        for name in parameters.names where !self.parameters.contains(where: { $0.name == name }) {
            let known = self.parameters.map(\.name.name)
            throw KernelError("\(id) has no parameter '\(name)'" + (known.isEmpty ? " (it has none)" : "; it has \(known.joined(separator: ", "))"))
        }
        var resolved = KernelParameters()
        for p in self.parameters {
            let value = parameters[p.name] ?? p.defaultValue
            guard p.values.contains(value) else {
                throw KernelError("\(id): \(p.name)=\(value) is not one of \(p.values.map(String.init).joined(separator: ", "))")
            }
            resolved[p.name] = value
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
