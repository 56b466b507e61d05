import Foundation
import Testing
import KernelCore
import Tuner

@Suite struct TunerDecisionTests {
    static let problem = TuningProblem(format: "q4_0", m: 512, k: 512, n: 1, threads: 1)
    static let key = TuningKey(cpu: "replay cpu", build: "replay build")

    static func tune(_ runner: ReplayRunner, registry: KernelRegistry, strategy: String = "exhaustive",
                     problems: [TuningProblem] = [problem], database: inout TuningDatabase, key: TuningKey = key) throws -> [Tuner.Outcome] {
        let tuner = Tuner(registry: registry, runner: runner,
                          strategy: try SearchStrategies.make(strategy, options: [:]), key: key, cpu: FakeVariants.cpu)
        return try tuner.tune(problems, database: &database) { _ in }
    }

    static let registry = FakeVariants.registry(["rows", "fast", "slow"])
    static let times: [String: [Double]] = [
        FakeVariants.id("rows"): [1.00, 1.01, 0.99, 1.02, 1.00, 0.98, 1.01],
        FakeVariants.id("fast"): [0.50, 0.51, 0.49, 0.50, 0.52, 0.50, 0.49],
        FakeVariants.id("slow"): [2.00, 2.02, 1.98, 2.01, 2.00, 1.99, 2.03],
    ]

