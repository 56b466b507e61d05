import Foundation

/// The unit a tuning decision is made for: format, classes of M, K and N, and the thread budget.
/// Classes are powers of two (rounded to nearest in log scale), so 576 and 512 share a class and 4096 and 14336 do not.
public struct ShapeBucket: Codable, Hashable, Sendable, CustomStringConvertible, Comparable {
    public var format: String
    public var mClass: Int
    public var kClass: Int
    public var nClass: Int
    public var threads: Int

    public init(format: String, m: Int, k: Int, n: Int, threads: Int) {
        self.format = format
        mClass = Self.powerClass(m)
        kClass = Self.powerClass(k)
        nClass = Self.nClass(n)
        self.threads = threads
    }

    /// Nearest power of two in log scale.
    static func powerClass(_ value: Int) -> Int { 1 << Int(log2(Double(max(value, 1))).rounded()) }

    /// N classes follow how kernels behave: decode (1), small batches (2-8), mid (9-64), prefill (65+).
    static func nClass(_ n: Int) -> Int {
        switch n {
        case ...1: 1
        case 2...8: 8
        case 9...64: 64
        default: 512
        }
    }

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
