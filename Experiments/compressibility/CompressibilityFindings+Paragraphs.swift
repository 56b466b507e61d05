extension CompressibilityFindings {
    /// GGML block formats measured on Gaussian weights (not f16, not int8/tensor).
    var gaussianBlockFormats: [DatasetResult] { gaussian.filter { $0.format != "f16" && $0.format != SymbolLayout.int8PerTensor.name } }

    func gaussianRow(_ format: String) -> DatasetResult? { gaussian.first { $0.format == format } }

    var codesParagraph: String {
        let text = Self.text
        let used = gaussianBlockFormats.map { $0.codeEntropyBits / Double($0.codeWidth) }
        guard let low = used.min(), let high = used.max() else { return "" }
        var sentences = [text("codes", [
            "low": Cell.percent(low, 1), "high": Cell.percent(high, 1),
            "formats": gaussianBlockFormats.map {
                text("codes.format", ["format": $0.format, "bits": Cell.fixed($0.codeEntropyBits, 2), "width": String($0.codeWidth)])
            }.joined(separator: ", "),
        ])]
        if let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name), let q8 = gaussianRow("q8_0") {
            let lower = perTensor.codeEntropyBits < q8.codeEntropyBits
            sentences.append(text("codes.per-tensor", [
                "bits": Cell.fixed(perTensor.codeEntropyBits, 2), "q8_bits": Cell.fixed(q8.codeEntropyBits, 2),
                "finding": text(lower ? "codes.per-tensor.lower" : "codes.per-tensor.not-lower"),
            ]))
        }
        for d in real {
            guard let g = gaussianRow(d.format) else { continue }
            let difference = d.codeEntropyBits - g.codeEntropyBits
            let comparison = abs(difference) < 0.05 ? "codes.real.same" : difference < 0 ? "codes.real.fewer" : "codes.real.more"
            sentences.append(text("codes.real", ["format": d.format, "bits": Cell.fixed(d.codeEntropyBits, 2), "comparison": text(comparison),
                                                 "gaussian_bits": Cell.fixed(g.codeEntropyBits, 2)]))
        }
        if let requantized = report.datasets.first(where: { $0.source == .requantized }),
           let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name) {
            let fewer = requantized.codeEntropyBits < perTensor.codeEntropyBits - 0.05
            sentences.append(text("codes.requantized", [
                "bits": Cell.fixed(requantized.codeEntropyBits, 2),
                "finding": text(fewer ? "codes.requantized.fewer" : "codes.requantized.not-fewer",
                                ["gaussian_bits": Cell.fixed(perTensor.codeEntropyBits, 2)]),
            ]))
        }
        return sentences.joined(separator: " ")
    }

    var scalesParagraph: String {
        let text = Self.text
        let withScales = report.datasets.filter { !$0.scaleFields.isEmpty && $0.scaleEntropyBitsPerWeight > 0 }
        let shares = withScales.map { ($0.label, $0.scaleStoredBitsPerWeight / $0.storedBitsPerWeight) }
        guard let least = shares.min(by: { $0.1 < $1.1 }), let most = shares.max(by: { $0.1 < $1.1 }) else { return "" }
        let scalesLooser = withScales.filter {
            $0.scaleStoredBitsPerWeight / $0.scaleEntropyBitsPerWeight > $0.codeStoredBitsPerWeight / max($0.codeEntropyBitsPerWeight, 1e-12)
        }
        var regroupedText = ""
        let regrouped = withScales.compactMap { d in d.regrouped.flatMap { r in r.scalesRatio.map { (scales: $0, codes: r.codesRatio) } } }
        if let codec = withScales.first?.regrouped?.codec, !regrouped.isEmpty {
            regroupedText = text("scales.regrouped", [
                "codec": codec, "shrink": String(regrouped.filter { $0.scales > $0.codes }.count), "count": String(regrouped.count),
                "scales_low": Cell.ratio(regrouped.map(\.scales).min()!), "scales_high": Cell.ratio(regrouped.map(\.scales).max()!),
                "codes_low": Cell.ratio(regrouped.map(\.codes).min()!), "codes_high": Cell.ratio(regrouped.map(\.codes).max()!),
            ])
        }
        return text("scales", ["least": Cell.percent(least.1, 0), "least_label": least.0, "most": Cell.percent(most.1, 0), "most_label": most.0,
                               "looser": String(scalesLooser.count), "datasets": String(withScales.count), "regrouped": regroupedText])
    }

    var codecsParagraph: String {
        let text = Self.text
        let reached = report.datasets.compactMap { d -> (label: String, fraction: Double)? in
            guard let best = d.best, d.idealRatio > 1.0001 else { return nil }
            return (d.label, Self.spaceSaving(best.ratio) / Self.spaceSaving(d.idealRatio))
        }
        guard let low = reached.min(by: { $0.fraction < $1.fraction }), let high = reached.max(by: { $0.fraction < $1.fraction }) else { return "" }
        var sentences = [text("bound", [
            "low": low.fraction > 0 ? text("bound.low", ["fraction": Cell.percent(low.fraction, 0), "label": low.label])
                : text("bound.nothing", ["label": low.label]),
            "high": Cell.percent(high.fraction, 0), "high_label": high.label,
        ])]
        // Where bytes hide the codes' structure: the byte-level bound gives less than half the symbol-level saving.
        let hidden = report.datasets.filter {
            $0.idealRatio > 1.0001 && Self.spaceSaving($0.byteIdealRatio) < 0.5 * Self.spaceSaving($0.idealRatio)
        }
        let nearBytes = report.datasets.filter { d in d.best.map { abs($0.ratio / d.byteIdealRatio - 1) <= 0.02 } ?? false }
        let aboveBytes = report.datasets.filter { d in d.best.map { $0.ratio / d.byteIdealRatio - 1 > 0.02 } ?? false }
        sentences.append(text("bound.bytes", [
            "near": String(nearBytes.count), "datasets": String(report.datasets.count),
            "hidden": hidden.isEmpty ? "." : text("bound.bytes.hidden", ["labels": hidden.map(\.label).joined(separator: ", ")]),
        ]))
        if !aboveBytes.isEmpty {
            sentences.append(text("bound.above-bytes", ["datasets": aboveBytes.map { d in
                text("bound.above-bytes.dataset", ["label": d.label, "ratio": Cell.ratio(d.best!.ratio), "codec": d.best!.codec,
                                                   "byte_ratio": Cell.ratio(d.byteIdealRatio)])
            }.joined(separator: ", ")]))
        }
        let beyond = report.datasets.filter { d in d.best.map { $0.ratio > d.idealRatio } ?? false }
        sentences.append(beyond.isEmpty ? text("bound.beyond.none")
                         : text("bound.beyond", ["labels": beyond.map(\.label).joined(separator: ", ")]))
        let lz4 = report.datasets.compactMap { $0.result("lz4")?.ratio }
        if let best = lz4.max() {
            sentences.append(text("bound.lz4", ["ratio": Cell.ratio(best)]))
        }
        let regrouped = report.datasets.compactMap { d in d.regrouped.flatMap { r in d.result(r.codec).map { (r.totalRatio, $0.ratio) } } }
        if !regrouped.isEmpty {
            sentences.append(text("bound.regrouped", ["higher": String(regrouped.filter { $0.0 > $0.1 }.count), "count": String(regrouped.count)]))
        }
        return sentences.joined(separator: " ")
    }

    var loadingParagraph: String {
        let text = Self.text
        let savings = real.compactMap { d in Self.bestSaving(d, at: slowestStorage).map { (d.label, $0) } }
        guard let largest = savings.map(\.1.saving).max() else { return "" }
        let storage = text("paper.storage", ["name": slowestStorage.name, "gbps": Cell.fixed(slowestStorage.gigabytesPerSecond, 1)])
        let gains = savings.filter { $0.1.saving > 0 }, losses = savings.filter { $0.1.saving <= 0 }
        var clauses: [String] = []
        if !gains.isEmpty {
            clauses.append(text("paper.gains", ["gains": gains.map {
                text("paper.gain", ["saving": Cell.percent($0.1.saving, 1), "label": $0.0, "codec": $0.1.codec])
            }.joined(separator: ", ")]))
        }
        if !losses.isEmpty {
            clauses.append(text("paper.losses", ["labels": losses.map(\.0).joined(separator: " and ")]))
        }
        // The paper's own loading figures are not quoted: the lab could not check them against the paper's text.
        var setting = ""
        let perTensor = report.datasets.filter { $0.format == SymbolLayout.int8PerTensor.name }
        let inPaperSetting = perTensor.compactMap { d in Self.bestSaving(d, at: slowestStorage).map { (d.label, $0.saving) } }
        if let best = inPaperSetting.max(by: { $0.1 < $1.1 }) {
            let verdict = best.1 >= Self.substantialSaving ? "paper.setting.agrees"
                : best.1 > largest ? "paper.setting.direction" : "paper.setting.no-gain"
            setting = " " + text("paper.setting", ["storage": slowestStorage.name, "saving": Cell.percent(best.1, 1), "label": best.0,
                                                   "verdict": text(verdict)])
        }
        return text("paper", ["storage": storage, "savings": clauses.joined(separator: "; "),
                              "verdict": text(largest >= Self.substantialSaving ? "paper.substantial" : "paper.little"), "setting": setting])
    }

    var tradeOffParagraph: String {
        let text = Self.text
        let rows = gaussian.filter { $0.nmse != nil }.sorted { $0.entropyBoundBitsPerWeight < $1.entropyBoundBitsPerWeight }
        guard rows.count > 1 else { return "" }
        var findings: [String] = []
        if let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name), let q8 = gaussianRow("q8_0"),
           let e1 = perTensor.nmse, let e2 = q8.nmse {
            let compressesBetter = perTensor.entropyBoundBitsPerWeight < q8.entropyBoundBitsPerWeight
            let worse = e1 > e2
            let verdict = compressesBetter && worse ? "trade-off.int8.as-paper"
                : compressesBetter ? "trade-off.int8.against-paper" : "trade-off.int8.not-better"
            findings.append(text("trade-off.int8", [
                "per_tensor_bits": Cell.fixed(perTensor.entropyBoundBitsPerWeight, 2), "per_tensor_nmse": Cell.sci(e1),
                "q8_bits": Cell.fixed(q8.entropyBoundBitsPerWeight, 2), "q8_nmse": Cell.sci(e2), "verdict": text(verdict),
            ]))
        }
        let dominated = rows.flatMap { a in
            rows.filter { b in b.entropyBoundBitsPerWeight > a.entropyBoundBitsPerWeight && b.nmse! > a.nmse! }.map { (a.format, $0.format) }
        }
        findings.append(dominated.isEmpty ? text("trade-off.monotone")
                        : text("trade-off.dominated", ["pairs": dominated.map { text("trade-off.pair", ["better": $0.0, "worse": $0.1]) }
                            .joined(separator: ", ")]))
        return text("trade-off", ["findings": findings.joined(separator: " ")])
    }

    var limitations: String {
        Self.text("limitations", ["model": report.realModel ?? Self.text("limitations.no-model"),
                                  "sample_bytes": Cell.bytes(Double(report.realSampleBytes))])
    }
}
