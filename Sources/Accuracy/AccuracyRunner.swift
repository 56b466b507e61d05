import KernelCore
import QuantFormats

/// Runs every supported variant of a registry over the case list and measures each against the registry's f64
/// exact reference. It measures only; `BaselineRule.judge` gives the verdicts.
public struct AccuracyRunner: Sendable {
    public let registry: KernelRegistry
    public let cases: [CheckCase]
    /// Threads given to threaded variants: 2, so chunking and the pool's hand-off are exercised on any machine.
    public let threads: Int
    public let cpu: HostCPU
    let context: KernelContext

    /// Without `cases`, the registry's own list (`CheckCases.cases(for:)`).
    public init(registry: KernelRegistry, cases: [CheckCase]? = nil, threads: Int = 2, cpu: HostCPU = .current) {
        self.registry = registry
        self.cases = cases ?? CheckCases.cases(for: registry, cpu: cpu)
        self.threads = threads
        self.cpu = cpu
        context = KernelContext(pool: ThreadPool(capacity: max(threads, 1)))
    }

    /// Measures the variants selected by `variant` (an id) and `formats` (nil: all), format by format; calls
    /// `progress` once per variant with its case count and worst NMSE.
    public func run(variant: String? = nil, formats: [GGMLType]? = nil,
                    progress: (String) -> Void = { _ in }) throws -> [CaseResult] {
        if let variant {
            guard let v = registry.variant(id: variant) else { throw AccuracyError("no variant '\(variant)'; 'quantlab list' shows the ids") }
            let availability = registry.availability(of: v, on: cpu)
            guard availability.supported else { throw AccuracyError("\(variant) cannot run here: \(availability.reason ?? "")") }
            guard v.method != .exact else { throw AccuracyError("\(variant) is the f64 reference itself; name a variant to check against it") }
        }
        var results: [CaseResult] = []
        for traits in FormatTraits.weightFormats where formats?.contains(traits.type) ?? true {
            let variants = registry.supported(on: cpu, weightType: traits.type)
                .filter { $0.method != .exact && (variant == nil || $0.id == variant) }
            guard !variants.isEmpty else { continue }
            guard let exact = registry.exact(for: traits.type) else {
                throw AccuracyError("the registry has no f64 exact variant for \(traits.name) to check its variants against")
            }
            var perVariant: [String: [CaseResult]] = [:]
            for c in cases where c.fits(traits.type) {
                let data = try CaseData.make(c.data, type: traits.type, m: c.m, k: c.k, n: c.n, seed: c.seed)
                let expected = try exact.multiply(data.weights, data.x, n: c.n)
                for v in variants {
                    let result = try measure(v, c, data, expected: expected, tolerance: traits.tolerance.matmulNMSE)
                    perVariant[v.id, default: []].append(result)
                }
            }
            for v in variants {
                let rows = perVariant[v.id] ?? []
                results += rows
                let worst = rows.max { $0.nmse / $0.tolerance < $1.nmse / $1.tolerance }
                progress("check: \(v.id): \(rows.count) cases, worst NMSE \(sci(worst?.nmse ?? 0)) (\(worst?.case ?? "-")), tolerance \(sci(traits.tolerance.matmulNMSE))")
            }
        }
        return results
    }

    /// The parameters a variant runs with in the check: its defaults, with `threads` for threaded variants.
    public func parameters(for variant: KernelVariant) -> KernelParameters {
        variant.parameters.contains { $0.name == .threads } ? KernelParameters([.threads: threads]) : KernelParameters()
    }

    func measure(_ variant: KernelVariant, _ c: CheckCase, _ data: CaseData, expected: [Float], tolerance: Double) throws -> CaseResult {
        let parameters = parameters(for: variant)
        let prepared = try variant.prepareWeights(data.weights, parameters)
        let y = try Self.multiply(variant, prepared, data.x, n: c.n, unaligned: c.unaligned, parameters: parameters, context: context)
        return CaseResult(variant: variant.id, format: variant.weightType.name, case: c.name, shape: c.shape,
                          data: c.data.rawValue, threads: parameters[.threads] ?? 1,
                          nmse: ErrorMetrics.nmse(y, expected), max_abs: ErrorMetrics.maxAbsoluteError(y, expected),
                          tolerance: tolerance, reproduce: c.reproduceCommand(variant: variant.id, parameters: parameters.named))
    }

    /// y = W x through `variant`; with `unaligned`, x and y sit one float past the start of their storage.
    /// y starts as NaN, so an output the kernel never writes shows as an infinite error.
    public static func multiply(_ variant: KernelVariant, _ prepared: PreparedWeights, _ x: [Float], n: Int, unaligned: Bool,
                                parameters: KernelParameters, context: KernelContext) throws -> [Float] {
        let offset = unaligned ? 1 : 0
        let m = prepared.matrix.rows
        let xs = [Float](repeating: 0, count: offset) + x
        var ys = [Float](repeating: .nan, count: offset + m * n)
        try xs.withUnsafeBufferPointer { xb in
            try ys.withUnsafeMutableBufferPointer { yb in
                try variant.multiply(prepared, UnsafeBufferPointer(rebasing: xb[offset...]), n: n,
                                     into: UnsafeMutableBufferPointer(rebasing: yb[offset...]), parameters: parameters, context: context)
            }
        }
        return Array(ys[offset...])
    }
}
