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

    /// Variants without parameters (one candidate each), tagged with the names: "rows" a row kernel (the simplest,
    /// the default rule's choice at N = 1), the others tiled.
    static func registry(_ names: [String]) -> KernelRegistry {
        KernelRegistry(names.map { KernelVariant(identity($0), summary: "replayed", run: { _, _, _, _, _, _ in }) })
    }

    static func identity(_ name: String) -> VariantIdentity {
        VariantIdentity(weightType: .q4_0, activationType: .q8_0, instructionSet: .portable,
                        method: name == "rows" ? .rows : .tiled, tag: name)
    }

    static func id(_ name: String) -> String { identity(name).id }
}
