extension CompressibilityNotebook {
    static func loadingSection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        notebook.heading("Break-even storage bandwidth")
        notebook.text("""
            Reading S bytes from storage of bandwidth B takes S/B. Stored with ratio r and decompressed at D (bytes of \
            output per second), reading then decompressing takes S/(r·B) + S/D, which is shorter exactly when \
            **B < B\\*seq = D·(1 − 1/r)**. If reading the next chunk overlaps decompressing the last one (a pipeline), \
            the load takes max(S/(r·B), S/D), shorter exactly when **B < B\\*pipe = D** (for any r > 1; that is D_in·r \
            with D_in the speed in compressed bytes). B\\*seq is what a plain loader gets and is the figure used below; \
            B\\*pipe is the best case and equals the decompression speeds above. Storage figures are typical for the \
            class (\(report.typicalStorage.map { "\($0.name) ~\(Cell.fixed($0.gigabytesPerSecond, 1)) GB/s" }.joined(separator: ", "))), \
            not measured here.
            """)
        notebook.table(["dataset"] + report.codecs.map { "B*seq \($0) (GB/s)" }, report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.fixed($0.breakEvenSequentialGBps, 3) } ?? "-" }
        })
        let slowest = report.typicalStorage.min { $0.gigabytesPerSecond < $1.gigabytesPerSecond }!
        var breakEvenChart = BarChart(title: "Storage bandwidth below which compressed loading is faster (read, then decompress)",
                                      unit: "GB/s", series: report.codecs,
                                      rows: report.datasets.map { d in .init(d.label, report.codecs.map { d.result($0)?.breakEvenSequentialGBps ?? .nan }) },
                                      reference: (slowest.gigabytesPerSecond, "\(slowest.name) ~\(Cell.fixed(slowest.gigabytesPerSecond, 1)) GB/s (typical)"))
        breakEvenChart.valueFormat = "%.3f"
        notebook.chart(breakEvenChart.svg, id: "break-even", caption: "B*seq = D·(1 − 1/r) per codec and dataset; the dashed line is a typical \(slowest.name) bandwidth, not a measurement")
        notebook.text("Load time saved (read, then decompress) with the best codec at each typical bandwidth; \"none\" where every codec is slower than reading the plain bytes:")
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
        notebook.heading("Quality against size")
        notebook.text("""
            On the Gaussian weights the error of each format is known. Each line runs from the format's stored size \
            (right end) to its size after the best lossless codec (left end): lossless coding moves a format left \
            without changing its error, so a format beats another only if it is both left of and below it.
            """)
        let series = measured.map { d in
            XYChart.Series(d.format, [(d.best!.bitsPerWeight, d.nmse!), (d.storedBitsPerWeight, d.nmse!)], style: .lineAndMarkers)
        }
        notebook.chart(XYChart(title: "Error against bits per weight, stored and losslessly compressed", xLabel: "bits per weight",
                               yLabel: "NMSE", logX: true, logY: true, series: series).svg,
                       id: "quality", caption: "Gaussian weights: NMSE against bits per weight as stored (right) and after the best codec (left)")
        notebook.table(["format", "NMSE", "stored bits/w", "best codec bits/w", "order-0 bound bits/w"], measured.map { d in
            [d.format, Cell.sci(d.nmse!), Cell.fixed(d.storedBitsPerWeight, 3),
             "\(Cell.fixed(d.best!.bitsPerWeight, 3)) (\(d.best!.codec))", Cell.fixed(d.entropyBoundBitsPerWeight, 3)]
        })
    }
}
