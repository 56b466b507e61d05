/// The classes of activation columns N that kernel choice tells apart. The dispatcher caches one choice per class
/// and the tuner makes one decision per class, so both split N at the same places: where the default rule changes
/// (repacked tiles from `tiledFromColumns` columns) and where kernels behave differently (decode, a few columns,
/// small batches, prefill).
public enum BatchClass: Int, Codable, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// The raw value is the class's representative N (for distances between classes).
    case decode = 1, few = 3, batch = 32, prefill = 512

    /// From this many columns the default rule picks a repacked tiled kernel; below it, a row kernel.
    public static let tiledFromColumns = 4

    public init(n: Int) {
        switch n {
        case ...1: self = .decode
        case ..<Self.tiledFromColumns: self = .few
        case ...32: self = .batch
        default: self = .prefill
        }
    }

    /// 0, 1, 2, 3 in order: an index for per-class tables.
    public var ordinal: Int {
        switch self {
        case .decode: 0
        case .few: 1
        case .batch: 2
        case .prefill: 3
        }
    }

    /// The columns a class covers, for tables.
    public var range: String {
        switch self {
        case .decode: "1"
        case .few: "2-\(Self.tiledFromColumns - 1)"
        case .batch: "\(Self.tiledFromColumns)-32"
        case .prefill: "33+"
        }
    }

    public var description: String { "N \(range)" }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
