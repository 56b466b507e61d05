import Foundation

extension TuningExperiment {
    /// The notebook's words (Experiments/tuning/notebook.md).
    static let text = NotebookText(experiment: "tuning")

    static func notebook(_ r: Results) throws -> Notebook {
        var nb = Notebook(name: name, title: text("title"))
        nb.headline = headline(r)
        nb.heading("Question")
        nb.text(text("question", ["tune_arguments": r.tuneArguments.joined(separator: " ")]))
        runSection(&nb, r)
        threadSection(&nb, r)
        decisionSection(&nb, r)
        fixedSection(&nb, r)
        regretSection(&nb, r)
        inModelSection(&nb, r.inModel)
        conclusion(&nb, r)
        try nb.attach(r)
        return nb
    }

    static func runSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("The run")
        let considered = r.decisions.map(\.considered).reduce(0, +), space = r.decisions.map(\.searchSpace).reduce(0, +)
        nb.table(["", "value"], [
            ["key", "`\(r.key)`"],
            ["buckets tuned", String(r.buckets)],
            ["first run, from an empty database (with --compare-fixed and held-out regret)", Cell.fixed(r.firstRunSeconds, 1) + " s"],
            ["second run, same database", Cell.fixed(r.secondRunSeconds, 1) + " s, \(r.reusedBySecondRun) of \(r.buckets) buckets answered from the database"],
            ["candidates verified and searched", "\(considered) (sampled from a space of \(space))"],
            ["rejected for wrong answers", String(r.decisions.map(\.rejected).reduce(0, +))],
            ["measurement rounds discarded because the baseline drifted", String(r.decisions.map(\.discardedRounds).reduce(0, +))],
            ["decisions flagged noisy (drift persisted)", String(r.decisions.filter(\.noisy).count)],
        ])
        if !r.rejections.isEmpty {
            nb.text(text("run.rejections") + "\n\n"
                    + r.rejections.prefix(20).map { "- \($0)" }.joined(separator: "\n")
                    + (r.rejections.count > 20 ? "\n" + text("run.rejections.more", ["count": String(r.rejections.count - 20)]) : ""))
        }
    }

    static func threadSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading(text("threads.heading"))
        nb.text(text("threads", ["bandwidth_gain": Cell.ratio(r.bandwidthGain), "int8_peak_gain": Cell.ratio(r.int8PeakGain)]))
        nb.table(["format", "shape MxKxN", "best 1 thread (ms)", "best 2 threads (ms)", "speedup", "2-thread winner", "threads used"],
                 r.threadPairs.map { p in
                     [p.format, p.shape, Cell.fixed(p.oneThreadSeconds * 1e3, 3), Cell.fixed(p.twoThreadSeconds * 1e3, 3),
                      Cell.ratio(p.speedup), "`\(p.twoThreadWinner)`", String(p.twoThreadWinnerThreads)]
                 })
        nb.chart(threadChart(r), id: "threads", caption: text("threads.caption"))
    }

    static func threadChart(_ r: Results) -> String {
        var series: [XYChart.Series] = []
        let formats = inOrder(r.threadPairs.map(\.format))
        for (i, format) in formats.enumerated() {
            for decode in [true, false] {
                let points = r.threadPairs.filter { $0.format == format && $0.isDecode == decode }
                    .map { (x: Double($0.m * $0.k), y: $0.speedup) }.sorted { $0.x < $1.x }
                series.append(.init("\(format) \(decode ? "decode (N=1)" : "prefill")", points,
                                    style: decode ? .lineAndMarkers : .dashed, color: SVGChart.color(i)))
            }
        }
        let xs = r.threadPairs.map { Double($0.m * $0.k) }
        if let low = xs.min(), let high = xs.max() {
            series.append(.init("bandwidth gain \(Cell.ratio(r.bandwidthGain))", [(low, r.bandwidthGain), (high, r.bandwidthGain)], style: .dashed, color: "#c0392b"))
            series.append(.init("int8 peak gain \(Cell.ratio(r.int8PeakGain))", [(low, r.int8PeakGain), (high, r.int8PeakGain)], style: .line, color: "#c0392b"))
        }
        return XYChart(title: text("threads.chart-title"), xLabel: "weights M x K", yLabel: "best 1-thread time / best 2-thread time",
                       logX: true, series: series).svg
    }

    static func decisionSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Decisions")
        nb.table(["bucket", "shape", "winner", "ms", "vs reference", "vs default", "vs runner-up", "noise", "rejected"], r.decisions.map { d in
            [d.bucket, d.shape, "`\(d.winner)`", Cell.fixed(d.winnerSeconds * 1e3, 3), d.vsReference.map { Cell.fixed($0, 1) + "x" } ?? "-",
             Cell.ratio(d.vsDefault), d.vsRunnerUp.map(Cell.ratio) ?? "-", Cell.percent(d.noise, 1) + (d.noisy ? " (drift)" : ""),
             "\(d.rejected)/\(d.considered) of \(d.searchSpace)"]
        })
        nb.text(text("decisions"))
    }

    static func fixedSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.fixed.isEmpty else { return }
        nb.heading(text("fixed.heading"))
        nb.text(text("fixed"))
        nb.table(["format", "threads", "buckets", "tuned over default (geomean)", "best fixed choice", "tuned over best fixed (geomean)", "worst bucket for it"],
                 r.fixed.map { f in
                     let overDefault = Analysis.geometricMean(r.decisions.filter { $0.format == f.format && $0.threads == f.threads }.map(\.vsDefault))
                     return [f.format, String(f.threads), String(f.buckets), Cell.ratio(overDefault), "`\(f.bestFixed)`",
                             Cell.ratio(f.tunedSpeedup), Cell.ratio(f.worstCase)]
                 })
        let rows = r.fixed.map { f in
            BarChart.Row("\(f.format), \(f.threads == 1 ? "1 thread" : "\(f.threads) threads")",
                         [Analysis.geometricMean(r.decisions.filter { $0.format == f.format && $0.threads == f.threads }.map(\.vsDefault)), f.tunedSpeedup])
        }
        var chart = BarChart(title: text("fixed.chart-title"), unit: "x",
                             series: ["tuned over default", "tuned over best fixed"], rows: rows, reference: (1, "no gain"))
        chart.valueFormat = "%.2f"
        nb.chart(chart.svg, id: "fixed", caption: text("fixed.caption"))
    }

    static func regretSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.regret.isEmpty else { return }
        nb.heading("Held-out regret")
        nb.text(text("regret"))
        nb.table(["shape", "nearest bucket", "choice", "choice ms", "best ms", "regret"], r.regret.map { g in
            ["\(g.problem.format) \(g.problem.m)x\(g.problem.k)x\(g.problem.n) t\(g.problem.threads)", g.bucket, "`\(g.choice)`",
             Cell.fixed(g.choiceSeconds * 1e3, 3), Cell.fixed(g.bestSeconds * 1e3, 3), Cell.percent(g.regret, 1)]
        })
        nb.text(text("regret.mean", ["mean": Cell.percent(r.meanRegret, 1), "count": String(r.regret.count)]))
    }

    /// The elements in order, first occurrences only.
    static func inOrder(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
