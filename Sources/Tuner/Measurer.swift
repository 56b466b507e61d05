import KernelCore

/// Timing with guards against a busy or throttling machine: candidates run in shuffled, interleaved rounds (each
/// round times every candidate once), and a baseline candidate is timed between rounds. When a
/// round's baseline drifts from the reference baseline by more than `driftThreshold`, that round's samples are
/// discarded and the round is redone (up to `maxRedos` times per call, after which samples are kept and the
/// decision is flagged noisy). The baseline timed after each kept round is the default's repeat: two timings of
/// one kernel, whose disagreement is the noise a decision must beat.
final class Measurer {
    let runner: CandidateRunner
    let baseline: Candidate
    let driftThreshold: Double
    let maxRedos: Int
    var rng: SplitMix64
    private(set) var samples: [Candidate: [Double]] = [:]
    private(set) var baselineReference: Double?
    private var lastBaseline: Double?
    private(set) var discardedRounds = 0
    /// The baseline's time after every kept round.
    private(set) var baselineRepeat: [Double] = []
    private(set) var noisy = false
    /// Called after each timed run with (runs done, runs planned) for progress reports.
    var progress: ((Int) -> Void)?

    init(runner: CandidateRunner, baseline: Candidate, driftThreshold: Double = 0.15, maxRedos: Int = 3, seed: UInt64 = 1) {
        self.runner = runner
        self.baseline = baseline
        self.driftThreshold = driftThreshold
        self.maxRedos = maxRedos
        rng = SplitMix64(seed: seed)
    }

    func measure(_ batch: [Candidate], _ repetitions: Int) -> [Candidate: [Double]] {
        if baselineReference == nil {
            let warm = (0..<3).map { _ in runner.time(baseline) }
            baselineReference = warm.sorted()[1]
        }
        var redos = 0
        while true {
            let missing = batch.filter { (samples[$0]?.count ?? 0) < repetitions }
            if missing.isEmpty { return samples }
            // The baseline after one round serves as the one before the next.
            let before = lastBaseline ?? runner.time(baseline)
            var round: [Candidate: Double] = [:]
            for candidate in missing.shuffled(using: &rng) {
                round[candidate] = runner.time(candidate)
                progress?(1)
            }
            let after = runner.time(baseline)
            lastBaseline = after
            let drift = max(abs(before - baselineReference!), abs(after - baselineReference!)) / baselineReference!
            if drift > driftThreshold && redos < maxRedos {
                redos += 1
                discardedRounds += 1
                continue
            }
            if drift > driftThreshold { noisy = true }
            for (candidate, t) in round { samples[candidate, default: []].append(t) }
            baselineRepeat.append(after)
        }
    }
}
