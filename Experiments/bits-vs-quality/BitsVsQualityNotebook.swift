import Foundation

/// The bits-vs-quality notebook: per model a table, charts over both models, the knee, robustness and speed
/// findings, and the formats' own rounding; worded by the template `notebook.md`.
enum BitsVsQualityNotebook {
    static let text = NotebookText(experiment: "bits-vs-quality")
    typealias Findings = BitsVsQualityFindings

    static func make(_ r: BitsVsQualityResults) throws -> Notebook {
        guard !r.models.isEmpty else { throw ExperimentError("no model was measured") }
        var notebook = Notebook(name: BitsVsQualityExperiment.name, title: text("title"))
        try notebook.attach(r)
        let s = r.settings
        let knees = r.models.map { ($0, Findings.knee($0)) }
        let robustness = Findings.robustness(r.models)
        let faster = r.models.flatMap { Findings.fasterDespiteBits($0, threads: s.threads) }
        notebook.headline = (knees.map { kneeSentence($0.0, $0.1) } + [robustness.map(robustnessSentence), speedSentence(faster)].compactMap { $0 })
            .joined(separator: " ")

        notebook.text(text("method", ["context": String(s.context), "chunks": s.chunks.map { " (at most \($0))" } ?? "",
                                      "prompt": String(s.promptTokens), "gen": String(s.genTokens),
                                      "repetitions": String(s.repetitions), "threads": s.threads.map(String.init).joined(separator: " and ")]))
        notebook.text(text("method.base", [
            "sources": r.models.map { text("method.base.source", ["model": $0.name, "composition": $0.sourceComposition]) }.joined(separator: "; "),
            "own": r.models.map { "\($0.sourceFormats.joined(separator: ", ")) for \($0.name)" }.joined(separator: "; "),
        ]))
        if !r.missing.isEmpty { notebook.text(text("method.missing", ["missing": r.missing.joined(separator: "; ")])) }

        for model in r.models { modelSection(&notebook, model, s) }
        charts(&notebook, r)

        notebook.heading(text("knee.heading"))
        notebook.text(text("knee.method"))
        notebook.text(knees.map { model, knee in
            guard let knee else { return text("knee.none", ["model": model.name]) }
            return text("knee.front", ["model": model.name, "above": knee.above, "below": knee.below, "ratio": Cell.fixed(knee.klRatio, 1),
                                       "front": Findings.paretoFront(model).map { "\($0.format) (\(Cell.fixed($0.bitsPerWeight, 2)))" }.joined(separator: ", ")])
        }.joined(separator: "\n"))

        notebook.heading(text("robust.heading"))
        if r.models.count >= 2 {
            let (a, b) = (r.models[0], r.models[1])
            notebook.text(text("robust.intro"))
            notebook.table(["format", "bits/weight (\(a.name))", "KL (\(a.name))", "bits/weight (\(b.name))", "KL (\(b.name))", "ratio"],
                           Findings.comparable(a, b).map { f, g in
                               [f.format, Cell.fixed(f.bitsPerWeight, 2), Cell.sci(f.kld?.kldMean.value ?? .nan),
                                Cell.fixed(g.bitsPerWeight, 2), Cell.sci(g.kld?.kldMean.value ?? .nan),
                                Cell.ratio((f.kld?.kldMean.value ?? .nan) / (g.kld?.kldMean.value ?? .nan))]
                           })
        }
        notebook.text(robustness.map(robustnessSentence) ?? text("robust.one-model"))

        notebook.heading(text("speed.heading"))
        let margin = Cell.percent(Findings.margin)
        if faster.isEmpty {
            notebook.text(text("speed.none", ["margin": margin]))
        } else {
            notebook.text(text("speed.intro", ["margin": margin]))
            notebook.table(["model", "test", "threads", "format", "bits/weight", "tokens/s", "faster than (fewer bits)"], faster.map {
                [$0.model, $0.prefill ? "pp\(s.promptTokens)" : "tg\(s.genTokens)", String($0.threads), $0.format,
                 Cell.fixed($0.bitsPerWeight, 2), Cell.fixed($0.tokensPerSecond, 1), $0.beats.joined(separator: ", ")]
            })
        }

        rounding(&notebook, r)

        notebook.heading("Conclusion")
        notebook.text(conclusion(r, knees: knees, robustness: robustness, faster: faster))
        return notebook
    }

