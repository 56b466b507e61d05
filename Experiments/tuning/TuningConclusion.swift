import Foundation

extension TuningExperiment {
    /// A single fixed choice within this factor of the tuned ones counts as "about as good" in the prose.
    static let fixedIsEnough = 1.05

    static func headline(_ r: Results) -> String {
        let gains = [("prefill", r.pairs(decode: false)), ("decode", r.pairs(decode: true))].filter { !$0.1.isEmpty }
            .map { text("headline.gain.\($0.0)", ["ratio": Cell.ratio(Analysis.geometricMean($0.1.map(\.speedup)))]) }
        var parts: [String] = []
        if !gains.isEmpty {
            parts.append(text("headline.threads", ["gains": gains.joined(separator: " and ")]))
        }
        let overDefault = Analysis.geometricMean(r.decisions.map(\.vsDefault))
        let fixed = r.fixed.isEmpty ? ""
            : " " + text("headline.tuned.fixed", ["over_fixed": Cell.ratio(Analysis.geometricMean(r.fixed.map(\.tunedSpeedup)))])
        parts.append(text("headline.tuned", ["over_default": Cell.ratio(overDefault), "fixed": fixed]))
        let m = r.inModel
        var model = ""
        if let worst = m.sideBySide.min(by: { $0.ratio < $1.ratio }), let best = m.sideBySide.max(by: { $0.ratio < $1.ratio }) {
            model = text("headline.model", ["cold": Cell.ratio(m.typicalError(\.coldSeconds)), "hot": Cell.ratio(m.typicalError(\.hotSeconds)),
                                            "worst": Cell.ratio(worst.ratio), "best": Cell.ratio(best.ratio)])
        }
        let regret = r.regret.isEmpty ? "" : text("headline.regret", ["regret": Cell.percent(r.meanRegret, 1)])
        return text("headline", ["findings": parts.joined(separator: "; "), "regret": regret, "model": model])
    }

    static func conclusion(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Conclusion")
        var paragraphs: [String] = []
        paragraphs.append(threadFinding(r, decode: true))
        paragraphs.append(threadFinding(r, decode: false))
        paragraphs.append(defaultFinding(r))
        paragraphs.append(fixedFinding(r))
        if !r.regret.isEmpty, let worst = r.regret.max(by: { $0.regret < $1.regret }) {
            paragraphs.append(text("held-out", [
                "mean": Cell.percent(r.meanRegret, 1), "format": "\(worst.problem.format)",
                "shape": "\(worst.problem.m)x\(worst.problem.k)x\(worst.problem.n)", "threads": "\(worst.problem.threads)",
                "regret": Cell.percent(worst.regret, 1), "bucket": "\(worst.bucket)",
            ]))
        }
        let ending = r.reusedBySecondRun == r.buckets ? "."
            : r.reusedBySecondRun == r.decidedByFirstRun ? text("database.busy", ["busy": String(r.buckets - r.reusedBySecondRun)])
            : text("database.lost")
        paragraphs.append(text("database", [
            "first_seconds": Cell.fixed(r.firstRunSeconds, 0), "second_seconds": Cell.fixed(r.secondRunSeconds, 1),
            "reused": String(r.reusedBySecondRun), "buckets": String(r.buckets), "ending": ending,
        ]))
        paragraphs.append(paperComparison(r))
        nb.text(paragraphs.filter { !$0.isEmpty }.joined(separator: "\n\n"))
        nb.heading("What this cannot show")
        nb.text(text("limitations"))
    }

