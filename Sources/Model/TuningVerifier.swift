import KernelCore
import Tuner

/// End-to-end verification of a model's tuned decisions before they are kept: for each test (ppN, tgN) and thread
/// count, the model runs with the decisions of the test's N class against the defaults, interleaved over
/// repetitions (`ModelBenchmark`). The decisions of a group that does not make the model faster by more than the
/// measured noise are to be dropped.
public struct TuningVerifier {
    public let model: TransformerModel
    public let workload: ModelWorkload
    public let key: TuningKey
    public let defaultRule: DefaultKernelRule
    public let tests: [ModelBenchmark.Test]
    public let repetitions: Int

    public init(model: TransformerModel, workload: ModelWorkload, key: TuningKey = .current, defaultRule: DefaultKernelRule,
                tests: [ModelBenchmark.Test], repetitions: Int) {
        self.model = model
        self.workload = workload
        self.key = key
        self.defaultRule = defaultRule
        self.tests = tests
        self.repetitions = repetitions
    }

    /// The decisions a test at `threads` verifies: those of its N class that replace the default.
    public func group(_ test: ModelBenchmark.Test, threads: Int, in decisions: [TuningDecision]) -> [TuningDecision] {
        decisions.filter { $0.bucket.threads == threads && $0.bucket.batch == test.batch && !$0.keepsDefault }
    }

    public func verify(_ decisions: [TuningDecision], threads: Int,
                       progress: (String) -> Void = { _ in }) throws -> [EndToEndVerification] {
        try tests.map { test in
            let group = self.group(test, threads: threads, in: decisions)
            guard !group.isEmpty else {
                return EndToEndVerification(key: key, workload: workload.id, threads: threads, test: test.description,
                                            batch: test.batch, decisionsTested: 0, defaultSeconds: [], tunedSeconds: [])
            }
            var tuned = TuningDatabase()
            for d in group { tuned.record(d, key: key) }
            let capacity = max(test.tokens, 1)
            let sessions = try [nil, tuned].map { database in
                try InferenceSession(model: model, dispatch: MatmulDispatch(threads: threads, database: database, defaultRule: defaultRule),
                                     capacity: capacity)
            }
            let bench = try ModelBenchmark(sessions: sessions, tests: [test])
            progress("verifying \(group.count) decision(s) on \(test) at \(threads) thread(s): defaults against tuned, \(repetitions) interleaved runs")
            let before = MachineLoad.now()
            let samples = try bench.measure(test, repetitions: repetitions)
            return EndToEndVerification(key: key, workload: workload.id, threads: threads, test: test.description, batch: test.batch,
                                        decisionsTested: group.count, defaultSeconds: samples[0], tunedSeconds: samples[1],
                                        otherCores: before.map { MachineLoad.otherCores(from: $0, to: MachineLoad.now()) })
        }
    }
}
