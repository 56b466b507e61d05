import Foundation

/// The bits-vs-quality notebook: tables, charts and a conclusion drawn from the measured results, worded by the
/// template `notebook.md`.
enum BitsVsQualityNotebook {
    static let text = NotebookText(experiment: "bits-vs-quality")

    static func make(_ r: BitsVsQualityResults) throws -> Notebook {
        var notebook = Notebook(name: BitsVsQualityExperiment.name, title: text("title"))
        try notebook.attach(r)
        guard let f32 = r.models.first(where: { $0.format == "f32" }) else { throw ExperimentError("no f32 reference row") }
        let quantized = r.models.filter { $0.format != "f32" && $0.share != nil }.sorted { $0.bitsPerWeight > $1.bitsPerWeight }
        let fourBit = quantized.filter { $0.format.hasPrefix("q4") }
        func cost(_ m: ModelQuality) -> Double { (m.perplexity / f32.perplexity - 1) * 100 }
        let cheapest = fourBit.min { cost($0) < cost($1) }!, dearest = fourBit.max { cost($0) < cost($1) }!
        let kls = fourBit.map(\.meanKL)
        let widest = quantized.first!

        notebook.headline = text("headline", [
            "model": text(r.sourceIsQ4_1 ? "headline.smollm2" : "headline.other-model"), "widest": widest.format,
            "widest_bits": String(format: "%.2f", widest.bitsPerWeight), "widest_change": String(format: "%+.2f%%", cost(widest)),
            "widest_kl": Cell.sci(widest.meanKL),
            "cheapest_change": String(format: "%+.1f%%", cost(cheapest)), "cheapest": cheapest.format,
            "dearest_change": String(format: "%+.1f%%", cost(dearest)), "dearest": dearest.format,
            "kl_low": Cell.sci(kls.min()!), "kl_high": Cell.sci(kls.max()!),
        ])

        notebook.text(text("source", ["source": r.source, "context": String(r.context), "positions": String(r.positions)]))
        if r.sourceIsQ4_1 {
            notebook.text(text("source.limits"))
        }

        notebook.heading("Models")
        notebook.table(["format", "weights stored as", "file", "bits/weight", "perplexity", "vs f32", "mean KL", "max KL", "top-1"],
                       r.models.sorted { $0.bitsPerWeight > $1.bitsPerWeight }.map { m in
                           [m.format, m.composition, Cell.bytes(Double(m.fileBytes)), Cell.fixed(m.bitsPerWeight, 2), Cell.fixed(m.perplexity, 3),
                            String(format: "%+.2f%%", (m.perplexity / f32.perplexity - 1) * 100),
                            m.format == "f32" ? "-" : Cell.sci(m.meanKL), m.format == "f32" ? "-" : Cell.sci(m.maxKL),
                            Cell.percent(m.top1, 1)]
                       })
        let byBits = quantized.sorted { $0.bitsPerWeight < $1.bitsPerWeight }
        notebook.chart(XYChart(title: text("perplexity.chart"), xLabel: "bits per weight", yLabel: "perplexity",
                               series: [.init("formats", byBits.map { ($0.bitsPerWeight, $0.perplexity) }, style: .markers),
                                        .init("f32 (\(Cell.fixed(f32.perplexity, 2)))",
                                              [(byBits.first!.bitsPerWeight, f32.perplexity), (byBits.last!.bitsPerWeight, f32.perplexity)], style: .dashed)])
                        .svg, id: "perplexity", caption: text("perplexity.caption"))
        notebook.chart(XYChart(title: text("kl.chart"), xLabel: "bits per weight", yLabel: "mean KL (nats)",
                               logY: true, series: [.init("mean KL", byBits.map { ($0.bitsPerWeight, $0.meanKL) }, style: .markers)])
                        .svg, id: "kl", caption: text("kl.caption"))
        notebook.text(labels(byBits))
        notebook.text(notes(r, quantized: quantized))

        notebook.heading(text("rounding.heading"))
        notebook.text(text("rounding", ["real_rows": text(r.rowErrors.contains { $0.real != nil } ? "rounding.real" : "rounding.no-real")]))
        notebook.table(["format", "bits/weight", "Gaussian rows", "real rows"], r.rowErrors.map {
            [$0.format, Cell.fixed($0.bitsPerWeight, 2), Cell.percent($0.gaussian, 2), $0.real.map { Cell.percent($0, 2) } ?? "-"]
        })
        let gaussianPoints = r.rowErrors.sorted { $0.bitsPerWeight < $1.bitsPerWeight }.map { ($0.bitsPerWeight, $0.gaussian) }
        let realPoints = r.rowErrors.compactMap { e in e.real.flatMap { $0 > 0 ? (e.bitsPerWeight, $0) : nil } }.sorted { $0.0 < $1.0 }
        notebook.chart(XYChart(title: text("rmse.chart"), xLabel: "bits per weight",
                               yLabel: "relative RMS error", logY: true,
                               series: [.init("Gaussian rows", gaussianPoints, style: .markers)]
                                   + (realPoints.isEmpty ? [] : [.init("real rows", realPoints, style: .markers)]))
                        .svg, id: "rmse", caption: text("rmse.caption"))

        notebook.heading("Conclusion")
        notebook.text(conclusion(r, f32: f32, quantized: quantized))
        return notebook
    }

