import Foundation
import KernelCore
import QuantFormats

/// What the tuner reports while it runs.
public struct TuningProgress: Sendable {
    public var problemIndex: Int
    public var problemCount: Int
    public var problem: TuningProblem
    public var stage: String
    public var runsDone: Int
    public var elapsed: Double
    /// Estimated seconds left for the whole run, once there is something to estimate from.
    public var remaining: Double?
}

/// Verifies, measures and decides, bucket by bucket, recording each decision in the database as soon as it is
/// made (so an interrupted run resumes where it stopped).
public final class Tuner {
    public let registry: KernelRegistry
    public let runner: CandidateRunner
    public let strategy: any SearchStrategy
    public let key: TuningKey
    public let cpu: HostCPU
    public var progress: (TuningProgress) -> Void = { _ in }
    /// Above this many operations the scalar reference is not timed (it would take seconds per run).
    public var referenceFlopLimit = 4e9
    /// Candidates per bucket at most (sampled beyond, keeping every variant's defaults).
    public var maxCandidates = 48
    /// The rule whose choice every candidate must beat: the dispatcher's.
    public var defaultRule: DefaultKernelRule = .widest
    /// Recorded in each decision: the model these shapes come from (`tune --model`).
    public var workload: String?

    public init(registry: KernelRegistry, runner: CandidateRunner, strategy: any SearchStrategy,
                key: TuningKey = .current, cpu: HostCPU = .current) {
        self.registry = registry
        self.runner = runner
        self.strategy = strategy
        self.key = key
        self.cpu = cpu
    }

    public struct Outcome {
        public var decision: TuningDecision
        public var reused: Bool
    }

    /// Tunes every problem whose bucket has no decision under this key yet (unless `fresh`; a `busy` decision is
    /// measured again), handing each new decision to `save` as soon as it is made.
    public func tune(_ problems: [TuningProblem], database: inout TuningDatabase, fresh: Bool = false,
                     save: (TuningDecision) throws -> Void) throws -> [Outcome] {
        let start = Date()
        var outcomes: [Outcome] = []
        var measuredSoFar = 0.0, measuredProblems = 0
        func stored(_ b: ShapeBucket) -> TuningDecision? {
            fresh ? nil : database.decision(for: b, key: key).flatMap { $0.verdict == .busy ? nil : $0 }
        }
        let toMeasure = problems.filter { stored(bucket(of: $0)) == nil }.count
        for (index, problem) in problems.enumerated() {
            let b = bucket(of: problem)
            if let existing = stored(b) {
                outcomes.append(Outcome(decision: existing, reused: true))
                continue
            }
            let problemStart = Date()
            let report = { (stage: String, runs: Int) in
                let elapsed = Date().timeIntervalSince(start)
                let left = measuredProblems > 0 ? measuredSoFar / Double(measuredProblems) * Double(toMeasure - measuredProblems) : nil
                self.progress(TuningProgress(problemIndex: index + 1, problemCount: problems.count, problem: problem,
                                             stage: stage, runsDone: runs, elapsed: elapsed, remaining: left))
            }
            let decision = try tuneOne(problem, bucket: b, report: report)
            database.record(decision, key: key)
            try save(decision)
            outcomes.append(Outcome(decision: decision, reused: false))
            measuredSoFar += Date().timeIntervalSince(problemStart)
            measuredProblems += 1
        }
        return outcomes
    }

    public func bucket(of p: TuningProblem) -> ShapeBucket {
        ShapeBucket(format: p.format, m: p.m, k: p.k, n: p.n, threads: p.threads)
    }

