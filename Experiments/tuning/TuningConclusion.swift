import Foundation

extension TuningExperiment {
    /// A single fixed choice within this factor of the tuned ones counts as "about as good" in the prose.
    static let fixedIsEnough = 1.05

    static func headline(_ r: Results) -> String {
        let gains = [("prefill", r.pairs(decode: false)), ("decode", r.pairs(decode: true))].filter { !$0.1.isEmpty }
            .map { "\(Cell.ratio(Analysis.geometricMean($0.1.map(\.speedup)))) on \($0.0) products" }
        var parts: [String] = []
        if !gains.isEmpty {
            parts.append("A second thread buys " + gains.joined(separator: " and ") + " (geometric means over shapes)")
        }
        let overDefault = Analysis.geometricMean(r.decisions.map(\.vsDefault))
        var tuned = "tuned choices run \(Cell.ratio(overDefault)) as fast as the default rule"
        if !r.fixed.isEmpty { tuned += " and \(Cell.ratio(Analysis.geometricMean(r.fixed.map(\.tunedSpeedup)))) as fast as the best single fixed choice" }
        parts.append(tuned)
        var text = parts.joined(separator: "; ")
        if !r.regret.isEmpty { text += ", with \(Cell.percent(r.meanRegret, 1)) mean regret on held-out shapes" }
        let m = r.inModel
        if let worst = m.sideBySide.min(by: { $0.ratio < $1.ratio }), let best = m.sideBySide.max(by: { $0.ratio < $1.ratio }) {
            text += ". On the model, timing cold weights predicts in-model matrix times within \(Cell.ratio(m.typicalError(\.coldSeconds))) "
                + "(hot loop: \(Cell.ratio(m.typicalError(\.hotSeconds)))), and the verified database runs the model at "
                + "\(Cell.ratio(worst.ratio)) to \(Cell.ratio(best.ratio)) the defaults' speed"
        }
        return text + "."
    }

    static func conclusion(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Conclusion")
        var paragraphs: [String] = []
        paragraphs.append(threadFinding(r, decode: true))
        paragraphs.append(threadFinding(r, decode: false))
        paragraphs.append(defaultFinding(r))
        paragraphs.append(fixedFinding(r))
        if !r.regret.isEmpty, let worst = r.regret.max(by: { $0.regret < $1.regret }) {
            paragraphs.append("**Held-out shapes.** Answering untuned shapes from the nearest bucket costs \(Cell.percent(r.meanRegret, 1)) on average; "
                              + "the worst is \(worst.problem.format) \(worst.problem.m)x\(worst.problem.k)x\(worst.problem.n) at \(worst.problem.threads) thread(s), "
                              + "\(Cell.percent(worst.regret, 1)) (nearest bucket \(worst.bucket)).")
        }
        paragraphs.append("**The database.** The first run took \(Cell.fixed(r.firstRunSeconds, 0)) s; the second, against the same database, "
                          + "took \(Cell.fixed(r.secondRunSeconds, 1)) s and answered \(r.reusedBySecondRun) of \(r.buckets) buckets without measuring"
                          + (r.reusedBySecondRun == r.buckets ? "."
                             : r.reusedBySecondRun == r.decidedByFirstRun ? "; the other \(r.buckets - r.reusedBySecondRun) were timed on a busy machine the first time, decided nothing and were measured again."
                             : ": some decided buckets were measured again, so the database did not hold every decision."))
        paragraphs.append(paperComparison(r))
        nb.text(paragraphs.filter { !$0.isEmpty }.joined(separator: "\n\n"))
        nb.heading("What this cannot show")
        nb.text("""
            - Kernel products in isolation, with warm caches and the same inputs each round: inside a model a \
            product's weights arrive from memory and the layers around it add their own costs (see the bottleneck \
            notebook for whole-model decode and prefill).
            - One machine, two cores, one run: the drift checks keep slow rounds out but not a consistently busy \
            machine; differences within the noise column are not findings.
            - The search samples at most the per-bucket candidate limit from each space, so a better candidate outside \
            the sample can exist.
            """)
    }

