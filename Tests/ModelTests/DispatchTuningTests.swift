import Foundation
import KernelCatalog
import KernelCore
import QuantFormats
import Synchronization
import Testing
import Tuner
@testable import Model

/// The dispatcher and the tuner agree on what "default" means, and the dispatcher runs what the database decided.
/// Nothing here is timed: a fixed runner answers the tuner with set times.
@Suite struct DispatchTuningTests {
    /// Answers every candidate as correct, in `seconds(variant)` per run.
    final class FixedRunner: CandidateRunner {
        let seconds: (String) -> Double
        init(_ seconds: @escaping (String) -> Double) { self.seconds = seconds }
        func begin(_ problem: TuningProblem) throws {}
        func verify(_ candidate: Candidate) -> String? { nil }
        func time(_ candidate: Candidate) -> Double { seconds(candidate.variant) }
        func end() {}
    }

    static func tune(_ problem: TuningProblem, registry: KernelRegistry, rule: DefaultKernelRule = .widest,
                     seconds: @escaping (String) -> Double = { _ in 1e-3 }) throws -> TuningDatabase {
        let tuner = Tuner(registry: registry, runner: FixedRunner(seconds), strategy: try SearchStrategies.make("halving", options: [:]))
        tuner.defaultRule = rule
        var db = TuningDatabase()
        _ = try tuner.tune([problem], database: &db) { _ in }
        return db
    }

    /// One definition of the N classes: the tuner's buckets are the dispatcher's classes, split where the default
    /// rule switches to tiles.
    @Test func nClassesAreShared() {
        for n in 1...1024 {
            #expect(ShapeBucket(format: "q4_0", m: 64, k: 64, n: n, threads: 1).batch == BatchClass(n: n))
            let tiled = DefaultKernelRule.widest.choose(.q4_0, n: n, threads: 1, registry: KernelCatalog.registry)!.variant.method == .tiled
            #expect(tiled == (BatchClass(n: n) >= .batch), "N \(n): the rule switches to tiles at a class boundary")
        }
        #expect(BatchClass.allCases.map { BatchClass(n: $0.rawValue) } == BatchClass.allCases, "each class's representative N is in it")
    }

    /// One default rule: what the dispatcher runs without a database is the default the tuner measures against,
    /// for every format, N class and thread count, under both rules.
    @Test(arguments: [DefaultKernelRule.widest, .portable])
    func theTunersDefaultIsTheDispatchersDefault(_ rule: DefaultKernelRule) throws {
        for type in [GGMLType.q4_0, .q8_0, .q4_K, .q6_K] {
            for n in [1, 3, 16, 512] {
                for threads in [1, 2] {
                    let dispatch = MatmulDispatch(threads: threads, defaultRule: rule)
                    let runs = try dispatch.defaultChoice(type, n: n)
                    let db = try Self.tune(TuningProblem(format: type.name, m: 256, k: 512, n: n, threads: threads),
                                           registry: KernelCatalog.registry, rule: rule)
                    let d = try #require(db.entries.first?.decisions.first)
                    #expect(d.defaultCandidate == Candidate(variant: runs.variant.id, parameters: runs.parameters),
                            "\(type.name) N \(n) t\(threads): tuner \(d.defaultCandidate), dispatcher \(runs)")
                    #expect(d.verdict == .tie, "equal times never replace the default")
                    if rule == .portable { #expect(runs.variant.instructionSet == .portable) }
                }
            }
        }
    }

    /// A registry with one extra q8_0 kernel that counts its calls (computing with the portable row kernel).
    final class Counter: Sendable {
        let calls = Atomic<Int>(0)
        var count: Int { calls.load(ordering: .relaxed) }
    }

    static func countingRegistry(_ counter: Counter) -> (KernelRegistry, String) {
        let base = KernelCatalog.registry.variant(id: "q8_0xq8_0.portable.rows")!
        let identity = VariantIdentity(weightType: .q8_0, activationType: .q8_0, instructionSet: .portable, method: .rows, tag: "counting")
        let id = identity.id
        let counting = KernelVariant(identity, summary: "counts its calls") { w, x, n, y, _, context in
            counter.calls.add(1, ordering: .relaxed)
            base.run(w, x, n, y, try! base.resolve(KernelParameters()), context)
        }
        return (KernelRegistry(KernelCatalog.registry.variants + [counting]), id)
    }

    @Test func theDispatcherRunsTheDatabasesChoiceAndTheDefaultWhereItKeptTheDefault() throws {
        let counter = Counter()
        let (registry, id) = Self.countingRegistry(counter)
        let problem = TuningProblem(format: "q8_0", m: 64, k: 256, n: 1, threads: 1)
        var db = try Self.tune(problem, registry: registry) { $0 == id ? 1e-4 : 1e-3 }
        let decision = try #require(db.entries.first?.decisions.first)
        try #require(decision.winner.variant == id && decision.verdict == .faster, "\(decision.winner) \(decision.verdict)")

        let matrix = try QuantizedMatrix.quantizing((0..<64 * 256).map { Float($0 % 7) - 3 }, rows: 64, columns: 256, as: .q8_0)
        let x = [Float](repeating: 0.5, count: 256)
        var y = [Float](repeating: 0, count: 64)
        func run(_ database: TuningDatabase?) throws -> MatmulDispatch.Choice {
            let dispatch = MatmulDispatch(threads: 1, database: database, registry: registry)
            try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { try dispatch.multiply(matrix, xb, n: 1, into: $0) } }
            return try dispatch.choice(for: matrix, n: 1)
        }
        let tuned = try run(db)
        #expect(tuned.variant.id == id && tuned.origin == "tuned" && counter.count == 1, "the database's winner ran")

        // Dropped by the end-to-end verification: the dispatcher's own default runs instead.
        var dropped = decision
        dropped.verdict = .dropped
        dropped.winner = dropped.defaultCandidate
        db.record(dropped, key: .current)
        let kept = try run(db)
        #expect(kept.origin == "default" && kept.variant.id != id && counter.count == 1)
        #expect(try run(nil).variant.id == kept.variant.id)
    }

    /// The model's own products: every layer matrix at N 1 and at the prefill batch, the output at N 1.
    @Test func aModelsWorkloadIsItsOwnShapes() throws {
        let model = try TransformerModel(file: try SyntheticModel.gguf(.builtin), source: "builtin")
        let workload = ModelWorkload(model: model, promptBatch: 64)
        let c = model.config
        let shapes = Set(workload.products.map { "\($0.m)x\($0.k)" })
        #expect(shapes == ["\(c.dim)x\(c.dim)", "\(c.kvDim)x\(c.dim)", "\(c.ffnDim)x\(c.dim)", "\(c.dim)x\(c.ffnDim)", "\(c.vocabularySize)x\(c.dim)"])
        let output = try #require(workload.products.first { $0.m == c.vocabularySize })
        #expect(output.batches == [1] && output.count == 1)
        #expect(workload.products.filter { $0.m != c.vocabularySize }.allSatisfy { $0.batches == [1, 64] })
        #expect(workload.products.map(\.count).reduce(0, +) == 7 * c.layers + 1)
        #expect(workload.problems(threads: [1, 2]).count == 2 * workload.products.map(\.batches.count).reduce(0, +))
        #expect(ModelWorkload(model: model, promptBatch: 64).id == workload.id && ModelWorkload(model: model, promptBatch: 32).id != workload.id)
    }
}
