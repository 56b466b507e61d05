import KernelCore
import QuantFormats

/// One point of the search space: a variant and values for its parameters.
public struct Candidate: Codable, Hashable, Sendable, CustomStringConvertible, Comparable {
    public var variant: String
    public var parameters: KernelParameters

    public init(variant: String, parameters: KernelParameters = .init()) {
        self.variant = variant
        self.parameters = parameters
    }

    public var description: String {
        parameters.isEmpty ? variant : "\(variant) [\(parameters)]"
    }

    /// Threads the candidate uses.
    public var threads: Int { parameters[.threads] ?? 1 }

    public static func < (a: Candidate, b: Candidate) -> Bool { a.description < b.description }
}

/// The candidates for one format and thread budget: every variant the host supports times its declared parameter
/// values, pruned by the constraints below.
public enum SearchSpace {
    /// Constraints: the exact reference is not a candidate; a threaded variant runs with 2 threads or more (with one
    /// it is its single-thread form, already a candidate), at most the budget and the host's cores (fewer threads
    /// than the budget stay in, since small products may not gain from more).
    public static func candidates(format: GGMLType, threads budget: Int, registry: KernelRegistry,
                                  cpu: HostCPU = .current) -> [Candidate] {
        registry.supported(on: cpu, weightType: format).filter { $0.method != .exact }.flatMap { variant in
            combinations(variant.parameters).compactMap { values -> Candidate? in
                if let t = values[.threads], t < 2 || t > budget || t > cpu.logicalCores { return nil }
                return Candidate(variant: variant.id, parameters: values)
            }
        }
    }

    /// At most `limit` candidates: every variant's candidate at default parameters (the threaded ones with the most
    /// threads within the budget, as `DefaultKernelRule` runs them) is kept, the rest is a seeded uniform sample, so a large space costs a bounded time.
    public static func sample(_ candidates: [Candidate], limit: Int, threads budget: Int, registry: KernelRegistry, seed: UInt64) -> [Candidate] {
        guard candidates.count > limit else { return candidates }
        let defaults = candidates.filter { c in
            guard let v = registry.variant(id: c.variant) else { return false }
            return v.parameters.allSatisfy { p in
                c.parameters[p.name] == (p.name == .threads ? p.values.filter { $0 <= budget }.max() : p.defaultValue)
            }
        }
        var rng = SplitMix64(seed: seed)
        let rest = candidates.filter { !defaults.contains($0) }.shuffled(using: &rng)
        return defaults + rest.prefix(max(0, limit - defaults.count))
    }

    static func combinations(_ parameters: [TunableParameter]) -> [KernelParameters] {
        parameters.reduce([KernelParameters()]) { partial, p in
            partial.flatMap { values in p.values.map { v in var next = values; next[p.name] = v; return next } }
        }
    }

    /// How simple a candidate is (lower is simpler): near ties go to the simpler one. Kind first (a single-thread
    /// SIMD kernel is simpler than a tiled or threaded one), then fewer threads, then parameters at their defaults.
    public static func simplicity(_ candidate: Candidate, registry: KernelRegistry) -> Int {
        guard let v = registry.variant(id: candidate.variant) else { return .max }
        let kindRank = v.method == .exact ? 4 : v.threading == .threaded ? 3 : v.method == .tiled ? 2 : v.method == .rows ? 1 : 0
        let nonDefault = v.parameters.filter { candidate.parameters[$0.name] != nil && candidate.parameters[$0.name] != $0.defaultValue }.count
        return kindRank * 1000 + candidate.threads * 10 + nonDefault
    }
}
