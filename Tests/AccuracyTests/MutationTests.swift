import Accuracy
import KernelCore
import Testing

/// Each deliberate mistake must be caught by the harness: the clean variant's errors are the baseline (as the
/// committed one is for the real variants), then the mutant runs under the same id and must fail, with messages
/// that name it, its format and shape, and the command that reproduces the case.
@Suite struct MutationTests {
    static let cases = CheckCases.edges

    /// The judged results of `mutant` against a baseline measured from the clean reference under the same id.
    func judged(_ mutant: KernelVariant) throws -> [CaseResult] {
        let clean = try AccuracyRunner(registry: Mutants.registry(Mutants.corrupting(mutant.identity, nil)), cases: Self.cases).run()
        let baseline = Baseline().updated(with: clean)
        #expect(clean.allSatisfy { BaselineRule.judge($0, baseline: baseline).status == .pass }, "the clean wrapper passes its own baseline")
        let results = try AccuracyRunner(registry: Mutants.registry(mutant), cases: Self.cases).run()
        #expect(results.count == clean.count)
        return results.map { BaselineRule.judge($0, baseline: baseline) }
    }

    func expectCaught(_ results: [CaseResult], id: String, minimumFailures: Int) {
        let failures = results.filter { !$0.passed }
        #expect(failures.count >= minimumFailures, "\(id): \(failures.count) of \(results.count) cases failed")
        for f in failures {
            let message = f.message ?? ""
            #expect(message.contains(id) && message.contains("q4_0") && message.contains(f.shape), "names variant, format, shape: \(message)")
            let mkn = f.shape.split(separator: "x")
            #expect(message.contains("reproduce: quantlab matmul --variant \(id) --shape \(mkn[0])x\(mkn[1]) --n \(mkn[2]) --data \(f.data)"), "\(message)")
        }
    }

    @Test func scaleOffByOneStepIsCaughtAgainstTheBaseline() throws {
        let mutant = Mutants.scaleOffByOneStep(Mutants.identity("scale-off-by-one-step")), id = mutant.id
        let results = try judged(mutant)
        expectCaught(results, id: id, minimumFailures: 3)
        // Inside the tolerance on normal-sized data, so it is the baseline that catches it, on the int8x cases
        // whose only other error is float rounding. (On `tiny` data the scales are f16 subnormals, where one step
        // is a large relative change and the tolerance catches it.)
        let caught = results.filter { !$0.passed }
        let int8x = try #require(caught.first { $0.case == "int8x" })
        #expect(int8x.nmse <= int8x.tolerance && int8x.message!.contains("baseline"), "\(int8x.message!)")
        #expect(caught.allSatisfy { ["int8x", "int8x-n16", "m1", "m1-n1", "tiny"].contains($0.case) }, "\(caught.map(\.case))")
    }

    @Test func swappedNibblesAreCaught() throws {
        let mutant = Mutants.swappedNibbles(Mutants.identity("nibbles-swapped")), id = mutant.id
        let results = try judged(mutant)
        expectCaught(results, id: id, minimumFailures: results.count - 2)   // all but the all-zero weights (and none else)
        #expect(results.first { $0.case == "n7" }.map { $0.nmse > 100 * $0.tolerance } == true)
    }

    @Test func droppedTailBlockIsCaught() throws {
        let mutant = Mutants.droppedTailBlock(Mutants.identity("tail-block-dropped")), id = mutant.id
        let results = try judged(mutant)
        expectCaught(results, id: id, minimumFailures: results.count - 2)
        let oneBlock = try #require(results.first { $0.case == "k-one-block-32" })
        #expect(!oneBlock.passed && oneBlock.message!.contains("exceeds the q4_0 tolerance"), "one block dropped is everything dropped")
    }

    @Test func racingThreadsAreCaught() throws {
        let mutant = Mutants.racingThreads(Mutants.identity("threads-race", threading: .threaded)), id = mutant.id
        let results = try judged(mutant)
        #expect(results.allSatisfy { $0.threads == 2 }, "threaded variants run at 2 threads")
        // Every case with M >= 2 has overlapped rows; M = 1 has none (m / 2 = 0 means the whole row twice).
        expectCaught(results, id: id, minimumFailures: results.filter { $0.case != "zeros" }.count)
    }
}
