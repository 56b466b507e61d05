import Accuracy
import Foundation
import Testing

@Suite struct BaselineTests {
    func result(_ nmse: Double, variant: String = "q4_0xq8_0.avx2.rows", case name: String = "n5", tolerance: Double = 2e-4) -> CaseResult {
        CaseResult(variant: variant, format: "q4_0", case: name, shape: "37x256x5", data: "gauss", threads: 1, nmse: nmse,
                   max_abs: 0.01, tolerance: tolerance,
                   reproduce: "quantlab matmul --variant \(variant) --shape 37x256 --n 5 --data gauss --seed 105")
    }

    func baseline(_ nmse: Double) -> Baseline { Baseline().updated(with: [result(nmse)]) }

    @Test func tenTimesTheBaselineFailsWithTheSizeOfTheChange() {
        let judged = BaselineRule.judge(result(3.2e-5), baseline: baseline(3.2e-6))
        #expect(judged.status == .fail)
        let message = judged.message ?? ""
        #expect(message.contains("NMSE 3.20e-05, baseline 3.20e-06: 10x"), "\(message)")
        #expect(message.contains("q4_0xq8_0.avx2.rows q4_0 37x256x5"))
        #expect(message.contains("reproduce: quantlab matmul --variant q4_0xq8_0.avx2.rows --shape 37x256 --n 5 --data gauss --seed 105"))
    }

    @Test func smallChangesAndFloatNoisePass() {
        #expect(BaselineRule.judge(result(3.5e-6), baseline: baseline(3.2e-6)).status == .pass)
        #expect(BaselineRule.judge(result(3.2e-6 * BaselineRule.factor), baseline: baseline(3.2e-6)).status == .pass)
        #expect(BaselineRule.judge(result(3.3e-6 * BaselineRule.factor), baseline: baseline(3.2e-6)).status == .fail)
        // 1e-29 against 1e-30 is 10x, but both are noise below the floor.
        #expect(BaselineRule.judge(result(1e-29), baseline: baseline(1e-30)).status == .pass)
        #expect(BaselineRule.judge(result(1e-6), baseline: baseline(0)).status == .fail)
    }

    @Test func toleranceFailsEvenWithoutABaselineAndMissingEntriesAreNew() {
        #expect(BaselineRule.judge(result(1e-5), baseline: Baseline()).status == .new)
        #expect(BaselineRule.judge(result(1e-5), baseline: baseline(1e-5)).status == .pass)
        let over = BaselineRule.judge(result(3e-4), baseline: Baseline())
        #expect(over.status == .fail && over.message!.contains("exceeds the q4_0 tolerance 2.00e-04"))
        #expect(BaselineRule.judge(result(.infinity), baseline: baseline(.infinity)).status == .fail)
        #expect(BaselineRule.judge(result(.nan), baseline: Baseline()).status == .fail)
    }

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("quantlab-accuracy-\(getpid())-\(name)").path
    }

    @Test func corruptBaselineFilesAreClearErrors() throws {
        for (name, text) in [("truncated", "{\"entries\": [{\"variant\": "), ("wrong", "{\"entries\": [{\"variant\": 3}]}"), ("empty", "")] {
            let path = temporaryPath("corrupt-\(name).json")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try Baseline.load(path)
                Issue.record("\(name) baseline loaded")
            } catch let error as AccuracyError {
                #expect(error.description.contains(path) && error.description.contains("not a valid check baseline"), "\(error)")
            }
        }
        #expect(try Baseline.load(temporaryPath("missing.json")).entries.isEmpty, "a missing file is an empty baseline")
    }

    @Test func updateRoundTripsAndTurnsAFailureIntoAPass() throws {
        let path = temporaryPath("roundtrip.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = baseline(1e-6).updated(with: [result(2e-6, variant: "q4_0xq8_0.scalar.reference", case: "zeros")])
        try old.save(path)
        #expect(try Baseline.load(path) == old)
        let worse = result(5e-5)
        #expect(BaselineRule.judge(worse, baseline: try Baseline.load(path)).status == .fail)
        try Baseline.load(path).updated(with: [worse]).save(path)
        let rewritten = try Baseline.load(path)
        #expect(rewritten.entries.count == 2, "entries of other variants and cases are kept")
        #expect(rewritten.entry(variant: "q4_0xq8_0.avx2.rows", case: "n5")?.nmse == 5e-5)
        #expect(BaselineRule.judge(worse, baseline: rewritten).status == .pass)
    }
}
