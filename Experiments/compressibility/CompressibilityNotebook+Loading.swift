extension CompressibilityNotebook {
    static func loadingSection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        let text = CompressibilityFindings.text
        notebook.heading(text("loading.heading"))
        notebook.text(text("loading", [
            "storage": report.typicalStorage.map { "\($0.name) ~\(Cell.fixed($0.gigabytesPerSecond, 1)) GB/s" }.joined(separator: ", "),
        ]))
        notebook.table(["dataset"] + report.codecs.map { "B*seq \($0) (GB/s)" }, report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.fixed($0.breakEvenSequentialGBps, 3) } ?? "-" }
        })
        let slowest = report.typicalStorage.min { $0.gigabytesPerSecond < $1.gigabytesPerSecond }!
        var breakEvenChart = BarChart(title: text("loading.chart"),
                                      unit: "GB/s", series: report.codecs,
                                      rows: report.datasets.map { d in .init(d.label, report.codecs.map { d.result($0)?.breakEvenSequentialGBps ?? .nan }) },
                                      reference: (slowest.gigabytesPerSecond, "\(slowest.name) ~\(Cell.fixed(slowest.gigabytesPerSecond, 1)) GB/s (typical)"))
        breakEvenChart.valueFormat = "%.3f"
        notebook.chart(breakEvenChart.svg, id: "break-even", caption: text("loading.caption", ["storage": slowest.name]))
        notebook.text(text("loading.savings"))
        notebook.table(["dataset"] + report.typicalStorage.map { "\($0.name) ~\(Cell.fixed($0.gigabytesPerSecond, 1)) GB/s" },
                       report.datasets.map { d in
            [d.label] + report.typicalStorage.map { storage in
                guard let best = CompressibilityFindings.bestSaving(d, at: storage), best.saving > 0 else { return "none" }
                return "\(Cell.percent(best.saving, 1)) (\(best.codec))"
            }
        })
    }

    static func qualitySection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        let measured = report.datasets.filter { $0.source == .gaussian && $0.nmse != nil && $0.best != nil }
        guard !measured.isEmpty else { return }
        let text = CompressibilityFindings.text
        notebook.heading(text("quality.heading"))
        notebook.text(text("quality"))
        let series = measured.map { d in
            XYChart.Series(d.format, [(d.best!.bitsPerWeight, d.nmse!), (d.storedBitsPerWeight, d.nmse!)], style: .lineAndMarkers)
        }
        notebook.chart(XYChart(title: text("quality.chart"), xLabel: "bits per weight",
                               yLabel: "NMSE", logX: true, logY: true, series: series).svg,
                       id: "quality", caption: text("quality.caption"))
        notebook.table(["format", "NMSE", "stored bits/w", "best codec bits/w", "order-0 bound bits/w"], measured.map { d in
            [d.format, Cell.sci(d.nmse!), Cell.fixed(d.storedBitsPerWeight, 3),
             "\(Cell.fixed(d.best!.bitsPerWeight, 3)) (\(d.best!.codec))", Cell.fixed(d.entropyBoundBitsPerWeight, 3)]
        })
    }
}
