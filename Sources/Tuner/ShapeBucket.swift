import Foundation
import KernelCore

/// The unit a tuning decision is made for: format, classes of M, K and N, and the thread budget.
/// M and K classes are powers of two (rounded to nearest in log scale), so 576 and 512 share a class and 4096 and
/// 14336 do not; N classes are the dispatcher's (`BatchClass`), stored as their representative N.
public struct ShapeBucket: Codable, Hashable, Sendable, CustomStringConvertible, Comparable {
    public var format: String
    public var mClass: Int
    public var kClass: Int
    public var nClass: Int
    public var threads: Int

    enum CodingKeys: String, CodingKey {
        case format, threads, mClass = "m_class", kClass = "k_class", nClass = "n_class"
    }

    public init(format: String, m: Int, k: Int, n: Int, threads: Int) {
        self.format = format
        mClass = Self.powerClass(m)
        kClass = Self.powerClass(k)
        nClass = BatchClass(n: n).rawValue
        self.threads = threads
    }

    /// Nearest power of two in log scale.
    static func powerClass(_ value: Int) -> Int { 1 << Int(log2(Double(max(value, 1))).rounded()) }

    public var batch: BatchClass { BatchClass(n: nClass) }

    /// Distance between buckets of the same format and threads, in log2 units of M, K and N.
    public func distance(to other: ShapeBucket) -> Double {
        guard format == other.format else { return .infinity }
        func d(_ a: Int, _ b: Int) -> Double { abs(log2(Double(a)) - log2(Double(b))) }
        return d(mClass, other.mClass) + d(kClass, other.kClass) + 2 * d(nClass, other.nClass) + 4 * d(threads, other.threads)
    }

    public var description: String { "\(format) M~\(mClass) K~\(kClass) N~\(nClass) t\(threads)" }

    public static func < (a: ShapeBucket, b: ShapeBucket) -> Bool {
        (a.format, a.threads, a.nClass, a.mClass, a.kClass) < (b.format, b.threads, b.nClass, b.mClass, b.kClass)
    }
}
