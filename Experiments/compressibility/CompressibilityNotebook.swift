/// The notebook: the data, the entropy of codes and scales, real codecs, break-even bandwidths, quality against size,
/// and the conclusion; every figure in it read from `CompressibilityResults`.
enum CompressibilityNotebook {
    static func make(_ report: CompressibilityResults) throws -> Notebook {
        var notebook = Notebook(name: CompressibilityExperiment.name, title: CompressibilityFindings.text("title"))
        let findings = CompressibilityFindings(report)
        notebook.headline = findings.headline
        introduction(&notebook, report)
        entropySection(&notebook, report)
        compressionSection(&notebook, report)
        loadingSection(&notebook, report)
        qualitySection(&notebook, report)
        notebook.heading("Conclusion")
        notebook.text(findings.conclusion)
        notebook.heading("What this experiment cannot show")
        notebook.text(findings.limitations)
        try notebook.attach(report)
        return notebook
    }

    static func introduction(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        let text = CompressibilityFindings.text
        notebook.text(text("introduction"))
        notebook.heading("Data")
        notebook.text(text("data", ["gaussian_weights": String(report.gaussianWeights), "model": report.realModel ?? text("data.no-model")]))
        notebook.table(["dataset", "source", "weights", "bytes", "where from"], report.datasets.map {
            [$0.label, $0.source.rawValue, "\($0.weights)", Cell.bytes(Double($0.bytes)), $0.provenance]
        })
        notebook.text(text("data.codecs", ["codecs": report.codecs.joined(separator: ", "),
                                           "notes": report.codecNotes.isEmpty ? "" : " " + report.codecNotes.joined(separator: "; ") + "."]))
    }

    static func entropySection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        let text = CompressibilityFindings.text
        notebook.heading(text("entropy.heading"))
        notebook.text(text("entropy"))
        notebook.table(["dataset", "stored bits/w", "code H (bits/code)", "codes bits/w: stored → bound",
                        "scales bits/w: stored → bound", "bound bits/w", "ideal ratio", "NMSE"],
                       report.datasets.map { d in
            [d.label, Cell.fixed(d.storedBitsPerWeight, 3),
             "\(Cell.fixed(d.codeEntropyBits, 3)) of \(d.codeWidth) (\(d.codeDistinctValues) values)",
             "\(Cell.fixed(d.codeStoredBitsPerWeight, 3)) → \(Cell.fixed(d.codeEntropyBitsPerWeight, 3))",
             d.scaleFields.isEmpty ? "-" : "\(Cell.fixed(d.scaleStoredBitsPerWeight, 3)) → \(Cell.fixed(d.scaleEntropyBitsPerWeight, 3))",
             Cell.fixed(d.entropyBoundBitsPerWeight, 3), Cell.ratio(d.idealRatio),
             d.nmse.map { Cell.sci($0) + (d.source == .requantized ? " (vs its q8_0)" : "") } ?? "unknown"]
        })
        notebook.text(text("entropy.nmse"))
        var entropyChart = BarChart(title: text("entropy.chart"), unit: "bits/w",
                                    series: ["codes stored", "codes bound", "scales stored", "scales bound"],
                                    rows: report.datasets.map {
                                        .init($0.label, [$0.codeStoredBitsPerWeight, $0.codeEntropyBitsPerWeight,
                                                         $0.scaleStoredBitsPerWeight, $0.scaleEntropyBitsPerWeight])
                                    })
        entropyChart.valueFormat = "%.2f"
        notebook.chart(entropyChart.svg, id: "entropy", caption: text("entropy.caption"))
        notebook.text(text("entropy.fields"))
        notebook.table(["dataset", "field", "width", "H (bits)", "distinct values"], report.datasets.flatMap { d in
            d.scaleFields.map { [d.label, $0.name, "\($0.width)", Cell.fixed($0.entropyBits, 3), "\($0.distinctValues)"] }
        })
    }

    static func compressionSection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        let text = CompressibilityFindings.text
        notebook.heading(text("codecs.heading"))
        notebook.text(text("codecs"))
        notebook.table(["dataset"] + report.codecs + ["ideal: bytes", "ideal: symbols"], report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.ratio($0.ratio) } ?? "-" }
                + [Cell.ratio(d.byteIdealRatio), Cell.ratio(d.idealRatio)]
        })
        var ratioChart = BarChart(title: text("codecs.chart"), unit: "%",
                                  series: report.codecs + ["order-0 bound (symbols)"],
                                  rows: report.datasets.map { d in
                                      .init(d.label, report.codecs.map { d.result($0).map { 100 * CompressibilityFindings.spaceSaving($0.ratio) } ?? .nan }
                                                     + [100 * CompressibilityFindings.spaceSaving(d.idealRatio)])
                                  })
        ratioChart.valueFormat = "%.1f"
        notebook.chart(ratioChart.svg, id: "ratio", caption: text("codecs.caption"))
        notebook.text(text("codecs.speed", ["repetitions": String(report.repetitions)]))
        notebook.table(["dataset"] + report.codecs, report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.fixed($0.decompressGBps, 2) } ?? "-" }
        })
        let regrouped = report.datasets.filter { $0.regrouped?.scalesRatio != nil }
        guard !regrouped.isEmpty else { return }
        notebook.text(text("codecs.regrouped", ["codec": report.regroupCodec]))
        notebook.table(["dataset", "blocks as stored", "codes alone", "scales alone", "both, regrouped"], regrouped.map { d in
            let r = d.regrouped!
            return [d.label, d.result(r.codec).map { Cell.ratio($0.ratio) } ?? "-", Cell.ratio(r.codesRatio),
                    r.scalesRatio.map(Cell.ratio) ?? "-", Cell.ratio(r.totalRatio)]
        })
    }
}
