import KernelCore
import QuantFormats

/// Runs candidates for real: builds the problem's data, verifies each candidate against the f64 reference and
/// times single runs. Prepared (repacked) weights are shared between candidates that agree on the parameters their
/// variant's preparation depends on.
public final class KernelRunner: CandidateRunner {
    let registry: KernelRegistry
    let context: KernelContext
    let seed: UInt64
    private var problem: MatmulProblem?
    private var prepared: [String: PreparedWeights] = [:]
    private var output: [Float] = []

    public init(registry: KernelRegistry, context: KernelContext, seed: UInt64 = 1) {
        self.registry = registry
        self.context = context
        self.seed = seed
    }

    public func begin(_ p: TuningProblem) throws {
        guard let type = GGMLType(name: p.format) else { throw TunerError("unknown format \(p.format)") }
        problem = try MatmulProblem(type: type, m: p.m, k: p.k, n: p.n, seed: seed)
        prepared = [:]
        output = [Float](repeating: 0, count: p.m * p.n)
    }

    public func end() {
        problem = nil
        prepared = [:]
        output = []
    }

    func weights(for candidate: Candidate, _ variant: KernelVariant) throws -> PreparedWeights {
        let key = variant.id + variant.preparationParameters.map { "|\($0)=\(candidate.parameters[$0] ?? -1)" }.joined()
        if let cached = prepared[key] { return cached }
        let w = try variant.prepareWeights(problem!.weights, KernelParameters(candidate.parameters))
        prepared[key] = w
        return w
    }

    /// Verification: output poisoned with NaN first and fully written, no NaN or Inf, sampled NMSE against the
    /// f64 product within the format's tolerance, and two runs with identical bits.
    public func verify(_ candidate: Candidate) -> String? {
        guard let problem, let variant = registry.variant(id: candidate.variant) else { return "unknown variant" }
        do {
            let w = try weights(for: candidate, variant)
            func run() throws -> [Float] {
                var y = [Float](repeating: .nan, count: problem.weights.rows * problem.n)
                try problem.x.withUnsafeBufferPointer { x in
                    try y.withUnsafeMutableBufferPointer {
                        try variant.multiply(w, x, n: problem.n, into: $0, parameters: KernelParameters(candidate.parameters), context: context)
                    }
                }
                return y
            }
            let first = try run()
            if let bad = first.firstIndex(where: { !$0.isFinite }) {
                return "output \(bad) is \(first[bad]) (NaN/Inf, or never written)"
            }
            let tolerance = FormatTraits.of(variant.weightType)!.tolerance.matmulNMSE
            let error = problem.sampledError(first)
            if !(error <= tolerance) { return "NMSE \(error) against f64 exceeds the tolerance \(tolerance)" }
            let second = try run()
            if let differs = first.indices.first(where: { first[$0].bitPattern != second[$0].bitPattern }) {
                return "two runs differ at output \(differs)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    public func time(_ candidate: Candidate) -> Double {
        guard let problem, let variant = registry.variant(id: candidate.variant),
              let w = try? weights(for: candidate, variant) else { return .infinity }
        let parameters = KernelParameters(candidate.parameters)
        return problem.x.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                Stopwatch.seconds { variant.run(w, x, problem.n, y, parameters, context) }
            }
        }
    }
}