    static func threadFinding(_ r: Results, decode: Bool) -> String {
        let pairs = r.pairs(decode: decode)
        guard let low = pairs.min(by: { $0.speedup < $1.speedup }), let high = pairs.max(by: { $0.speedup < $1.speedup }) else { return "" }
        let limit = decode ? r.bandwidthGain : r.int8PeakGain
        let single = pairs.filter { $0.twoThreadWinnerThreads == 1 }
        var text = "**\(decode ? "Decode (N = 1)" : "Prefill (N = \(inOrder(pairs.map { String($0.n) }).joined(separator: ", ")))") at 2 threads.** The best 2-thread kernel is "
            + "\(Cell.ratio(Analysis.geometricMean(pairs.map(\.speedup)))) as fast as the best 1-thread kernel (geometric mean over "
            + "\(pairs.count) shapes), from \(Cell.ratio(low.speedup)) (\(low.format) \(low.shape)) to \(Cell.ratio(high.speedup)) "
            + "(\(high.format) \(high.shape)). "
        let mean = Analysis.geometricMean(pairs.map(\.speedup))
        text += "The \(decode ? "read bandwidth" : "int8 peak") at 2 threads is \(Cell.ratio(limit)) that at 1"
            + (limit < 1 ? " (less with two threads than with one: the second core was busy with other work during this run)" : "") + "; "
        if mean < 1 {
            text += "on average the second thread costs time instead of saving it. "
        } else if mean > limit * 1.05 {
            text += "the products gained more than that, so with one thread they were not at that limit. "
        } else if mean >= limit * 0.9 {
            text += "the products gain about as much, scaling as far as the machine does. "
        } else {
            text += "the products gain less: hand-off and imbalance between the threads eat part of it. "
        }
        if single.isEmpty {
            text += "Every 2-thread winner uses both threads."
        } else {
            let largest = single.max { $0.m * $0.k < $1.m * $1.k }!
            let named = single.count <= 4 ? " (" + single.map { "\($0.format) \($0.shape)" }.joined(separator: ", ") + ")"
                : ", the largest \(largest.format) \(largest.shape)"
            text += "In \(single.count) of \(pairs.count) shapes the 2-thread budget's winner runs on one thread\(named): "
                + "splitting such a product costs more in hand-off than it saves."
        }
        return text
    }

    static func defaultFinding(_ r: Results) -> String {
        let decode = r.decisions.filter { $0.n == 1 }, batch = r.decisions.filter { $0.n > 1 }
        guard let best = r.decisions.max(by: { $0.vsDefault < $1.vsDefault }) else { return "" }
        let kept = r.decisions.filter { $0.vsDefault <= 1.0 + 1e-9 }.count
        return "**Tuned against the default rule.** Over the decisions the tuned winner runs "
            + "\(Cell.ratio(Analysis.geometricMean(decode.map(\.vsDefault)))) as fast as the default at N = 1 and "
            + "\(Cell.ratio(Analysis.geometricMean(batch.map(\.vsDefault)))) at N > 1 (geometric means); the largest gain is "
            + "\(Cell.ratio(best.vsDefault)) at \(best.bucket). The default itself won (within noise) in \(kept) of \(r.decisions.count) buckets."
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
        var text = "**Tuned against one fixed choice.** Per format and thread budget, the best single fixed choice is "
            + r.fixed.map { "\($0.format) t\($0.threads) `\($0.bestFixed)` (tuned \(Cell.ratio($0.tunedSpeedup)))" }.joined(separator: "; ")
            + ". Over all, the tuned choices run \(Cell.ratio(overall)) as fast as the best fixed one (geometric mean)"
        switch verdict {
        case .fixedIsFaster:
            text += ": the fixed choice is faster. Re-timed side by side, per-bucket winners did not hold their place, so "
                + "the tuning rounds' differences were within the machine's noise. "
        case .fixedIsEnough:
            text += ": picking the right kernel once per format and thread count gets within \(Cell.percent(fixedIsEnough - 1)) of "
                + "per-shape tuning; what tuning buys is mostly finding that choice, not varying it by shape. "
        case .perShapePays:
            text += ": per-shape choices are worth having beyond one good kernel per format. "
        }
        text += "In its worst bucket the best fixed choice takes \(Cell.ratio(worst.worstCase)) the tuned time (\(worst.format), \(worst.threads) thread(s))."
        return text
    }

    static func paperComparison(_ r: Results) -> String {
        let decode = Analysis.geometricMean(r.pairs(decode: true).map(\.speedup))
        let prefill = Analysis.geometricMean(r.pairs(decode: false).map(\.speedup))
        guard decode.isFinite, prefill.isFinite else {
            return "**Against the paper.** Song et al. (arXiv 2505.15030) study whole models, not kernel choices; with only one N measured here there is no decode/prefill contrast to set against their finding."
        }
        return "**Against the paper.** Song et al. (arXiv 2505.15030) study whole models, not kernel choices, so tuning has no counterpart there; but their finding that decode is bound by memory "
            + "traffic and prompt processing by arithmetic predicts that extra threads help prefill more than decode. Here a second thread buys "
            + "\(Cell.ratio(prefill)) on prefill products and \(Cell.ratio(decode)) on decode products: "
            + (prefill <= 1.05 && decode <= 1.05
                ? "neither gains from the second thread here, so this run cannot test the prediction."
                : prefill > decode * 1.05 ? "in agreement."
                : "not in agreement, likely because in isolation the weights of most of these matrices stay in cache, so their decode products are not bandwidth-bound and the prediction does not apply to them.")
            + " Note that these are single products with warm caches; whole-model decode, where weights come from memory, is in the bottleneck notebook."
    }
}
