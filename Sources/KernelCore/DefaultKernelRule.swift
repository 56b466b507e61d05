import QuantFormats

/// What runs without a tuning result, in one place for the dispatcher (what the model runs) and the tuner (what a
/// tuned choice must beat): the widest instruction set this CPU has; repacked tiles from
/// `BatchClass.tiledFromColumns` columns, row kernels below; the threaded form at the thread budget when it is
/// above one, with the most threads its parameter allows within the budget. Where a tagged variant (an
/// experiment, the worked example) ties with the lab's own, the lab's own is the default.
///
/// `portable` is the documented handicap: it restricts the rule to the portable SIMD kernels, standing in for a
/// CPU the defaults were not written for, so that what tuning recovers can be measured on this one.
public enum DefaultKernelRule: String, Sendable, CaseIterable, Codable {
    case widest, portable

    /// The variant and its resolved parameters, or nil when no kernel multiplies `type` on `cpu`.
    public func choose(_ type: GGMLType, n: Int, threads: Int, registry: KernelRegistry,
                       cpu: HostCPU = .current) -> (variant: KernelVariant, parameters: KernelParameters)? {
        let supported = registry.supported(on: cpu, weightType: type)
        var fast = supported.filter { $0.method != .exact && $0.method != .reference }
        if self == .portable { fast = fast.filter { $0.instructionSet == .portable } }
        let pool = fast.isEmpty ? supported.filter { $0.method == .reference } : fast
        let threaded = pool.filter { $0.threading == .threaded }
        let single = pool.filter { $0.threading == .single }
        let candidates = threads > 1 && !threaded.isEmpty ? threaded : (single.isEmpty ? pool : single)
        let wantTiled = BatchClass(n: n) >= .batch
        guard let best = candidates.min(by: { a, b in
            let ta = (a.method == .tiled) == wantTiled ? 0 : 1, tb = (b.method == .tiled) == wantTiled ? 0 : 1
            if ta != tb { return ta < tb }
            if a.instructionSet != b.instructionSet { return a.instructionSet < b.instructionSet }
            return a.identity.tag == nil && b.identity.tag != nil
        }) else { return nil }
        var values = KernelParameters()
        if let p = best.parameters.first(where: { $0.name == .threads }) {
            values[.threads] = p.values.filter { $0 <= threads }.max() ?? p.values.min()!
        }
        guard let parameters = try? best.resolve(values) else { return nil }
        return (best, parameters)
    }
}