    /// What the table's odd rows come from: block fallbacks, the tied embedding, and the activation rounding floor.
    static func notes(_ r: BitsVsQualityResults, quantized: [ModelQuality]) -> String {
        var lines: [String] = []
        let partial = quantized.filter { ($0.share ?? 1) < 0.99 }
        if !partial.isEmpty {
            lines.append(text("notes.fallbacks", ["formats": partial.map {
                text("notes.fallback", ["format": $0.format, "share": Cell.percent($0.share ?? 0)])
            }.joined(separator: ", ")]))
        }
        if r.sourceIsQ4_1, let shipped = r.models.first(where: { $0.format == ModelQuality.shippedLabel }) {
            lines.append(text("notes.shipped", ["composition": shipped.composition, "perplexity": Cell.fixed(shipped.perplexity, 3),
                                                "kl": Cell.sci(shipped.meanKL)]))
        }
        if let q8 = quantized.first(where: { $0.format == "q8_0" }) {
            lines.append(text("notes.floor", ["kl": Cell.sci(q8.meanKL), "top1": Cell.percent(q8.top1, 1)]))
        }
        return lines.joined(separator: "\n")
    }

    /// Which point is which format, since the scatter has no labels.
    static func labels(_ byBits: [ModelQuality]) -> String {
        text("labels", ["points": byBits.map { "\($0.format) (\(Cell.fixed($0.bitsPerWeight, 2)))" }.joined(separator: ", ")])
    }

    static func conclusion(_ r: BitsVsQualityResults, f32: ModelQuality, quantized: [ModelQuality]) -> String {
        var lines: [String] = []
        // Size against bits: linear when the file is almost all weight matrices.
        let slopes = quantized.map { Double($0.fileBytes) / $0.bitsPerWeight }
        let spread = (slopes.max()! - slopes.min()!) / slopes.min()!
        lines.append(text("conclusion.size", ["spread": String(format: "%.1f%%", spread * 100),
                                              "per_bit": Cell.bytes(slopes.reduce(0, +) / Double(slopes.count))]))
        // Quality against bits.
        let ordered = quantized.sorted { $0.bitsPerWeight > $1.bitsPerWeight }
        let monotoneKL = zip(ordered, ordered.dropFirst()).filter { $0.meanKL <= $1.meanKL * 1.05 }.count
        lines.append(text("conclusion.quality", ["rises": String(monotoneKL), "steps": String(ordered.count - 1),
                                                 "formats": ordered.map { "\($0.format) \(Cell.sci($0.meanKL))" }.joined(separator: ", ")]))
        if let q4_0 = quantized.first(where: { $0.format == "q4_0" }), let q4_K = quantized.first(where: { $0.format == "q4_K" }) {
            let better = q4_K.meanKL < q4_0.meanKL
            lines.append(text("conclusion.q4", [
                "q4_K_bits": String(format: "%.2f", q4_K.bitsPerWeight), "q4_0_bits": String(format: "%.2f", q4_0.bitsPerWeight),
                "verdict": text(better ? "conclusion.q4.better" : "conclusion.q4.not-better"),
                "q4_K_kl": Cell.sci(q4_K.meanKL), "q4_0_kl": Cell.sci(q4_0.meanKL),
                "q4_K_perplexity": String(format: "%.3f", q4_K.perplexity), "q4_0_perplexity": String(format: "%.3f", q4_0.perplexity),
            ]))
        }
        let gaussian = Dictionary(uniqueKeysWithValues: r.rowErrors.map { ($0.format, $0.gaussian) })
        if let e4 = gaussian["q4_0"], let e5 = gaussian["q5_0"], let e8 = gaussian["q8_0"] {
            lines.append(text("conclusion.halving", ["q5_0": String(format: "%.2f", e4 / e5), "q8_0": String(format: "%.1f", e4 / e8)]))
        }
        lines.append(text("conclusion.threshold", ["source": r.sourceIsQ4_1 ? text("conclusion.threshold.four-bit-source") : ""]))
        return lines.joined(separator: "\n")
    }
}