    static func threadFinding(_ r: Results, decode: Bool) -> String {
        let pairs = r.pairs(decode: decode)
        guard let low = pairs.min(by: { $0.speedup < $1.speedup }), let high = pairs.max(by: { $0.speedup < $1.speedup }) else { return "" }
        let limit = decode ? r.bandwidthGain : r.int8PeakGain
        let single = pairs.filter { $0.twoThreadWinnerThreads == 1 }
        let mean = Analysis.geometricMean(pairs.map(\.speedup))
        let verdict = mean < 1 ? "second-thread.costs"
            : mean > limit * 1.05 ? "second-thread.beyond-limit"
            : mean >= limit * 0.9 ? "second-thread.at-limit"
            : "second-thread.below-limit"
        let winners: String
        if single.isEmpty {
            winners = text("second-thread.all-split")
        } else {
            let largest = single.max { $0.m * $0.k < $1.m * $1.k }!
            let named = single.count <= 4 ? " (" + single.map { "\($0.format) \($0.shape)" }.joined(separator: ", ") + ")"
                : text("second-thread.some-single.largest", ["format": largest.format, "shape": largest.shape])
            winners = text("second-thread.some-single", ["single": String(single.count), "count": String(pairs.count), "named": named])
        }
        let phase = decode ? text("second-thread.decode")
            : text("second-thread.prefill", ["ns": inOrder(pairs.map { String($0.n) }).joined(separator: ", ")])
        let busy = limit < 1 ? " " + text("second-thread.busy") : ""
        return text("second-thread", [
            "phase": phase, "mean": Cell.ratio(mean), "count": String(pairs.count),
            "low": Cell.ratio(low.speedup), "low_format": low.format, "low_shape": low.shape,
            "high": Cell.ratio(high.speedup), "high_format": high.format, "high_shape": high.shape,
            "limit_name": text(decode ? "second-thread.limit.decode" : "second-thread.limit.prefill"), "limit": Cell.ratio(limit),
            "busy": busy,
            "verdict": text(verdict), "winners": winners,
        ])
    }

    static func defaultFinding(_ r: Results) -> String {
        let decode = r.decisions.filter { $0.n == 1 }, batch = r.decisions.filter { $0.n > 1 }
        guard let best = r.decisions.max(by: { $0.vsDefault < $1.vsDefault }) else { return "" }
        let kept = r.decisions.filter { $0.vsDefault <= 1.0 + 1e-9 }.count
        return text("default", [
            "decode": Cell.ratio(Analysis.geometricMean(decode.map(\.vsDefault))),
            "batch": Cell.ratio(Analysis.geometricMean(batch.map(\.vsDefault))),
            "best": Cell.ratio(best.vsDefault), "bucket": best.bucket, "kept": String(kept), "decisions": String(r.decisions.count),
        ])
    }

    /// The tuned choices against the best single fixed choice per format and thread budget.
    enum FixedChoiceVerdict: Equatable {
        /// The fixed choice is faster beyond `fixedIsEnough`: the per-bucket winners were noise.
        case fixedIsFaster
        /// Within `fixedIsEnough`: one good kernel per format is what tuning finds.
        case fixedIsEnough
        /// Per-shape choices beat one kernel per format.
        case perShapePays

        /// nil when no fixed choice was measured.
        init?(_ r: Results) {
            guard !r.fixed.isEmpty else { return nil }
            let overall = Analysis.geometricMean(r.fixed.map(\.tunedSpeedup))
            self = overall < 1 / TuningExperiment.fixedIsEnough ? .fixedIsFaster : overall <= TuningExperiment.fixedIsEnough ? .fixedIsEnough : .perShapePays
        }
    }

    static func fixedFinding(_ r: Results) -> String {
        guard let verdict = FixedChoiceVerdict(r) else { return "" }
        let overall = Analysis.geometricMean(r.fixed.map(\.tunedSpeedup))
        let worst = r.fixed.max { $0.worstCase < $1.worstCase }!
        let words: String
        switch verdict {
        case .fixedIsFaster: words = text("fixed-choice.fixed-is-faster")
        case .fixedIsEnough: words = text("fixed-choice.fixed-is-enough", ["margin": Cell.percent(fixedIsEnough - 1)])
        case .perShapePays: words = text("fixed-choice.per-shape-pays")
        }
        let choices = r.fixed.map { f in
            text("fixed-choice.item", ["format": f.format, "threads": String(f.threads), "choice": f.bestFixed,
                                       "speedup": Cell.ratio(f.tunedSpeedup)])
        }
        return text("fixed-choice", [
            "choices": choices.joined(separator: "; "),
            "overall": Cell.ratio(overall), "verdict": words,
            "worst": Cell.ratio(worst.worstCase), "worst_format": worst.format, "worst_threads": String(worst.threads),
        ])
    }

    static func paperComparison(_ r: Results) -> String {
        let decode = Analysis.geometricMean(r.pairs(decode: true).map(\.speedup))
        let prefill = Analysis.geometricMean(r.pairs(decode: false).map(\.speedup))
        guard decode.isFinite, prefill.isFinite else { return text("paper.no-contrast") }
        let verdict = prefill <= 1.05 && decode <= 1.05 ? "paper.untested" : prefill > decode * 1.05 ? "paper.agrees" : "paper.disagrees"
        return text("paper", ["prefill": Cell.ratio(prefill), "decode": Cell.ratio(decode), "verdict": text(verdict)])
    }
}
