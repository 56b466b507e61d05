import Foundation
import KernelCore
import Tuner

extension TuningExperiment {
    static func inModelSection(_ nb: inout Notebook, _ r: InModel) {
        nb.heading(text("in-model.heading", ["model": r.model]))
        nb.text(text("in-model"))
        nb.table(["role", "format", "M x K", "N", "in model (µs)", "cold ring (µs)", "cold / model", "hot loop (µs)", "hot / model"],
                 r.predictions.map { p in
                     [p.role, p.format, "\(p.m)x\(p.k)", String(p.n), Cell.fixed(p.inModelSeconds * 1e6, 1),
                      Cell.fixed(p.coldSeconds * 1e6, 1), Cell.ratio(p.coldSeconds / p.inModelSeconds),
                      Cell.fixed(p.hotSeconds * 1e6, 1), Cell.ratio(p.hotSeconds / p.inModelSeconds)]
                 })
        nb.text(text("in-model.error", ["cold": Cell.ratio(r.typicalError(\.coldSeconds)), "hot": Cell.ratio(r.typicalError(\.hotSeconds))]))
        if !r.predictions.isEmpty {
            var chart = BarChart(title: text("in-model.chart-title"), unit: "x",
                                 series: ["cold ring / in model", "hot loop / in model"],
                                 rows: r.predictions.map { .init("\($0.role) N=\($0.n)", [$0.coldSeconds / $0.inModelSeconds, $0.hotSeconds / $0.inModelSeconds]) },
                                 reference: (1, "exact prediction"))
            chart.valueFormat = "%.2f"
            nb.chart(chart.svg, id: "prediction", caption: text("in-model.caption"))
        }

        nb.heading("Verified end to end")
        nb.text(text("verified", ["seconds": Cell.fixed(r.tuneSeconds, 0), "decisions": String(r.decisions),
                                  "replacing": String(r.replacing), "minimum_win": Cell.percent(DecisionRule.minimumWin)]))
        nb.table(["threads", "test", "decisions tested", "gain", "noise", "kept"], r.verifications.map { v in
            v.decisionsTested == 0 ? [String(v.threads), v.test, "0", "-", "-", "nothing won: defaults"]
                : [String(v.threads), v.test, String(v.decisionsTested), Cell.ratio(v.gain), Cell.percent(v.noise, 1), v.kept ? "yes" : "dropped"]
        })
        nb.text(text("verified.side-by-side"))
        nb.table(["test", "threads", "defaults (tokens/s)", "tuned (tokens/s)", "tuned / defaults"], r.sideBySide.map { s in
            [s.test, String(s.threads), Cell.fixed(s.defaultTokensPerSecond, 1), Cell.fixed(s.tunedTokensPerSecond, 1), Cell.ratio(s.ratio)]
        })
    }
}
