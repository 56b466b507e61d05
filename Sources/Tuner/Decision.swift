import KernelCore

/// The outcome for one bucket, with the evidence: every finalist's raw samples, the baseline and the rejections.
public struct TuningDecision: Codable, Hashable, Sendable {
    public var bucket: ShapeBucket
    public var problem: TuningProblem
    public var winner: Candidate
    public var winnerSeconds: Double
    /// Interquartile range over the median of the winner's samples.
    public var noise: Double
    public var runnerUp: Candidate?
    public var runnerUpSeconds: Double?
    /// The default choice (the widest-ISA variant at its default parameters) and its time.
    public var defaultCandidate: Candidate
    public var defaultSeconds: Double
    /// The scalar reference's time, when it was measured.
    public var referenceSeconds: Double?
    /// Candidates verified and searched, and the size of the space they were sampled from.
    public var candidatesConsidered: Int
    public var searchSpaceSize: Int
    public var rejected: [Rejection]
    public var discardedRounds: Int
    public var noisy: Bool
    /// Raw samples (seconds) of every finalist.
    public var samples: [CandidateSamples]

    public func samples(of candidate: Candidate) -> [Double]? { samples.first { $0.candidate == candidate }?.seconds }
}

/// One candidate's timed runs, in seconds.
public struct CandidateSamples: Codable, Hashable, Sendable {
    public var candidate: Candidate
    public var seconds: [Double]
}

/// The decision rule: the fastest finalist wins, but it replaces the default only when faster by more than the
/// measured noise, and among finalists within noise of the fastest the simplest is kept.
public enum DecisionRule {
    /// Relative noise floor: differences below 2% are never trusted on a shared machine.
    public static let noiseFloor = 0.02

    public static func relativeSpread(_ samples: [Double]) -> Double {
        guard samples.count >= 2 else { return noiseFloor }
        return max(noiseFloor, TimingSummary(samples).relativeSpread)
    }

    /// Returns (winner, runner-up) among `finalists`.
    public static func choose(_ finalists: [Candidate], samples: [Candidate: [Double]], defaultCandidate: Candidate,
                              simplicity: (Candidate) -> Int) -> (Candidate, Candidate?) {
        let ranked = finalists.filter { samples[$0]?.isEmpty == false }.sorted { median(samples[$0]) < median(samples[$1]) }
        guard let fastest = ranked.first else { return (defaultCandidate, nil) }
        let fastestTime = median(samples[fastest])
        func noise(_ c: Candidate) -> Double { max(relativeSpread(samples[c] ?? []), relativeSpread(samples[fastest]!)) }
        // Everyone within noise of the fastest is a tie; the default wins a tie, then the simplest.
        let ties = ranked.filter { median(samples[$0]) <= fastestTime * (1 + noise($0)) }
        let winner = ties.contains(defaultCandidate) ? defaultCandidate : ties.min { simplicity($0) < simplicity($1) }!
        let runnerUp = ranked.first { $0 != winner }
        return (winner, runnerUp)
    }
}
