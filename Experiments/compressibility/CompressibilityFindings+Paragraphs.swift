extension CompressibilityFindings {
    /// GGML block formats measured on Gaussian weights (not f16, not int8/tensor).
    var gaussianBlockFormats: [DatasetResult] { gaussian.filter { $0.format != "f16" && $0.format != SymbolLayout.int8PerTensor.name } }

    func gaussianRow(_ format: String) -> DatasetResult? { gaussian.first { $0.format == format } }

    var codesParagraph: String {
        let used = gaussianBlockFormats.map { $0.codeEntropyBits / Double($0.codeWidth) }
        guard let low = used.min(), let high = used.max() else { return "" }
        var text = "**Codes.** On Gaussian weights GGML's block codes carry \(Cell.percent(low, 1)) to \(Cell.percent(high, 1)) of their "
            + "stored bits (" + gaussianBlockFormats.map { "\($0.format) \(Cell.fixed($0.codeEntropyBits, 2)) of \($0.codeWidth)" }.joined(separator: ", ")
            + "): each block's scale is fitted to that block's own weights, so every block spreads its weights over the whole grid."
        if let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name), let q8 = gaussianRow("q8_0") {
            let lower = perTensor.codeEntropyBits < q8.codeEntropyBits
            text += " With one scale for the whole tensor (the paper's int8 setting) the same 8-bit codes carry \(Cell.fixed(perTensor.codeEntropyBits, 2)) bits "
                + "against q8_0's \(Cell.fixed(q8.codeEntropyBits, 2)): "
                + (lower ? "the largest weight of the tensor sets the step, most codes crowd near zero, and that slack is what a lossless coder removes."
                         : "no lower, so per-tensor scaling leaves no extra slack on these weights.")
        }
        for d in real {
            guard let g = gaussianRow(d.format) else { continue }
            let difference = d.codeEntropyBits - g.codeEntropyBits
            text += " The real \(d.format) codes carry \(Cell.fixed(d.codeEntropyBits, 2)) bits per code, "
                + (abs(difference) < 0.05 ? "about as many as" : difference < 0 ? "fewer than" : "more than")
                + " Gaussian \(d.format)'s \(Cell.fixed(g.codeEntropyBits, 2))."
        }
        if let requantized = report.datasets.first(where: { $0.source == .requantized }),
           let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name) {
            text += " Requantized to int8/tensor, the real token embedding's codes carry \(Cell.fixed(requantized.codeEntropyBits, 2)) bits, "
                + (requantized.codeEntropyBits < perTensor.codeEntropyBits - 0.05
                   ? "fewer than Gaussian weights' \(Cell.fixed(perTensor.codeEntropyBits, 2)), consistent with real weights having heavier tails (a larger max|x| relative to their spread)."
                   : "not fewer than Gaussian weights' \(Cell.fixed(perTensor.codeEntropyBits, 2)).")
        }
        return text
    }

    var scalesParagraph: String {
        let withScales = report.datasets.filter { !$0.scaleFields.isEmpty && $0.scaleEntropyBitsPerWeight > 0 }
        let shares = withScales.map { ($0.label, $0.scaleStoredBitsPerWeight / $0.storedBitsPerWeight) }
        guard let least = shares.min(by: { $0.1 < $1.1 }), let most = shares.max(by: { $0.1 < $1.1 }) else { return "" }
        let scalesLooser = withScales.filter {
            $0.scaleStoredBitsPerWeight / $0.scaleEntropyBitsPerWeight > $0.codeStoredBitsPerWeight / max($0.codeEntropyBitsPerWeight, 1e-12)
        }
        var text = "**Scales.** Scales take \(Cell.percent(least.1, 0)) (\(least.0)) to \(Cell.percent(most.1, 0)) (\(most.0)) of the stored bits. "
            + "Their order-0 slack (stored over bound) is larger than the codes' in \(scalesLooser.count) of \(withScales.count) datasets"
        let regrouped = withScales.compactMap { d in d.regrouped.flatMap { r in r.scalesRatio.map { (scales: $0, codes: r.codesRatio) } } }
        if let codec = withScales.first?.regrouped?.codec, !regrouped.isEmpty {
            text += "; compressed apart with \(codec), scales shrink more than codes in \(regrouped.filter { $0.scales > $0.codes }.count) "
                + "of \(regrouped.count) (scales \(Cell.ratio(regrouped.map(\.scales).min()!)) to \(Cell.ratio(regrouped.map(\.scales).max()!)), "
                + "codes \(Cell.ratio(regrouped.map(\.codes).min()!)) to \(Cell.ratio(regrouped.map(\.codes).max()!)))"
        }
        return text + ". Being a small share of the bits, scales move the total little however well they compress."
    }

    var codecsParagraph: String {
        let reached = report.datasets.compactMap { d -> (label: String, fraction: Double)? in
            guard let best = d.best, d.idealRatio > 1.0001 else { return nil }
            return (d.label, Self.spaceSaving(best.ratio) / Self.spaceSaving(d.idealRatio))
        }
        guard let low = reached.min(by: { $0.fraction < $1.fraction }), let high = reached.max(by: { $0.fraction < $1.fraction }) else { return "" }
        var text = "**Real codecs against the bound.** Of the bytes the symbol-level order-0 bound says can go, the best codec removes from "
            + (low.fraction > 0 ? "\(Cell.percent(low.fraction, 0)) on \(low.label)" : "nothing on \(low.label) (its output is no smaller than its input)")
            + " to \(Cell.percent(high.fraction, 0)) on \(high.label). "
        // Where bytes hide the codes' structure: the byte-level bound gives less than half the symbol-level saving.
        let hidden = report.datasets.filter {
            $0.idealRatio > 1.0001 && Self.spaceSaving($0.byteIdealRatio) < 0.5 * Self.spaceSaving($0.idealRatio)
        }
        let nearBytes = report.datasets.filter { d in d.best.map { abs($0.ratio / d.byteIdealRatio - 1) <= 0.02 } ?? false }
        let aboveBytes = report.datasets.filter { d in d.best.map { $0.ratio / d.byteIdealRatio - 1 > 0.02 } ?? false }
        text += "The codecs' entropy stages code bytes, and the best ratio is within 2% of the byte-level order-0 ratio in "
            + "\(nearBytes.count) of \(report.datasets.count) datasets"
        text += hidden.isEmpty ? "."
            : "; in \(hidden.map(\.label).joined(separator: ", ")) the byte-level bound allows less than half the symbol-level saving, "
                + "because bytes mix parts with different statistics into one alphabet (a pair of nibbles, the high and low "
                + "bytes of f16 values and scales, q5_0's and q6_K's high bits stored apart from their low bits)."
        if !aboveBytes.isEmpty {
            text += " The best codec goes more than 2% beyond the byte-level bound on " + aboveBytes.map { d in
                "\(d.label) (\(Cell.ratio(d.best!.ratio)) with \(d.best!.codec) against \(Cell.ratio(d.byteIdealRatio)))"
            }.joined(separator: ", ") + ": there LZ matching finds repeated byte sequences."
        }
        let beyond = report.datasets.filter { d in d.best.map { $0.ratio > d.idealRatio } ?? false }
        text += beyond.isEmpty ? " No codec beats the symbol-level bound."
            : " A codec beats the symbol-level bound on \(beyond.map(\.label).joined(separator: ", ")): repeats carry information that symbol frequencies miss."
        let lz4 = report.datasets.compactMap { $0.result("lz4")?.ratio }
        if let best = lz4.max() {
            text += " lz4, which has matching but no entropy coding, reaches at most \(Cell.ratio(best))."
        }
        let regrouped = report.datasets.compactMap { d in d.regrouped.flatMap { r in d.result(r.codec).map { (r.totalRatio, $0.ratio) } } }
        if !regrouped.isEmpty {
            text += " Storing codes and scales as separate streams gives a higher ratio than the interleaved blocks in \(regrouped.filter { $0.0 > $0.1 }.count) of \(regrouped.count) datasets."
        }
        return text
    }

    var loadingParagraph: String {
        let savings = real.compactMap { d in Self.bestSaving(d, at: slowestStorage).map { (d.label, $0) } }
        guard let largest = savings.map(\.1.saving).max() else { return "" }
        let storage = "\(slowestStorage.name) (~\(Cell.fixed(slowestStorage.gigabytesPerSecond, 1)) GB/s, typical)"
        let gains = savings.filter { $0.1.saving > 0 }, losses = savings.filter { $0.1.saving <= 0 }
        var text = "**Loading, and the paper.** At \(storage) "
        if !gains.isEmpty {
            text += "the best codec saves " + gains.map { "\(Cell.percent($0.1.saving, 1)) of the load time of \($0.0) (\($0.1.codec))" }.joined(separator: ", ")
            text += losses.isEmpty ? ". " : "; "
        }
        if !losses.isEmpty {
            text += "every codec makes loading \(losses.map(\.0).joined(separator: " and ")) slower than reading the plain bytes. "
        }
        // The paper's own loading figures are not quoted: the lab could not check them against the paper's text.
        text += "Mao et al. find entropy coding worth its decompression for loading int8 weights from storage; "
        text += largest >= Self.substantialSaving ? "these GGML codes save a substantial share here too."
            : "these GGML codes save little, because block-wise scaling leaves little redundancy to remove."
        let perTensor = report.datasets.filter { $0.format == SymbolLayout.int8PerTensor.name }
        let inPaperSetting = perTensor.compactMap { d in Self.bestSaving(d, at: slowestStorage).map { (d.label, $0.saving) } }
        if let best = inPaperSetting.max(by: { $0.1 < $1.1 }) {
            text += " In the paper's setting (int8 with one scale per tensor) the saving at \(slowestStorage.name) is up to \(Cell.percent(best.1, 1)) (\(best.0)), "
                + (best.1 >= Self.substantialSaving ? "which agrees with the paper."
                   : best.1 > largest ? "larger than for the GGML formats, which agrees with the paper's direction, not with its size; their coders and models differ, and the decompression here runs on one thread."
                   : "no larger than for the GGML formats, so this run does not reproduce the paper's gain.")
        }
        return text
    }

    var tradeOffParagraph: String {
        let rows = gaussian.filter { $0.nmse != nil }.sorted { $0.entropyBoundBitsPerWeight < $1.entropyBoundBitsPerWeight }
        guard rows.count > 1 else { return "" }
        var text = "**Compressibility against quality.** "
        if let perTensor = gaussianRow(SymbolLayout.int8PerTensor.name), let q8 = gaussianRow("q8_0"),
           let e1 = perTensor.nmse, let e2 = q8.nmse {
            let compressesBetter = perTensor.entropyBoundBitsPerWeight < q8.entropyBoundBitsPerWeight
            let worse = e1 > e2
            text += "int8/tensor needs \(Cell.fixed(perTensor.entropyBoundBitsPerWeight, 2)) bits per weight at its order-0 bound with NMSE \(Cell.sci(e1)); "
                + "q8_0 needs \(Cell.fixed(q8.entropyBoundBitsPerWeight, 2)) with NMSE \(Cell.sci(e2)). "
                + (compressesBetter && worse ? "The format that compresses better is the one that loses quality, as the paper's trade-off says: fewer levels in use means fewer bits and more error. "
                   : compressesBetter ? "Here the better-compressing format is not worse, against the paper's trade-off. "
                   : "The per-tensor codes do not compress better here. ")
        }
        let dominated = rows.flatMap { a in
            rows.filter { b in b.entropyBoundBitsPerWeight > a.entropyBoundBitsPerWeight && b.nmse! > a.nmse! }.map { (a.format, $0.format) }
        }
        text += dominated.isEmpty
            ? "Ordered by their entropy bound, the Gaussian formats' errors fall monotonically: no format is both smaller and more accurate than another."
            : "Even after ideal entropy coding some formats are both smaller and more accurate than others: "
                + dominated.map { "\($0.0) beats \($0.1)" }.joined(separator: ", ")
                + ", so how a format spends its bits matters more than whether its bits are then compressed."
        return text
    }

    var limitations: String {
        """
        - No original (bf16) weights of a real model are here: the real rows show how compressible shipped codes are, \
        not what they cost in quality, and the int8/tensor row made from \(report.realModel ?? "the model")'s q8_0 codes \
        approximates the paper's setting rather than reproducing it.
        - One small model (SmolLM2-135M) and Gaussian weights; larger models, other quantizers (imatrix, per-channel) \
        and outlier-heavy layers may compress differently.
        - Decompression is timed on one thread from memory to memory; no storage was measured, and a loader with several \
        decompression threads or I/O overlapped with decompression (B\\*pipe) would do better than B\\*seq.
        - The order-0 bound ignores the cost of the code tables and any correlation between neighbouring symbols; a \
        context-modelling coder could go below it where such correlation exists.
        - Real rows take at most \(Cell.bytes(Double(report.realSampleBytes))) per tensor type, in evenly spaced runs of whole blocks.
        """
    }
}
