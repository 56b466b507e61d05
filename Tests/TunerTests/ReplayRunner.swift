import KernelCore
import Tuner

/// A runner that answers from recorded times: tuning decisions can be tested without timing anything.
final class ReplayRunner: CandidateRunner {
    /// Each candidate's recorded times, replayed in a cycle.
    var recorded: [String: [Double]]
    var failures: [String: String] = [:]
    /// Multiplies every time while set (a throttled or busy machine).
    var slowdown: (Int) -> Double = { _ in 1 }
    private var cursor: [String: Int] = [:]
    private(set) var begun: [TuningProblem] = []
    private(set) var timedRuns = 0

    init(_ recorded: [String: [Double]]) { self.recorded = recorded }

    func begin(_ problem: TuningProblem) throws { begun.append(problem) }
    func end() {}
    func verify(_ candidate: Candidate) -> String? { failures[candidate.variant] }

    func time(_ candidate: Candidate) -> Double {
        let times = recorded[candidate.variant]!
        let i = cursor[candidate.variant, default: 0]
        cursor[candidate.variant] = i + 1
        timedRuns += 1
        return times[i % times.count] * slowdown(timedRuns)
    }
}

enum FakeVariants {
    static let cpu = HostCPU(architecture: "test", model: "replay", features: [], logicalCores: 2, caches: [])

    /// Variants without parameters (one candidate each), of the given kinds, ids "q4_0xq8_0.test.NAME".
    static func registry(_ kinds: [(String, KernelKind)]) -> KernelRegistry {
        KernelRegistry(kinds.map { name, kind in
            KernelVariant(id: "q4_0xq8_0.test.\(name)", weightType: .q4_0, activationType: .q8_0, kind: kind,
                          summary: "replayed", run: { _, _, _, _, _, _ in })
        })
    }

    static func id(_ name: String) -> String { "q4_0xq8_0.test.\(name)" }
}
