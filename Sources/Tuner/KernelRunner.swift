import KernelCore
import QuantFormats

/// Runs candidates for real: builds the problem's data, verifies each candidate against the f64 reference and
/// times runs. Prepared (repacked) weights are shared between candidates that agree on the parameters their
/// variant's preparation depends on.
///
/// Timing is in the model's context by default (`coldBytes`): the model streams every layer's weights from memory
/// once per token, so by the time a matrix comes back it has left the cache. The runner therefore keeps a ring of
/// copies of the weights (prepared per candidate) whose total exceeds the last-level cache, and each sample runs
/// consecutive calls on consecutive copies, shared across candidates, so no call finds its weights cached. The
/// activation stays hot and is f32, as the model hands it over (the kernel quantizes it); the thread pool is
/// the caller's persistent one, as in the model. With `coldBytes` nil each sample is one call on one hot matrix
/// (the classic hot-cache loop).
public final class KernelRunner: CandidateRunner {
    let registry: KernelRegistry
    let context: KernelContext
    let seed: UInt64
    /// Bytes of weight copies to cycle through, or nil to time one hot matrix.
    public let coldBytes: Int?
    private var problem: MatmulProblem?
    private var copies: [QuantizedMatrix] = []
    private var prepared: [String: [PreparedWeights]] = [:]
    private var output: [Float] = []
    private var cursor = 0
    /// Calls per sample: enough for about a millisecond, at most one pass over the ring.
    private(set) var callsPerSample = 1

    /// Twice the last-level cache (32 MiB when it is unknown): the ring a cold run cycles through.
    public static var inContextBytes: Int { 2 * max(HostCPU.current.lastLevelCacheBytes, 32 << 20) }

    public init(registry: KernelRegistry, context: KernelContext, seed: UInt64 = 1, coldBytes: Int? = KernelRunner.inContextBytes) {
        self.registry = registry
        self.context = context
        self.seed = seed
        self.coldBytes = coldBytes
    }

    public func begin(_ p: TuningProblem) throws {
        guard let type = GGMLType(name: p.format) else { throw TunerError("unknown format \(p.format)") }
        let problem = try MatmulProblem(type: type, m: p.m, k: p.k, n: p.n, seed: seed)
        self.problem = problem
        copies = [problem.weights]
        if let coldBytes {
            let count = min(4096, (coldBytes + problem.weightBytes - 1) / problem.weightBytes)
            for _ in 1..<max(1, count) {
                let buffer = AlignedBuffer(copying: problem.weights.bytes)
                copies.append(try QuantizedMatrix(type: type, rows: p.m, columns: p.k, bytes: buffer.bytes, owner: buffer))
            }
            // A rough time per call (bandwidth or int8 arithmetic bound) sizes a sample at about a millisecond.
            let estimate = max(Double(problem.weightBytes) / 20e9, problem.flops / 2e11)
            callsPerSample = max(1, min(copies.count, Int(1e-3 / estimate)))
        } else {
            callsPerSample = 1
        }
        prepared = [:]
        cursor = 0
        output = [Float](repeating: 0, count: p.m * p.n)
    }

    public func end() {
        problem = nil
        copies = []
        prepared = [:]
        output = []
    }

    /// The candidate's prepared weights, one per copy in the ring.
    func weights(for candidate: Candidate, _ variant: KernelVariant) throws -> [PreparedWeights] {
        let key = variant.id + variant.preparationParameters.map { "|\($0)=\(candidate.parameters[$0] ?? -1)" }.joined()
        if let cached = prepared[key] { return cached }
        let parameters = candidate.parameters
        let w = variant.prepare == nil ? copies.map { PreparedWeights(matrix: $0) } : try copies.map { try variant.prepareWeights($0, parameters) }
        prepared[key] = w
        return w
    }

    /// Verification: output poisoned with NaN first and fully written, no NaN or Inf, sampled NMSE against the
    /// f64 product within the format's tolerance, and two runs with identical bits.
    public func verify(_ candidate: Candidate) -> String? {
        guard let problem, let variant = registry.variant(id: candidate.variant) else { return "unknown variant" }
        do {
            let w = try weights(for: candidate, variant)[0]
            func run() throws -> [Float] {
                var y = [Float](repeating: .nan, count: problem.weights.rows * problem.n)
                try problem.x.withUnsafeBufferPointer { x in
                    try y.withUnsafeMutableBufferPointer {
                        try variant.multiply(w, x, n: problem.n, into: $0, parameters: candidate.parameters, context: context)
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

    /// Seconds per call, over `callsPerSample` calls on consecutive copies of the ring.
    public func time(_ candidate: Candidate) -> Double {
        guard let problem, let variant = registry.variant(id: candidate.variant),
              let ring = try? weights(for: candidate, variant) else { return .infinity }
        let parameters = candidate.parameters
        let calls = callsPerSample
        let start = cursor
        cursor = (cursor + calls) % ring.count
        let seconds = problem.x.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                Stopwatch.seconds {
                    for i in 0..<calls { variant.run(ring[(start + i) % ring.count], x, problem.n, y, parameters, context) }
                }
            }
        }
        return seconds / Double(calls)
    }
}
