import Foundation
import Testing
import QuantLabCLI
@testable import Experiments

@Suite struct TuningTests {
    typealias T = TuningExperiment

    static func row(_ format: String, m: Int, k: Int, n: Int, threads: Int, seconds: Double, winnerThreads: Int = 1,
                    vsDefault: Double = 1) -> T.DecisionRow {
        func power(_ v: Int) -> Int { 1 << Int(log2(Double(v)).rounded()) }
        return T.DecisionRow(bucket: "\(format) \(m)x\(k)x\(n) t\(threads)", format: format, mClass: power(m), kClass: power(k),
                             nClass: n == 1 ? 1 : 512, m: m, k: k, n: n, threads: threads, winner: "w\(winnerThreads)",
                             winnerThreads: winnerThreads, winnerSeconds: seconds, vsReference: nil, vsDefault: vsDefault,
                             vsRunnerUp: nil, noise: 0.02, noisy: false, rejected: 0, considered: 4, searchSpace: 10, discardedRounds: 0,
                             busy: false)
    }

    @Test func threadPairsMatchTheSameBucketAcrossBudgets() {
        let rows = [Self.row("q4_0", m: 512, k: 512, n: 1, threads: 1, seconds: 4e-6),
                    Self.row("q4_0", m: 512, k: 512, n: 1, threads: 2, seconds: 4e-6, winnerThreads: 1),
                    Self.row("q4_0", m: 512, k: 512, n: 128, threads: 1, seconds: 1e-4),
                    Self.row("q4_0", m: 512, k: 512, n: 128, threads: 2, seconds: 5e-5, winnerThreads: 2),
                    Self.row("q8_0", m: 512, k: 512, n: 1, threads: 1, seconds: 1e-5)]   // no 2-thread partner
        let pairs = T.Analysis.threadPairs(rows)
        #expect(pairs.count == 2)
        let decode = pairs.first { $0.isDecode }!, prefill = pairs.first { !$0.isDecode }!
        #expect(decode.speedup == 1 && decode.twoThreadWinnerThreads == 1)
        #expect(prefill.speedup == 2 && prefill.twoThreadWinnerThreads == 2 && prefill.shape == "512x512x128")
    }

    @Test func geometricMeanOfReciprocalsIsOne() {
        #expect(abs(T.Analysis.geometricMean([2, 0.5]) - 1) < 1e-12)
        #expect(abs(T.Analysis.geometricMean([4, 1]) - 2) < 1e-12)
        #expect(T.Analysis.geometricMean([]).isNaN)
    }

    static func results(fixedSpeedup: Double) -> T.Results {
        let rows = [Self.row("q4_0", m: 512, k: 512, n: 1, threads: 1, seconds: 4e-6, vsDefault: 1.5),
                    Self.row("q4_0", m: 512, k: 512, n: 1, threads: 2, seconds: 4e-6, vsDefault: 1)]
        return T.Results(tuneArguments: [], key: "k", firstRunSeconds: 10, secondRunSeconds: 0.1, buckets: 2, reusedBySecondRun: 2,
                         decisions: rows, rejections: [], threadPairs: T.Analysis.threadPairs(rows),
                         fixed: [.init(format: "q4_0", threads: 1, buckets: 1, bestFixed: "f", tunedSpeedup: fixedSpeedup, worstCase: 1.2)],
                         regret: [], bandwidthGain: 1.3, int8PeakGain: 2, inModel: inModel)
    }

    static let inModel = T.InModel(
        model: "m", workload: "w", tuneSeconds: 30, decisions: 4, replacing: 2,
        predictions: [.init(role: "attn_q", format: "q4_0", m: 512, k: 512, n: 1, inModelSeconds: 1e-5, coldSeconds: 1.1e-5, hotSeconds: 5e-6),
                      .init(role: "ffn_up", format: "q4_0", m: 1536, k: 512, n: 1, inModelSeconds: 2e-5, coldSeconds: 2e-5 / 1.1, hotSeconds: 1e-5)],
        verifications: [],
        sideBySide: [.init(test: "tg128", threads: 1, defaultTokensPerSecond: 100, tunedTokensPerSecond: 120, ratio: 1.2),
                     .init(test: "pp512", threads: 1, defaultTokensPerSecond: 500, tunedTokensPerSecond: 495, ratio: 0.99)])

    @Test func predictionErrorIsAFactorEitherWay() {
        #expect(abs(Self.inModel.typicalError(\.coldSeconds) - 1.1) < 1e-9, "10% high and 10% low are both off by 1.1x")
        #expect(abs(Self.inModel.typicalError(\.hotSeconds) - 2) < 1e-9)
    }

    @Test func fixedChoiceVerdictFollowsTheMeasuredSpeedup() {
        #expect(T.FixedChoiceVerdict(Self.results(fixedSpeedup: 1.02)) == .fixedIsEnough)
        #expect(T.FixedChoiceVerdict(Self.results(fixedSpeedup: 1.3)) == .perShapePays)
        #expect(T.FixedChoiceVerdict(Self.results(fixedSpeedup: 0.8)) == .fixedIsFaster)
    }

    @Test func headlineCarriesTheMeasuredFigures() {
        let headline = T.headline(Self.results(fixedSpeedup: 1.3))
        // The figures, not the words: decode, over the default rule (geometric mean of 1.5 and 1), over the fixed choice,
        // the cold and hot predictions' errors, and the verified range.
        for figure in ["1.00x", "1.22x", "1.30x", "1.10x", "2.00x", "0.99x", "1.20x"] {
            #expect(headline.contains(figure), "\(figure) in: \(headline)")
        }
    }

    /// The whole experiment at quick settings (about 10 s on an idle machine): notebook, charts, decisions.
    @Test func quickRunWritesNotebookChartsAndData() throws {
        let out = NSTemporaryDirectory() + "tuning-test-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let console = Console(capture: true)
        let status = QuantLabCommandLine.run(["experiment", "tuning", "--quick", "--out", out], console: console,
                                             extraCommands: [ExperimentCommand.self])
        #expect(status == 0, "\(console.errors)")
        let notebook = try String(contentsOfFile: out + "/tuning.md", encoding: .utf8)
        #expect(notebook.contains("## Decisions") && notebook.contains("## Conclusion"))
        #expect(FileManager.default.fileExists(atPath: out + "/charts/tuning-threads.svg"))
        #expect(FileManager.default.fileExists(atPath: out + "/charts/tuning-fixed.svg"))
        let results = try JSONDecoder().decode(T.Results.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/data/tuning.json")))
        // q4_0, two shapes, N 1 and 128, 1 and 2 threads: 8 buckets, 4 thread pairs; the second run measured nothing.
        #expect(results.buckets == 8 && results.threadPairs.count == 4)
        // Every bucket the first run decided came from the database; a busy one is measured again by design.
        #expect(results.reusedBySecondRun == results.decidedByFirstRun, "\(results.decisions.map { "\($0.bucket) busy \($0.busy)" })")
        #expect(!results.fixed.isEmpty)
        // tune --model builtin: every role predicted in both tests (the layers at N 1 and 16, the output at N 1 in both);
        // the database and the defaults side by side at both thread counts and tests.
        #expect(results.inModel.predictions.count == 2 * 8, "\(results.inModel.predictions.map { "\($0.role) \($0.n)" })")
        #expect(results.inModel.sideBySide.count == 4 && results.inModel.verifications.count == 4)
        #expect(notebook.contains("## Verified end to end"))
        #expect(FileManager.default.fileExists(atPath: out + "/charts/tuning-prediction.svg"))
    }
}
