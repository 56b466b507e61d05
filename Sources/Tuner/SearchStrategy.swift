import KernelCore

/// An option a strategy declares, with its default; unknown options are refused.
public struct StrategyOption: Sendable {
    public let name: String
    public let defaultValue: Int
    public let range: ClosedRange<Int>
    public let summary: String
}

/// Brings every candidate of the batch to at least `repetitions` timed samples (measuring only what is missing,
/// interleaved and drift-checked) and returns all samples so far.
public typealias BatchMeasure = (_ batch: [Candidate], _ repetitions: Int) -> [Candidate: [Double]]

/// A search strategy: decides which candidates to measure and how often. Plug-ins are listed in `strategies`.
public protocol SearchStrategy {
    static var name: String { get }
    static var summary: String { get }
    static var options: [StrategyOption] { get }
    init(options: [String: Int])
    /// Returns the candidates worth deciding among (the finalists), each measured with the final repetitions.
    func search(_ candidates: [Candidate], measure: BatchMeasure) -> [Candidate]
}

public enum SearchStrategies {
    public static var all: [any SearchStrategy.Type] { [ExhaustiveSearch.self, SuccessiveHalving.self] }

    /// Builds a strategy from `name` and `NAME=VALUE` options, refusing unknown names, options and values.
    public static func make(_ name: String, options: [String: Int]) throws -> any SearchStrategy {
        guard let type = all.first(where: { $0.name == name }) else {
            throw TunerError("unknown strategy '\(name)'; strategies: \(all.map { $0.name }.joined(separator: ", "))")
        }
        var resolved: [String: Int] = [:]
        for (key, value) in options {
            guard let option = type.options.first(where: { $0.name == key }) else {
                throw TunerError("strategy \(name) has no option '\(key)'; it has \(type.options.map(\.name).joined(separator: ", "))")
            }
            guard option.range.contains(value) else {
                throw TunerError("\(name) option \(key)=\(value) is outside \(option.range.lowerBound)...\(option.range.upperBound)")
            }
            resolved[key] = value
        }
        for option in type.options where resolved[option.name] == nil { resolved[option.name] = option.defaultValue }
        return type.init(options: resolved)
    }
}

/// Measures every candidate with the full repetitions: right when the space is small.
public struct ExhaustiveSearch: SearchStrategy {
    public static let name = "exhaustive"
    public static let summary = "measure every candidate fully"
    public static let options = [StrategyOption(name: "repetitions", defaultValue: 7, range: 1...1000, summary: "timed runs per candidate")]
    let repetitions: Int
    public init(options: [String: Int]) { repetitions = options["repetitions"]! }

    public func search(_ candidates: [Candidate], measure: BatchMeasure) -> [Candidate] {
        _ = measure(candidates, repetitions)
        return candidates
    }
}

/// Successive halving: measure everyone briefly, keep the fastest 1/eta, measure them more, and so on until at most
/// `finalists` remain, which get the full repetitions. Cost is about (1 + 1 + ...) runs per candidate instead of
/// the full repetitions for all.
public struct SuccessiveHalving: SearchStrategy {
    public static let name = "halving"
    public static let summary = "successive halving: brief runs for all, more for the fastest fraction"
    public static let options = [
        StrategyOption(name: "eta", defaultValue: 3, range: 2...16, summary: "keep 1/eta of the candidates each round"),
        StrategyOption(name: "finalists", defaultValue: 4, range: 1...64, summary: "candidates measured fully"),
        StrategyOption(name: "repetitions", defaultValue: 7, range: 1...1000, summary: "timed runs per finalist"),
    ]
    let eta: Int, finalists: Int, repetitions: Int
    public init(options: [String: Int]) {
        eta = options["eta"]!
        finalists = options["finalists"]!
        repetitions = options["repetitions"]!
    }

    public func search(_ candidates: [Candidate], measure: BatchMeasure) -> [Candidate] {
        var alive = candidates
        var runs = 1
        while alive.count > finalists {
            let samples = measure(alive, runs)
            alive = alive.sorted { median(samples[$0]) < median(samples[$1]) }
            alive = Array(alive.prefix(max(finalists, alive.count / eta)))
            runs = min(repetitions, runs * eta)
        }
        _ = measure(alive, repetitions)
        return alive
    }
}

func median(_ samples: [Double]?) -> Double {
    guard let samples, !samples.isEmpty else { return .infinity }
    return TimingSummary(samples).median
}

public struct TunerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
