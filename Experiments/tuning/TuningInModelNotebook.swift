import Foundation
import KernelCore
import Tuner

extension TuningExperiment {
    static func inModelSection(_ nb: inout Notebook, _ r: InModel) {
        nb.heading("Tuning in the model's context: \(r.model)")
        nb.text("""
            `tune --model` tunes the model's own products (every distinct format and M x K of its layers at N 1 and at \
            its prefill batch, the output layer at N 1) and times each candidate as the model runs it: the model \
            streams all its weights once per token, so a matrix has left the cache by the time it comes back. The \
            tuner therefore cycles through copies of the weights that together exceed twice the last-level cache, \
            consecutive calls on consecutive copies, with the activation hot and the model's persistent thread \
            pool. The classic method, one matrix timed over and over with hot caches (`--hot-cache`), is measured \
            beside it. Both are compared with the time per call of the same default kernel inside the model \
            (`bench-model --profile`, one thread, defaults).
            """)
        nb.table(["role", "format", "M x K", "N", "in model (µs)", "cold ring (µs)", "cold / model", "hot loop (µs)", "hot / model"],
                 r.predictions.map { p in
                     [p.role, p.format, "\(p.m)x\(p.k)", String(p.n), Cell.fixed(p.inModelSeconds * 1e6, 1),
                      Cell.fixed(p.coldSeconds * 1e6, 1), Cell.ratio(p.coldSeconds / p.inModelSeconds),
                      Cell.fixed(p.hotSeconds * 1e6, 1), Cell.ratio(p.hotSeconds / p.inModelSeconds)]
                 })
        nb.text("Typical prediction error (geometric mean of the factor between prediction and in-model time): cold ring "
                + "\(Cell.ratio(r.typicalError(\.coldSeconds))), hot loop \(Cell.ratio(r.typicalError(\.hotSeconds))).")
        if !r.predictions.isEmpty {
            var chart = BarChart(title: "Predicted time per call over the time inside the model", unit: "x",
                                 series: ["cold ring / in model", "hot loop / in model"],
                                 rows: r.predictions.map { .init("\($0.role) N=\($0.n)", [$0.coldSeconds / $0.inModelSeconds, $0.hotSeconds / $0.inModelSeconds]) },
                                 reference: (1, "exact prediction"))
            chart.valueFormat = "%.2f"
            nb.chart(chart.svg, id: "prediction", caption: "Each timing method's time per call of the default kernel over the same call's time inside the model (1 thread)")
        }

        nb.heading("Verified end to end")
        nb.text("""
            `tune --model` at 1 and 2 threads took \(Cell.fixed(r.tuneSeconds, 0)) s for \(r.decisions) decisions, \
            \(r.replacing) of which replace the default after verification. A candidate replaces the default only \
            when it wins by more than \(Cell.percent(DecisionRule.minimumWin)) and twice the measured noise (the \
            default timed twice per round); then each group of decisions (one N class at one thread count) runs \
            in the model's own test against the defaults, interleaved, and is dropped unless the model gets faster \
            by more than twice the noise of the paired ratios.
            """)
        nb.table(["threads", "test", "decisions tested", "gain", "noise", "kept"], r.verifications.map { v in
            v.decisionsTested == 0 ? [String(v.threads), v.test, "0", "-", "-", "nothing won: defaults"]
                : [String(v.threads), v.test, String(v.decisionsTested), Cell.ratio(v.gain), Cell.percent(v.noise, 1), v.kept ? "yes" : "dropped"]
        })
        nb.text("The database written, against the defaults, side by side in one run (`bench-model --db none,DB`, alternating; tokens/s are medians, the ratio is the median of the per-repetition paired ratios):")
        nb.table(["test", "threads", "defaults (tokens/s)", "tuned (tokens/s)", "tuned / defaults"], r.sideBySide.map { s in
            [s.test, String(s.threads), Cell.fixed(s.defaultTokensPerSecond, 1), Cell.fixed(s.tunedTokensPerSecond, 1), Cell.ratio(s.ratio)]
        })
    }
}