    static func kneeSentence(_ model: ModelRun, _ knee: Findings.Knee?) -> String {
        guard let knee else { return text("headline.no-knee", ["model": model.name]) }
        return text("headline.knee", [
            "model": model.name, "above": knee.above, "above_bits": Cell.fixed(knee.aboveBits, 2), "above_kl": Cell.sci(knee.aboveKL),
            "below": knee.below, "below_bits": Cell.fixed(knee.belowBits, 2), "below_kl": Cell.sci(knee.belowKL),
            "ratio": Cell.fixed(knee.klRatio, 1), "near": text(knee.nearThreePointFive ? "headline.knee.near" : knee.reachesBelowFour ? "headline.knee.far" : "headline.knee.untested"),
        ])
    }

    static func robustnessSentence(_ r: Findings.Robustness) -> String {
        text(r.verdict.rawValue, ["formats": String(r.formats), "smaller": r.smaller, "larger": r.larger, "ratio": Cell.fixed(r.medianRatio, 2)])
    }

    static func speedSentence(_ faster: [Findings.FasterDespiteBits]) -> String {
        let decode = faster.filter { !$0.prefill && $0.threads == 1 }
        guard let first = decode.first else { return text("headline.speed.none") }
        return text("headline.speed", ["count": String(decode.count),
                                       "example": "\(first.format) (\(Cell.fixed(first.bitsPerWeight, 2)) bits) beats \(first.beats.joined(separator: ", ")) on \(first.model)"])
    }

    static func modelSection(_ notebook: inout Notebook, _ model: ModelRun, _ s: BitsVsQualitySettings) {
        notebook.heading(text("model.heading", ["model": model.name]))
        notebook.text(text("model.intro", [
            "weights": Cell.fixed(Double(model.weights) / 1e6, 1) + "M", "size": Cell.bytes(Double(model.base.fileBytes)),
            "ppl": Cell.fixed(model.base.perplexity, 3), "prompt": String(s.promptTokens), "gen": String(s.genTokens),
            "pp": Cell.fixed(model.base.tokensPerSecond(prefill: true, threads: 1) ?? .nan, 1),
            "tg": Cell.fixed(model.base.tokensPerSecond(prefill: false, threads: 1) ?? .nan, 1),
        ]))
        let speedHeaders = [true, false].flatMap { prefill in s.threads.map { "\(prefill ? "pp\(s.promptTokens)" : "tg\(s.genTokens)") t\($0)" } }
        let header = ["format", "stored as", "file", "bits/weight", "PPL", "PPL ratio", "KL mean", "KL median", "KL p99", "KL max",
                      "same top", "RMS Δp"]
        notebook.table(header + speedHeaders, model.formats.map { f in
            formatRow(f, own: model.sourceFormats.contains(f.format))
                + [true, false].flatMap { prefill in s.threads.map { Cell.fixed(f.tokensPerSecond(prefill: prefill, threads: $0) ?? .nan, 1) } }
        })
    }

    /// A format's size and quality cells; `own`: a format the published file already uses (marked *).
    static func formatRow(_ f: FormatRun, own: Bool) -> [String] {
        let name: String = f.format + (own ? " *" : "")
        let sizes: [String] = [name, f.composition, Cell.bytes(Double(f.fileBytes)), Cell.fixed(f.bitsPerWeight, 2), Cell.fixed(f.perplexity, 3)]
        guard let k = f.kld else { return sizes + Array(repeating: "-", count: 7) }
        let ratio: String = String(format: "%.4f ± %.4f", k.pplRatio.value, k.pplRatio.uncertainty)
        let mean: String = Cell.sci(k.kldMean.value) + " ± " + Cell.sci(k.kldMean.uncertainty)
        let rest: [String] = [Cell.sci(k.kldMedian), Cell.sci(k.kld99), Cell.sci(k.kldMax), Cell.percent(k.sameTop.value, 1), Cell.percent(k.deltaRMS.value, 2)]
        return sizes + [ratio, mean] + rest
    }

