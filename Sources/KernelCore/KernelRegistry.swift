import QuantFormats

/// Every compiled-in kernel variant, and which of them this CPU can run.
public struct KernelRegistry: Sendable {
    public let variants: [KernelVariant]

    public init(_ variants: [KernelVariant]) {
        var seen = Set<String>()
        for v in variants { precondition(seen.insert(v.id).inserted, "duplicate kernel id \(v.id)") }
        self.variants = variants
    }

    public struct Availability: Sendable, Equatable {
        public let supported: Bool
        /// Why not, when not supported: the features missing on this CPU.
        public let reason: String?
    }

    public func availability(of variant: KernelVariant, on cpu: HostCPU = .current) -> Availability {
        let missing = variant.requiredFeatures.subtracting(cpu.features).sorted()
        if missing.isEmpty { return Availability(supported: true, reason: nil) }
        return Availability(supported: false,
                            reason: "needs \(missing.map(\.rawValue).joined(separator: ", ")), which this CPU (\(cpu.architecture)) lacks")
    }

    public func variant(id: String) -> KernelVariant? { variants.first { $0.id == id } }

    /// Variants this CPU can run, optionally only those for one weight format.
    public func supported(on cpu: HostCPU = .current, weightType: GGMLType? = nil) -> [KernelVariant] {
        variants.filter { availability(of: $0, on: cpu).supported && (weightType == nil || $0.weightType == weightType) }
    }

    /// The exact f64 reference for a weight format.
    public func exact(for type: GGMLType) -> KernelVariant? {
        variants.first { $0.weightType == type && $0.method == .exact }
    }
}
