import Accuracy
import KernelCatalog
import KernelCore
import QuantFormats
import Testing

@Suite struct CheckCasesTests {
    @Test func theListHoldsTheBenchShapesAndTheEdgeCases() {
        let all = CheckCases.all
        #expect(Set(all.map(\.name)).count == all.count, "case names are unique (baselines are keyed by them)")
        for shape in CheckCases.perfShapes {
            #expect(all.contains { $0.perf && $0.m == shape.m && $0.k == shape.k && $0.n == 1 }, "\(shape.text) at N = 1")
        }
        #expect(Set(all.filter { $0.m == 37 && $0.k == 256 }.map(\.n)) == Set(1...33))
        #expect(all.contains { $0.m == 1 } && all.contains { $0.unaligned } && all.contains { $0.k == 32 } && all.contains { $0.k == 256 && $0.m == 8 })
        for kind in [DataKind.zeros, .outliers, .cos, .int8x] { #expect(all.contains { $0.data == kind }) }
    }

    @Test func dataIsSeededAndInt8xActivationsAreExactInQ8() throws {
        let a = try CaseData.make(.outliers, type: .q4_0, m: 4, k: 64, n: 2, seed: 9)
        let b = try CaseData.make(.outliers, type: .q4_0, m: 4, k: 64, n: 2, seed: 9)
        #expect(a.x == b.x && a.original == b.original)
        let z = try CaseData.make(.zeros, type: .q4_K, m: 2, k: 256, n: 1, seed: 1)
        #expect(z.weights.dequantized().allSatisfy { $0 == 0 })
        let int8 = try CaseData.make(.int8x, type: .q8_0, m: 2, k: 96, n: 2, seed: 3)
        for block in stride(from: 0, to: int8.x.count, by: 32) {
            let values = int8.x[block..<block + 32]
            #expect(values.allSatisfy { $0 == $0.rounded() && abs($0) <= 127 } && values.contains { abs($0) == 127 })
        }
        #expect(throws: AccuracyError.self) { try CaseData.make(.gauss, type: .q4_K, m: 2, k: 100, n: 1, seed: 1) }
    }

    @Test func runnerSkipsCasesWhoseKDoesNotFitAndRejectsUnknownVariants() throws {
        let cases = [CheckCase("k32", m: 4, k: 32, n: 2), CheckCase("k256", m: 4, k: 256, n: 2)]
        let runner = AccuracyRunner(registry: KernelCatalog.registry, cases: cases)
        let results = try runner.run(variant: "q4_Kxq8_K.scalar.reference")
        #expect(results.map(\.case) == ["k256"])
        #expect(results[0].nmse < results[0].tolerance)
        #expect(throws: AccuracyError.self) { try runner.run(variant: "nope.scalar.reference") }
        #expect(throws: AccuracyError.self) { try runner.run(variant: "q4_0xf32.f64.exact") }
        let noExact = AccuracyRunner(registry: KernelRegistry([Mutants.scalar]), cases: cases)
        #expect(throws: AccuracyError.self) { try noExact.run() }
    }

    /// The committed baseline holds every supported q4_0 variant's edge cases, and they pass against it.
    @Test func committedBaselinePassesForQ4_0EdgeCases() throws {
        let baseline = try Baseline.load(Baseline.defaultPath)
        let results = try AccuracyRunner(registry: KernelCatalog.registry, cases: CheckCases.edges).run(formats: [.q4_0])
        #expect(!results.isEmpty)
        for r in results.map({ BaselineRule.judge($0, baseline: baseline) }) {
            #expect(r.status == .pass, "\(r.message ?? "\(r.variant) \(r.case) has no baseline entry")")
        }
    }
}