    /// Quality and speed against bits, every model on one chart (the pure formats: the published mix is in the tables).
    static func charts(_ notebook: inout Notebook, _ r: BitsVsQualityResults) {
        let models = r.models.map { m in (m, m.formats.filter { $0.share != nil && $0.kld != nil }.sorted { $0.bitsPerWeight < $1.bitsPerWeight }) }
        notebook.chart(XYChart(title: text("kl.chart"), xLabel: "bits per weight", yLabel: "mean KL (nats)", logY: true,
                               series: models.map { m, f in .init(m.name, f.compactMap { g in g.kld.map { (g.bitsPerWeight, max($0.kldMean.value, 1e-9)) } }) })
                        .svg, id: "kl", caption: text("kl.caption"))
        notebook.chart(XYChart(title: text("ppl.chart"), xLabel: "bits per weight", yLabel: "PPL / PPL(base)",
                               series: models.map { m, f in .init(m.name, f.map { ($0.bitsPerWeight, $0.perplexity / m.base.perplexity) }) })
                        .svg, id: "ppl", caption: text("ppl.caption"))
        for (prefill, id) in [(false, "decode"), (true, "prefill")] {
            let series = models.flatMap { m, f in
                r.settings.threads.map { t in
                    XYChart.Series("\(m.name) t\(t)", f.compactMap { g in g.tokensPerSecond(prefill: prefill, threads: t).map { (g.bitsPerWeight, $0) } })
                }
            }
            notebook.chart(XYChart(title: text("\(id).chart"), xLabel: "bits per weight", yLabel: "tokens/s", logY: true, series: series).svg,
                           id: id, caption: text("\(id).caption"))
        }
        notebook.text(models.map { m, f in
            text("labels", ["model": m.name, "points": f.reversed().map { "\($0.format) (\(Cell.fixed($0.bitsPerWeight, 2)))" }.joined(separator: ", ")])
        }.joined(separator: "\n\n"))
    }

    static func rounding(_ notebook: inout Notebook, _ r: BitsVsQualityResults) {
        notebook.heading(text("rounding.heading"))
        notebook.text(text("rounding", ["real_rows": text(r.rowErrors.contains { $0.real != nil } ? "rounding.real" : "rounding.no-real")]))
        notebook.table(["format", "bits/weight", "Gaussian rows", "real rows"], r.rowErrors.map {
            [$0.format, Cell.fixed($0.bitsPerWeight, 2), Cell.percent($0.gaussian, 2), $0.real.map { Cell.percent($0, 2) } ?? "-"]
        })
        let gaussianPoints = r.rowErrors.sorted { $0.bitsPerWeight < $1.bitsPerWeight }.map { ($0.bitsPerWeight, $0.gaussian) }
        let realPoints = r.rowErrors.compactMap { e in e.real.flatMap { $0 > 0 ? (e.bitsPerWeight, $0) : nil } }.sorted { $0.0 < $1.0 }
        notebook.chart(XYChart(title: text("rmse.chart"), xLabel: "bits per weight", yLabel: "relative RMS error", logY: true,
                               series: [.init("Gaussian rows", gaussianPoints, style: .markers)]
                                   + (realPoints.isEmpty ? [] : [.init("real rows", realPoints, style: .markers)]))
                        .svg, id: "rmse", caption: text("rmse.caption"))
    }

    static func conclusion(_ r: BitsVsQualityResults, knees: [(ModelRun, Findings.Knee?)], robustness: Findings.Robustness?,
                           faster: [Findings.FasterDespiteBits]) -> String {
        var lines: [String] = []
        for model in r.models {
            // Size against bits: linear when the file is almost all weight matrices.
            let slopes = model.formats.filter { $0.share != nil }.map { Double($0.fileBytes) / $0.bitsPerWeight }
            guard let low = slopes.min(), let high = slopes.max() else { continue }
            lines.append(text("conclusion.size", ["model": model.name, "spread": Cell.percent((high - low) / low, 1),
                                                  "per_bit": Cell.bytes(slopes.reduce(0, +) / Double(slopes.count))]))
        }
        lines.append(text("conclusion.knee", ["knees": knees.map { kneeSentence($0.0, $0.1) }.joined(separator: " ")]))
        lines.append(text("conclusion.robust", ["verdict": robustness.map(robustnessSentence) ?? text("robust.one-model")]))
        if !faster.isEmpty {
            let counts = Dictionary(grouping: faster, by: \.format).mapValues(\.count)
            let winner = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            lines.append(text("conclusion.speed", ["count": String(faster.count), "winner": "\(winner.key) (\(winner.value) cases)"]))
        }
        let gaussian = Dictionary(uniqueKeysWithValues: r.rowErrors.map { ($0.format, $0.gaussian) })
        if let e4 = gaussian["q4_0"], let e5 = gaussian["q5_0"], let e8 = gaussian["q8_0"] {
            lines.append(text("conclusion.halving", ["q5_0": String(format: "%.2f", e4 / e5), "q8_0": String(format: "%.1f", e4 / e8)]))
        }
        return lines.joined(separator: "\n")
    }
}
