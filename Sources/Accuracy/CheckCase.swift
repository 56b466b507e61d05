import QuantFormats

/// One problem of the accuracy check (and, for the perf cases, of `quantlab bench`): y = W x with W of M x K in
/// the format under test and N activation columns, from seeded data of one kind.
public struct CheckCase: Sendable, Hashable, Codable {
    /// Stable name; baselines are keyed by variant and this name.
    public let name: String
    public let m: Int, k: Int, n: Int
    public let data: DataKind
    public let seed: UInt64
    /// x and y start one float past aligned storage, so SIMD loads and stores that assume alignment fail.
    public let unaligned: Bool
    /// A benchmark shape (timed by `quantlab bench`), not only an edge case.
    public let perf: Bool

    public init(_ name: String, m: Int, k: Int, n: Int, data: DataKind = .gauss, seed: UInt64 = 1,
                unaligned: Bool = false, perf: Bool = false) {
        self.name = name
        self.m = m; self.k = k; self.n = n
        self.data = data
        self.seed = seed
        self.unaligned = unaligned
        self.perf = perf
    }

    public var shape: String { "\(m)x\(k)x\(n)" }

    /// Whether K is whole blocks of `type` (a case that does not fit is skipped for that format, not failed).
    public func fits(_ type: GGMLType) -> Bool { k % type.blockSize == 0 }

    /// The `quantlab matmul` line that reruns this case for one variant with the same data.
    public func reproduceCommand(variant: String, parameters: [String: Int]) -> String {
        var words = ["quantlab matmul --variant \(variant) --shape \(m)x\(k) --n \(n) --data \(data.rawValue) --seed \(seed)"]
        if unaligned { words.append("--unaligned") }
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) { words.append("--param \(name)=\(value)") }
        return words.joined(separator: " ")
    }
}
