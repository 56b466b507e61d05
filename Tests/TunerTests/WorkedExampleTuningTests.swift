import Testing
import KernelCatalog
import KernelCore
import Tuner

/// The worked example (Kernels/Examples) is one of the tuner's candidates from its registration alone: when it is
/// the fastest it is chosen, and the lab's own kernel of the same tier stays the default it must beat.
@Suite struct WorkedExampleTuningTests {
    static let example = "q8_0xq8_0.portable.rows.example"

    @Test func theTunerChoosesTheExampleWhenItIsFastest() throws {
        let registry = KernelCatalog.registry
        let space = SearchSpace.candidates(format: .q8_0, threads: 1, registry: registry, cpu: FakeVariants.cpu)
        let ids = Set(space.map(\.variant))
        try #require(ids.contains(Self.example), "candidates: \(ids.sorted())")
        var times = Dictionary(uniqueKeysWithValues: ids.map { ($0, TunerDecisionTests.times[FakeVariants.id("rows")]!) })
        times[Self.example] = TunerDecisionTests.times[FakeVariants.id("fast")]!
        var db = TuningDatabase()
        let problem = TuningProblem(format: "q8_0", m: 512, k: 512, n: 1, threads: 1)
        let d = try TunerDecisionTests.tune(ReplayRunner(times), registry: registry, problems: [problem], database: &db)[0].decision
        #expect(d.defaultCandidate.variant == "q8_0xq8_0.portable.rows", "the lab's own portable kernel is the default")
        #expect(d.winner.variant == Self.example && d.verdict == .faster)
    }
}
