import Foundation
import QuantLabCLI
import Tuner

/// The tuner from an empty database, then again from the database it wrote: what 1 against 2 threads buys per
/// shape, what the tuned choices buy over the default rule and over the best single fixed choice, and the regret on
/// shapes never tuned; then `tune --model` on a real model: which timing method predicts the time inside the model,
/// and the verified database against the defaults.
public enum TuningExperiment: Experiment {
    public static let name = "tuning"
    public static let summary = "what 1 against 2 threads buys per shape, and what the tuner's choices buy over a fixed default"
    public static let duration = "about 5 min"

    public static func run(_ lab: Lab) throws -> Notebook {
        let scratch = try lab.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let database = scratch + "/tuning.json"
        let tuneArguments = Settings.tuneArguments(quick: lab.quick)
        let before = try lab.quantlab(RooflineReport.self, ["roofline", "--threads", "1,2"])

        var started = Date()
        let first = try lab.quantlab(TuneReport.self, ["tune", "--db", database] + tuneArguments + ["--compare-fixed"])
        let firstSeconds = Date().timeIntervalSince(started)
        lab.progress(String(format: "tuned %d buckets in %.0f s", first.decisions.count, firstSeconds))
        // The same buckets again: every decision should come from the database, without measuring.
        started = Date()
        let second = try lab.quantlab(TuneReport.self, ["tune", "--db", database] + tuneArguments + ["--no-heldout"])
        let secondSeconds = Date().timeIntervalSince(started)

        let inModel = try self.inModel(lab, scratch: scratch)
        let after = try lab.quantlab(RooflineReport.self, ["roofline", "--threads", "1,2"])
        let decisions = first.decisions.sorted { $0.bucket < $1.bucket }.map(DecisionRow.init)
        let rejections = first.decisions.flatMap { d in d.rejected.map { "\(d.bucket): \($0.candidate) — \($0.reason)" } }
        let results = Results(
            tuneArguments: tuneArguments, key: first.key.description, firstRunSeconds: firstSeconds,
            secondRunSeconds: secondSeconds, buckets: first.decisions.count, reusedBySecondRun: second.reused,
            decisions: decisions, rejections: rejections, threadPairs: Analysis.threadPairs(decisions), fixed: first.fixed?.rows ?? [], regret: first.regret,
            bandwidthGain: RooflineReport.gain([before, after]) { $0.readGBps },
            int8PeakGain: RooflineReport.gain([before, after]) { $0.int8Gops }, inModel: inModel)
        return try notebook(results)
    }
}
