import Accuracy
import KernelCatalog
import KernelCore
import QuantFormats
import Testing

@Suite struct CheckCoverageTests {
    /// Every variant this CPU runs (the f64 references aside) is reached at every batch class by the list `check` uses.
    @Test func theRegistrysListReachesEveryVariantAtEveryBatchClass() {
        let registry = KernelCatalog.registry
        let coverage = CheckCoverage(registry: registry, cases: CheckCases.cases(for: registry))
        let expected = registry.supported().filter { $0.method != .exact }.count
        #expect(coverage.missing.isEmpty, "\(coverage.missing)")
        #expect(coverage.variants == expected && coverage.coveredVariants == expected)
        #expect(coverage.required == expected * BatchClass.allCases.count && coverage.covered == coverage.required)
    }

    /// A list that stops at decode leaves the other batch classes of every variant uncovered, and says which.
    @Test func aGapIsNamed() {
        let registry = KernelCatalog.registry
        let coverage = CheckCoverage(registry: registry, cases: [CheckCase("n1", m: 8, k: 256, n: 1)], formats: [.q8_0])
        let variants = registry.supported(weightType: .q8_0).filter { $0.method != .exact }
        #expect(coverage.covered == variants.count && coverage.missing.count == 3 * variants.count)
        #expect(Set(coverage.missing.map(\.batch)) == [.few, .batch, .prefill])
    }

    /// A format whose blocks no listed K fits gets derived cases at every batch class, and nothing else changes.
    @Test func aFormatNoCaseFitsGetsItsOwnCases() {
        let wide = KernelVariant(VariantIdentity(weightType: .q8_0, activationType: .q8_0, instructionSet: .portable, method: .rows),
                                 summary: "stand-in", run: { _, _, _, _, _, _ in })
        let registry = KernelRegistry([wide])
        let derived = CheckCases.cases(for: registry)
        #expect(derived.count == CheckCases.all.count, "q8_0 fits the listed cases: none is added")
        #expect(CheckCoverage(registry: registry, cases: derived).missing.isEmpty)
        // Only K = 16 in the list: q8_0's 32-value blocks fit none, so each batch class gets a two-block case.
        let added = CheckCases.cases(for: registry, base: [CheckCase("k16", m: 4, k: 16, n: 1)]).dropFirst()
        #expect(added.map(\.k) == [64, 64, 64, 64] && added.map { BatchClass(n: $0.n) } == BatchClass.allCases)
        #expect(CheckCoverage(registry: registry, cases: Array(added)).missing.isEmpty)
    }
}