    func tuneOne(_ problem: TuningProblem, bucket: ShapeBucket, report: @escaping (String, Int) -> Void) throws -> TuningDecision {
        guard let type = GGMLType(name: problem.format) else { throw TunerError("unknown format \(problem.format)") }
        let all = SearchSpace.candidates(format: type, threads: problem.threads, registry: registry, cpu: cpu)
        let reference = all.first { registry.variant(id: $0.variant)?.method == .reference }
        let candidates = SearchSpace.sample(all.filter { $0 != reference }, limit: maxCandidates, threads: problem.threads,
                                            registry: registry, seed: 1)
        guard !candidates.isEmpty else { throw TunerError("no kernel variant for \(problem.format) runs on this CPU") }
        try runner.begin(problem)
        defer { runner.end() }

        var rejected: [Rejection] = []
        var verified: [Candidate] = []
        for (i, c) in candidates.enumerated() {
            report("verifying \(i + 1) of \(candidates.count)", 0)
            if let reason = runner.verify(c) { rejected.append(Rejection(candidate: c, reason: reason)) } else { verified.append(c) }
        }
        guard !verified.isEmpty else {
            throw TunerError("every candidate for \(problem) failed verification; first: \(rejected.first.map { "\($0.candidate): \($0.reason)" } ?? "-")")
        }
        let defaultCandidate = self.defaultCandidate(verified, problem: problem)
        let measurer = Measurer(runner: runner, baseline: defaultCandidate)
        var runs = 0
        measurer.progress = { runs += $0; report("timing, run \(runs)", runs) }
        let loadBefore = MachineLoad.now()
        var finalists = strategy.search(verified, measure: measurer.measure)
        if !finalists.contains(defaultCandidate) {
            finalists.append(defaultCandidate)
        }
        let samples = measurer.measure(finalists, measurer.samples[finalists[0]]?.count ?? 1)
        let otherCores = loadBefore.map { MachineLoad.otherCores(from: $0, to: MachineLoad.now()) }
        let busy = otherCores.map { MachineLoad.isBusy(otherCores: $0, threads: problem.threads) } ?? false
        let outcome = DecisionRule.decide(finalists, samples: samples, defaultCandidate: defaultCandidate,
                                          defaultRepeat: measurer.baselineRepeat, busy: busy) { SearchSpace.simplicity($0, registry: registry) }
        var referenceSeconds: Double?
        if let reference, 2.0 * Double(problem.m * problem.k * problem.n) <= referenceFlopLimit, runner.verify(reference) == nil {
            referenceSeconds = median((0..<3).map { _ in runner.time(reference) })
        }
        return TuningDecision(
            bucket: bucket, problem: problem, winner: outcome.winner, winnerSeconds: median(samples[outcome.winner]),
            verdict: outcome.verdict, margin: outcome.margin, noise: outcome.noise, runnerUp: outcome.runnerUp,
            runnerUpSeconds: outcome.runnerUp.map { median(samples[$0]) }, defaultCandidate: defaultCandidate,
            defaultSeconds: median(samples[defaultCandidate]), referenceSeconds: referenceSeconds,
            candidatesConsidered: candidates.count, searchSpaceSize: all.count - (reference == nil ? 0 : 1), rejected: rejected,
            discardedRounds: measurer.discardedRounds, noisy: measurer.noisy, workload: workload,
            samples: finalists.compactMap { c in samples[c].map { CandidateSamples(candidate: c, seconds: $0) } },
            defaultRepeat: measurer.baselineRepeat, otherCores: otherCores)
    }

    /// The choice without tuning, as the dispatcher makes it (`DefaultKernelRule`), among the verified candidates;
    /// when the rule's choice failed verification, the simplest verified candidate.
    func defaultCandidate(_ verified: [Candidate], problem: TuningProblem) -> Candidate {
        if let type = GGMLType(name: problem.format),
           let (variant, parameters) = defaultRule.choose(type, n: problem.n, threads: problem.threads, registry: registry, cpu: cpu) {
            let rule = Candidate(variant: variant.id, parameters: parameters)
            if verified.contains(rule) { return rule }
        }
        return verified.min { SearchSpace.simplicity($0, registry: registry) < SearchSpace.simplicity($1, registry: registry) }!
    }
}
