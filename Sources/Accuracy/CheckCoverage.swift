import KernelCore
import QuantFormats

/// What `quantlab check` must exercise, from the registry alone: every variant this CPU supports (but the f64
/// references, the yardstick the others are held to) at every batch class the dispatcher tells apart, at the
/// threads it is checked with. A variant or format is covered the day it is registered.
public struct CheckCoverage: Sendable, Encodable, Equatable {
    public struct Item: Hashable, Sendable, Encodable, Comparable, CustomStringConvertible {
        public let variant: String
        public let batch: BatchClass
        public var description: String { "\(variant) at \(batch)" }
        public static func < (a: Item, b: Item) -> Bool { (a.variant, a.batch) < (b.variant, b.batch) }
    }

    public let required: Int
    public let covered: Int
    /// Supported variants, and how many of them at least one case reaches.
    public let variants: Int
    public let coveredVariants: Int
    public let missing: [Item]

    enum CodingKeys: String, CodingKey {
        case required, covered, variants, missing
        case coveredVariants = "covered_variants"
    }

    /// Coverage of `cases` over the registry's variants (only `variant` when named, only `formats` when given).
    public init(registry: KernelRegistry, cases: [CheckCase], cpu: HostCPU = .current, variant: String? = nil,
                formats: [GGMLType]? = nil) {
        let checked = Self.checkedVariants(registry, cpu: cpu, variant: variant, formats: formats)
        var need = Set<Item>(), have = Set<Item>()
        for v in checked {
            for batch in BatchClass.allCases {
                let item = Item(variant: v.id, batch: batch)
                need.insert(item)
                if cases.contains(where: { $0.fits(v.weightType) && BatchClass(n: $0.n) == batch }) { have.insert(item) }
            }
        }
        required = need.count
        covered = have.count
        variants = checked.count
        coveredVariants = Set(have.map(\.variant)).count
        missing = need.subtracting(have).sorted()
    }

    /// The variants the check measures: supported here, not an f64 reference.
    static func checkedVariants(_ registry: KernelRegistry, cpu: HostCPU, variant: String? = nil,
                                formats: [GGMLType]? = nil) -> [KernelVariant] {
        registry.supported(on: cpu).filter {
            $0.method != .exact && (variant == nil || $0.id == variant) && (formats?.contains($0.weightType) ?? true)
        }
    }
}

extension CheckCases {
    /// The case list for a registry: `base` (`all`), plus, for any format whose blocks no case's K fits at some
    /// batch class, a case of two blocks at that class, so a new format is checked without editing the list.
    public static func cases(for registry: KernelRegistry, cpu: HostCPU = .current, base: [CheckCase] = all) -> [CheckCase] {
        var cases = base
        let types = Set(CheckCoverage.checkedVariants(registry, cpu: cpu).map(\.weightType)).sorted { $0.name < $1.name }
        for type in types {
            for batch in BatchClass.allCases where !cases.contains(where: { $0.fits(type) && BatchClass(n: $0.n) == batch }) {
                let n = smallestColumns(of: batch)
                cases.append(CheckCase("blocks-\(type.blockSize)-n\(n)", m: 37, k: 2 * type.blockSize, n: n,
                                       seed: UInt64(1000 + type.blockSize + n)))
            }
        }
        return cases
    }

    /// The fewest columns of a batch class.
    static func smallestColumns(of batch: BatchClass) -> Int {
        switch batch {
        case .decode: 1
        case .few: 2
        case .batch: BatchClass.tiledFromColumns
        case .prefill: 33
        }
    }
}
