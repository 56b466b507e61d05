import KernelCore

/// The outcome for one bucket, with the evidence: every finalist's raw samples, the default's repeat (the noise),
/// the verdict and the rejections.
public struct TuningDecision: Codable, Hashable, Sendable {
    public var bucket: ShapeBucket
    public var problem: TuningProblem
    /// What runs for this bucket: the default candidate unless the verdict is `faster`.
    public var winner: Candidate
    public var winnerSeconds: Double
    /// Why the winner is what it is; only `faster` replaces the default.
    public var verdict: Verdict
    /// The fastest other finalist's win over the default (default time over its time, minus 1).
    public var margin: Double
    /// The measured noise: how far two timings of the default itself disagree, relative (see `DecisionRule`).
    public var noise: Double
    public var runnerUp: Candidate?
    public var runnerUpSeconds: Double?
    /// The default choice (`DefaultKernelRule` for this bucket's N class and thread budget) and its time.
    public var defaultCandidate: Candidate
    public var defaultSeconds: Double
    /// The scalar reference's time, when it was measured.
    public var referenceSeconds: Double?
    /// Candidates verified and searched, and the size of the space they were sampled from.
    public var candidatesConsidered: Int
    public var searchSpaceSize: Int
    public var rejected: [Rejection]
    public var discardedRounds: Int
    /// The baseline kept drifting after the allowed redos.
    public var noisy: Bool
    /// The model whose matrices this bucket was tuned for (`tune --model`), nil for the built-in shape set.
    public var workload: String?
    /// Raw samples (seconds) of every finalist.
    public var samples: [CandidateSamples]
    /// Raw samples of the default's repeat, timed once after every round.
    public var defaultRepeat: [Double]
    /// The cores other processes kept busy while the finalists were timed (`MachineLoad`); nil where unknown.
    public var otherCores: Double?

    public func samples(of candidate: Candidate) -> [Double]? { samples.first { $0.candidate == candidate }?.seconds }

    /// True when the default runs for this bucket (a tie, too much noise, a busy machine, or dropped end to end).
    public var keepsDefault: Bool { verdict != .faster }

    /// snake_case in the database file (version 3) and in `tune --json`.
    enum CodingKeys: String, CodingKey {
        case bucket, problem, winner, verdict, margin, noise, rejected, noisy, workload, samples
        case winnerSeconds = "winner_seconds", runnerUp = "runner_up", runnerUpSeconds = "runner_up_seconds"
        case defaultCandidate = "default_candidate", defaultSeconds = "default_seconds", referenceSeconds = "reference_seconds"
        case candidatesConsidered = "candidates_considered", searchSpaceSize = "search_space_size"
        case discardedRounds = "discarded_rounds", defaultRepeat = "default_repeat", otherCores = "other_cores"
    }
}

/// Why a decision is what it is.
public enum Verdict: String, Codable, Hashable, Sendable {
    /// A candidate beat the default by more than the required margin.
    case faster
    /// Nothing beat the default by the required margin: the default stays.
    case tie
    /// The default's own repeat disagreed by more than `DecisionRule.maxNoise` and no win cleared the margin that
    /// noise asks for: too noisy to decide, the default stays.
    case tooNoisy = "too_noisy"
    /// Other processes took cores this thread count needed while it was timed (`MachineLoad`): the default stays.
    case busy
    /// It won in isolation but did not make the model faster end to end: the default stays.
    case dropped
}

/// One candidate's timed runs, in seconds.
public struct CandidateSamples: Codable, Hashable, Sendable {
    public var candidate: Candidate
    public var seconds: [Double]
}

/// The decision rule. Noise is measured, not assumed: the default is timed twice per round (as a candidate and as
/// the repeat after the round), and the noise is the larger of the two timings' median disagreement and half the
/// default's interquartile spread. A candidate replaces the default only when it is faster by more than
/// `requiredMargin(noise)`; among finalists within that margin of the fastest the default stays, else the
/// simplest. Above `maxNoise` the noise estimate itself is shaky, so the margin is four times the noise rather than
/// two: a 12x win still counts at 9% noise, a 15% win at 10% noise is "too noisy". Measurements taken while other
/// processes held the cores the thread count needs decide nothing (`busy`).
public enum DecisionRule {
    /// The smallest win ever trusted on a shared machine.
    public static let minimumWin = 0.03
    /// Above this measured noise the machine is too noisy for the usual margin.
    public static let maxNoise = 0.08

    public static func requiredMargin(noise: Double) -> Double { max(minimumWin, (noise > maxNoise ? 4 : 2) * noise) }

    /// The noise of a comparison of medians, from two samplings of the same kernel.
    public static func noise(_ samples: [Double], repeat twin: [Double]) -> Double {
        guard !samples.isEmpty else { return .infinity }
        let a = TimingSummary(samples)
        let disagreement = twin.isEmpty ? 0 : abs(a.median / TimingSummary(twin).median - 1)
        return max(disagreement, samples.count >= 2 ? a.relativeSpread / 2 : 0)
    }

    public struct Outcome: Equatable {
        public var winner: Candidate, runnerUp: Candidate?, verdict: Verdict, margin: Double, noise: Double
    }

    public static func decide(_ finalists: [Candidate], samples: [Candidate: [Double]], defaultCandidate: Candidate,
                              defaultRepeat: [Double], busy: Bool = false, simplicity: (Candidate) -> Int) -> Outcome {
        let noise = noise(samples[defaultCandidate] ?? [], repeat: defaultRepeat)
        let ranked = finalists.filter { samples[$0]?.isEmpty == false }.sorted { median(samples[$0]) < median(samples[$1]) }
        let challengers = ranked.filter { $0 != defaultCandidate }
        let defaultTime = median(samples[defaultCandidate])
        let margin = challengers.first.map { defaultTime / median(samples[$0]) - 1 } ?? 0
        guard let fastest = ranked.first, defaultTime.isFinite else {
            return Outcome(winner: defaultCandidate, runnerUp: challengers.first, verdict: .tie, margin: margin, noise: noise)
        }
        guard !busy else {
            return Outcome(winner: defaultCandidate, runnerUp: challengers.first, verdict: .busy, margin: margin, noise: noise)
        }
        // Within the margin of the fastest is a tie among them; only those that beat the default by the margin count.
        let width = requiredMargin(noise: noise)
        let ties = ranked.filter { median(samples[$0]) <= median(samples[fastest]) * (1 + width) }
        let winners = ties.filter { $0 != defaultCandidate && defaultTime / median(samples[$0]) - 1 > width }
        guard !ties.contains(defaultCandidate), let winner = winners.min(by: { simplicity($0) < simplicity($1) }) else {
            return Outcome(winner: defaultCandidate, runnerUp: challengers.first, verdict: noise > maxNoise ? .tooNoisy : .tie,
                           margin: margin, noise: noise)
        }
        return Outcome(winner: winner, runnerUp: ranked.first { $0 != winner }, verdict: .faster,
                       margin: defaultTime / median(samples[winner]) - 1, noise: noise)
    }
}
