import Foundation

extension TuningExperiment {
    static func notebook(_ r: Results) throws -> Notebook {
        var nb = Notebook(name: name, title: "Autotuning on this CPU: what a second thread and a tuned choice buy")
        nb.headline = headline(r)
        nb.heading("Question")
        nb.text("""
            `quantlab tune` verifies every candidate kernel (variant x parameters) against the f64 reference, times \
            them in drift-checked rounds and keeps a winner per shape bucket (format, M, K, N classes, thread \
            budget). This notebook runs it from an empty database (`tune \(r.tuneArguments.joined(separator: " ")) \
            --compare-fixed`), then again against the database it wrote, and asks: per format, shape and N, what \
            does a second thread buy; and what do the tuner's choices buy over the default rule and over the best \
            single fixed choice.
            """)
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
            nb.text("Rejections (candidates that computed a wrong answer and were never timed):\n\n"
                    + r.rejections.prefix(20).map { "- \($0)" }.joined(separator: "\n")
                    + (r.rejections.count > 20 ? "\n- ... and \(r.rejections.count - 20) more (data file)" : ""))
        }
    }

    static func threadSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("What the second thread buys")
        nb.text("""
            For each format, shape and N tuned at both budgets: the best time at 1 thread over the best at 2. The \
            2-thread budget may also pick a single-thread kernel, so a speedup near 1.00x with a 1-thread winner means \
            the tuner found splitting the work not worth it. For scale, `quantlab roofline` (run before and after \
            tuning; the higher of the two runs) measured the read bandwidth at 2 threads \(Cell.ratio(r.bandwidthGain)) and the int8 peak \(Cell.ratio(r.int8PeakGain)) their \
            1-thread values: the most a bandwidth-bound (decode) and a compute-bound (prefill) product could gain.
            """)
        nb.table(["format", "shape MxKxN", "best 1 thread (ms)", "best 2 threads (ms)", "speedup", "2-thread winner", "threads used"],
                 r.threadPairs.map { p in
                     [p.format, p.shape, Cell.fixed(p.oneThreadSeconds * 1e3, 3), Cell.fixed(p.twoThreadSeconds * 1e3, 3),
                      Cell.ratio(p.speedup), "`\(p.twoThreadWinner)`", String(p.twoThreadWinnerThreads)]
                 })
        nb.chart(threadChart(r), id: "threads", caption: "Best time at 1 thread over best time at 2 threads, per shape (weights M x K, log), decode and prefill")
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
        return XYChart(title: "What a second thread buys, per shape", xLabel: "weights M x K", yLabel: "best 1-thread time / best 2-thread time",
                       logX: true, series: series).svg
    }

    static func decisionSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Decisions")
        nb.table(["bucket", "shape", "winner", "ms", "vs reference", "vs default", "vs runner-up", "noise", "rejected"], r.decisions.map { d in
            [d.bucket, d.shape, "`\(d.winner)`", Cell.fixed(d.winnerSeconds * 1e3, 3), d.vsReference.map { Cell.fixed($0, 1) + "x" } ?? "-",
             Cell.ratio(d.vsDefault), d.vsRunnerUp.map(Cell.ratio) ?? "-", Cell.percent(d.noise, 1) + (d.noisy ? " (drift)" : ""),
             "\(d.rejected)/\(d.considered) of \(d.searchSpace)"]
        })
        nb.text("""
            "vs default" is the default rule's choice (`DefaultKernelRule`, what the model runs without a database: the \
            widest instruction set's kernel at its default parameters, tiled from 4 columns, threaded at 2 threads) \
            timed in the same rounds, over the kernel that runs for the bucket (the default itself unless a candidate \
            won by more than the required margin). A \
            runner-up below 1.00x means the winner kept its place within noise as the default or simpler candidate.
            """)
    }

    static func fixedSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.fixed.isEmpty else { return }
        nb.heading("What tuning buys over the default and over the best single fixed choice")
        nb.text("""
            For each format and thread budget, every bucket's winner and default were re-timed at every bucket; the \
            best fixed choice is the one with the smallest geometric-mean slowdown against the tuned choices. \
            "Tuned over default" is the geometric mean of the decisions' "vs default".
            """)
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
        var chart = BarChart(title: "Tuned choices against the default rule and the best fixed choice (geometric means)", unit: "x",
                             series: ["tuned over default", "tuned over best fixed"], rows: rows, reference: (1, "no gain"))
        chart.valueFormat = "%.2f"
        nb.chart(chart.svg, id: "fixed", caption: "Speedup of the tuned choices over the default rule and over the best single fixed choice, per format and thread budget")
    }

    static func regretSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.regret.isEmpty else { return }
        nb.heading("Held-out regret")
        nb.text("""
            Shapes never tuned, answered from the nearest bucket; regret = the choice's time over the best of that \
            bucket's finalists and default, all re-timed at the held-out shape, minus 1.
            """)
        nb.table(["shape", "nearest bucket", "choice", "choice ms", "best ms", "regret"], r.regret.map { g in
            ["\(g.problem.format) \(g.problem.m)x\(g.problem.k)x\(g.problem.n) t\(g.problem.threads)", g.bucket, "`\(g.choice)`",
             Cell.fixed(g.choiceSeconds * 1e3, 3), Cell.fixed(g.bestSeconds * 1e3, 3), Cell.percent(g.regret, 1)]
        })
        nb.text("Mean held-out regret: \(Cell.percent(r.meanRegret, 1)) over \(r.regret.count) shapes.")
    }

    /// The elements in order, first occurrences only.
    static func inOrder(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