    @Test func replayedMeasurementsGiveTheSameDecisions() throws {
        var first = TuningDatabase(), second = TuningDatabase()
        let a = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &first)
        let b = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &second)
        #expect(a.map(\.decision) == b.map(\.decision))
        #expect(a[0].decision.winner.variant == FakeVariants.id("fast"))
        #expect(a[0].decision.defaultCandidate.variant == FakeVariants.id("rows"))
        #expect(abs(a[0].decision.defaultSeconds / a[0].decision.winnerSeconds - 2) < 0.1)
        #expect(a[0].decision.samples.count == 3, "every finalist keeps its raw samples")
    }

    /// Two candidates with the same timings: neither replaces the other; the default (then the simpler) stays.
    @Test func identicalCandidatesNeverBeatEachOther() throws {
        let registry = FakeVariants.registry(["rows", "twin"])
        let same = [1.00, 1.03, 0.97, 1.01, 0.99, 1.02, 0.98]
        for order in [same, same.reversed(), same.shuffled(using: &SplitMixBox.rng)] {
            var db = TuningDatabase()
            let runner = ReplayRunner([FakeVariants.id("rows"): same, FakeVariants.id("twin"): Array(order)])
            let d = try Self.tune(runner, registry: registry, database: &db)[0].decision
            #expect(d.winner.variant == FakeVariants.id("rows"), "a twin within noise must not replace the default")
        }
    }

    /// A faster candidate that computes a wrong answer is rejected with its reason and never chosen.
    @Test func candidatesThatFailVerificationAreExcludedAndReported() throws {
        let runner = ReplayRunner(Self.times)
        runner.failures[FakeVariants.id("fast")] = "output 7 differs"
        var db = TuningDatabase()
        let d = try Self.tune(runner, registry: Self.registry, database: &db)[0].decision
        #expect(d.winner.variant == FakeVariants.id("rows"))
        #expect(d.rejected.map(\.candidate.variant) == [FakeVariants.id("fast")])
        #expect(d.rejected.first?.reason == "output 7 differs")
    }

    /// A burst of slowness (the baseline drifts) makes the tuner discard and redo those rounds.
    @Test func driftingRoundsAreDiscardedAndRedone() throws {
        let runner = ReplayRunner(Self.times)
        runner.slowdown = { run in (8...14).contains(run) ? 3 : 1 }
        var db = TuningDatabase()
        let d = try Self.tune(runner, registry: Self.registry, database: &db)[0].decision
        #expect(d.discardedRounds >= 1)
        #expect(d.winner.variant == FakeVariants.id("fast"))
        #expect(d.samples(of: d.winner)!.allSatisfy { $0 < 0.6 }, "no slowed sample survives")
    }

    @Test func successiveHalvingMeasuresLessThanExhaustive() throws {
        let names = (0..<12).map { "v\($0)" } + ["rows"]
        let registry = FakeVariants.registry(names)
        var times: [String: [Double]] = [:]
        for (i, name) in names.enumerated() { times[FakeVariants.id(name)] = [1 + Double(i) * 0.1, 1.01 + Double(i) * 0.1] }
        let exhaustive = ReplayRunner(times), halving = ReplayRunner(times)
        var a = TuningDatabase(), b = TuningDatabase()
        let x = try Self.tune(exhaustive, registry: registry, strategy: "exhaustive", database: &a)[0].decision
        let y = try Self.tune(halving, registry: registry, strategy: "halving", database: &b)[0].decision
        #expect(halving.timedRuns * 3 < exhaustive.timedRuns * 2, "halving \(halving.timedRuns) runs, exhaustive \(exhaustive.timedRuns)")
        #expect(x.winner == y.winner)
        #expect(y.winner.variant == FakeVariants.id("v0"))
    }

    @Test func decisionsRecordVerdictMarginAndMeasuredNoise() throws {
        var db = TuningDatabase()
        let d = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &db)[0].decision
        #expect(d.verdict == .faster && !d.keepsDefault)
        #expect(abs(d.margin - 1) < 0.1, "the fast kernel halves the default's time: margin \(d.margin)")
        #expect(d.noise > 0 && d.noise < 0.03, "noise \(d.noise)")
        #expect(d.defaultRepeat.count >= 7, "the default is timed again after every round")
    }

    /// A win smaller than the minimum margin is a tie: the default stays.
    @Test func smallWinsKeepTheDefault() throws {
        let registry = FakeVariants.registry(["rows", "slightly"])
        let rows = [1.00, 1.001, 0.999, 1.0, 1.0, 1.0, 1.0]
        var db = TuningDatabase()
        let runner = ReplayRunner([FakeVariants.id("rows"): rows, FakeVariants.id("slightly"): rows.map { $0 * 0.98 }])
        let d = try Self.tune(runner, registry: registry, database: &db)[0].decision
        #expect(d.verdict == .tie && d.winner.variant == FakeVariants.id("rows"))
        #expect(abs(d.margin - 0.0204) < 0.005)
    }

    /// A default whose own timings scatter by ±30%: a candidate 15% faster in median is no evidence; the decision
    /// says the machine was too noisy and keeps the default.
    @Test func aNoisyDefaultKeepsTheDefault() throws {
        let registry = FakeVariants.registry(["rows", "fast"])
        let noisy = [1.0, 1.4, 0.7, 1.3, 0.75, 1.35, 0.8, 1.25, 0.9]
        var db = TuningDatabase()
        let runner = ReplayRunner([FakeVariants.id("rows"): noisy, FakeVariants.id("fast"): Array(repeating: 0.85, count: 9)])
        let d = try Self.tune(runner, registry: registry, database: &db)[0].decision
        #expect(d.verdict == .tooNoisy, "verdict \(d.verdict), noise \(d.noise)")
        #expect(d.winner.variant == FakeVariants.id("rows") && d.keepsDefault)
        #expect(d.noise > DecisionRule.maxNoise)
    }

    @Test func theRuleComparesMediansAgainstTheDefaultsRepeat() {
        let a = Candidate(variant: "a"), b = Candidate(variant: "b")
        let quiet = [1.0, 1.01, 0.99, 1.0, 1.0]
        // The repeat disagrees with the default by 10%: past `maxNoise` the margin is four times the noise, so a 30%
        // win is too noisy to call and a 2x win still counts.
        let repeat10 = quiet.map { $0 * 1.1 }
        let noisy = DecisionRule.decide([a, b], samples: [a: quiet, b: quiet.map { $0 / 1.3 }], defaultCandidate: a,
                                        defaultRepeat: repeat10) { _ in 0 }
        #expect(noisy.verdict == .tooNoisy && noisy.winner == a)
        let clear = DecisionRule.decide([a, b], samples: [a: quiet, b: quiet.map { $0 * 0.5 }], defaultCandidate: a,
                                        defaultRepeat: repeat10) { _ in 0 }
        #expect(clear.verdict == .faster && clear.winner == b)
        // A 5% noise asks for a 10% win: 8% is a tie, 20% wins.
        let repeat5 = quiet.map { $0 * 1.05 }
        let tie = DecisionRule.decide([a, b], samples: [a: quiet, b: quiet.map { $0 / 1.08 }], defaultCandidate: a, defaultRepeat: repeat5) { _ in 0 }
        #expect(tie.verdict == .tie && tie.winner == a)
        let win = DecisionRule.decide([a, b], samples: [a: quiet, b: quiet.map { $0 / 1.2 }], defaultCandidate: a, defaultRepeat: repeat5) { _ in 0 }
        #expect(win.verdict == .faster && win.winner == b)
    }

    /// Timings taken while other processes held the cores decide nothing, however clear the win: the bias of a
    /// shared core repeats in every round, so the noise cannot show it.
    @Test func aBusyMachineKeepsTheDefault() {
        let a = Candidate(variant: "a"), b = Candidate(variant: "b")
        let quiet = [1.0, 1.01, 0.99, 1.0, 1.0]
        let busy = DecisionRule.decide([a, b], samples: [a: quiet, b: quiet.map { $0 * 0.5 }], defaultCandidate: a,
                                       defaultRepeat: quiet, busy: true) { _ in 0 }
        #expect(busy.verdict == .busy && busy.winner == a)
        #expect(abs(busy.margin - 1) < 0.01, "the margin is still recorded: \(busy.margin)")
    }

    /// A decision made on a busy machine is not final: the next run measures its bucket again.
    @Test func busyDecisionsAreMeasuredAgain() throws {
        var db = TuningDatabase()
        var first = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &db)[0].decision
        first.verdict = .busy
        first.winner = first.defaultCandidate
        db.record(first, key: Self.key)
        let again = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &db)[0]
        #expect(!again.reused && again.decision.verdict == .faster)
        let settled = try Self.tune(ReplayRunner(Self.times), registry: Self.registry, database: &db)[0]
        #expect(settled.reused, "a decided bucket is taken from the database")
    }

    @Test func strategiesRefuseUnknownOptions() {
        #expect(throws: TunerError.self) { try SearchStrategies.make("halving", options: ["bogus": 1]) }
        #expect(throws: TunerError.self) { try SearchStrategies.make("halving", options: ["eta": 1]) }
        #expect(throws: TunerError.self) { try SearchStrategies.make("annealing", options: [:]) }
        #expect((try? SearchStrategies.make("halving", options: ["eta": 4])) != nil)
    }
}

enum SplitMixBox { nonisolated(unsafe) static var rng = SplitMix64(seed: 99) }
