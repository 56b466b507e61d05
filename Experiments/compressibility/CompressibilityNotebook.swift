/// The notebook: the data, the entropy of codes and scales, real codecs, break-even bandwidths, quality against size,
/// and the conclusion; every figure in it read from `CompressibilityResults`.
enum CompressibilityNotebook {
    static func make(_ report: CompressibilityResults) throws -> Notebook {
        var notebook = Notebook(name: CompressibilityExperiment.name,
                                title: "Compressibility of quantized weights: entropy, lossless codecs and loading time")
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
        notebook.text("""
            Mao et al. ("On the Compressibility of Quantized Large Language Models", arXiv 2403.01384) compress quantized \
            weights losslessly to cut the bytes a memory-constrained device reads from storage, and discuss the trade-off \
            between compressibility and quality. This notebook asks the same of GGML's block formats: how many bits of \
            each stored block are information (order-0 entropy of the quant codes and of the scales), what zlib, zstd and \
            lz4 actually remove, and below which storage bandwidth reading fewer bytes and decompressing them beats \
            reading the plain file.
            """)
        notebook.heading("Data")
        notebook.text("""
            Gaussian rows are the same \(report.gaussianWeights) seeded weights quantized by each format's reference \
            quantizer, plus int8 with one scale for the whole tensor (the paper's setting, not a GGML format). Real rows \
            are codes as shipped in \(report.realModel ?? "the model file"), each only in its own format (requantizing \
            its q4_1 codes to another format would inherit the q4_1 grid); the one requantized row is labelled so.
            """)
        notebook.table(["dataset", "source", "weights", "bytes", "where from"], report.datasets.map {
            [$0.label, $0.source.rawValue, "\($0.weights)", Cell.bytes(Double($0.bytes)), $0.provenance]
        })
        notebook.text("Codecs: \(report.codecs.joined(separator: ", ")) (zlib linked; zstd and lz4 loaded at run time)."
            + (report.codecNotes.isEmpty ? "" : " " + report.codecNotes.joined(separator: "; ") + "."))
    }

    static func entropySection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        notebook.heading("Entropy of the codes and of the scales")
        notebook.text("""
            Each block is split into its quant codes (one per weight, as symbols of their width: 4-bit nibbles, 5-bit \
            q5_0 values with their qh bit, 6-bit q6_K values, q8_0 bytes, f16 values) and its scale fields (f16 scales \
            and minimums as 16-bit symbols, q4_K's packed 6-bit sub-block scales and minimums, q6_K's int8 sub-block \
            scales). The order-0 entropy H = −Σ p·log₂p of each stream's symbol frequencies is the fewest bits per symbol \
            a coder with one fixed table (Huffman, ANS) can spend on it; the bound is Σ (symbols × H) over the streams, \
            divided by the weights, and the ideal ratio is stored bits over that bound.
            """)
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
        notebook.text("NMSE is Σ(x − x̂)²/Σx² against the weights the codes were made from; unknown for real codes, whose original weights are not here.")
        var entropyChart = BarChart(title: "Stored bits per weight against the order-0 entropy bound", unit: "bits/w",
                                    series: ["codes stored", "codes bound", "scales stored", "scales bound"],
                                    rows: report.datasets.map {
                                        .init($0.label, [$0.codeStoredBitsPerWeight, $0.codeEntropyBitsPerWeight,
                                                         $0.scaleStoredBitsPerWeight, $0.scaleEntropyBitsPerWeight])
                                    })
        entropyChart.valueFormat = "%.2f"
        notebook.chart(entropyChart.svg, id: "entropy", caption: "Bits per weight of the codes and of the scales, as stored and at their order-0 entropy")
        notebook.text("Each scale field on its own:")
        notebook.table(["dataset", "field", "width", "H (bits)", "distinct values"], report.datasets.flatMap { d in
            d.scaleFields.map { [d.label, $0.name, "\($0.width)", Cell.fixed($0.entropyBits, 3), "\($0.distinctValues)"] }
        })
    }

    static func compressionSection(_ notebook: inout Notebook, _ report: CompressibilityResults) {
        notebook.heading("Lossless codecs")
        notebook.text("""
            Ratio is original over compressed bytes of the whole stream of blocks as a file stores it; every \
            decompression was compared byte for byte with the original. Two order-0 ideals for comparison: "symbols" \
            codes and scale fields each coded as symbols of their own width (the table above); "bytes" the stored bytes \
            coded as 8-bit symbols, which is what the entropy stage of deflate and zstd sees (a nibble pair, or q5_0's \
            and q6_K's bits spread over several bytes, is one byte symbol to them).
            """)
        notebook.table(["dataset"] + report.codecs + ["ideal: bytes", "ideal: symbols"], report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.ratio($0.ratio) } ?? "-" }
                + [Cell.ratio(d.byteIdealRatio), Cell.ratio(d.idealRatio)]
        })
        var ratioChart = BarChart(title: "Bytes removed by each codec, 1 − 1/r (r = original / compressed)", unit: "%",
                                  series: report.codecs + ["order-0 bound (symbols)"],
                                  rows: report.datasets.map { d in
                                      .init(d.label, report.codecs.map { d.result($0).map { 100 * CompressibilityFindings.spaceSaving($0.ratio) } ?? .nan }
                                                     + [100 * CompressibilityFindings.spaceSaving(d.idealRatio)])
                                  })
        ratioChart.valueFormat = "%.1f"
        notebook.chart(ratioChart.svg, id: "ratio",
                       caption: "Compression ratio per codec and dataset, drawn as the share of bytes removed (1 − 1/r), next to the order-0 bound")
        notebook.text("Decompression speed D, GB/s of output (median of \(report.repetitions) runs, one thread, memory to memory):")
        notebook.table(["dataset"] + report.codecs, report.datasets.map { d in
            [d.label] + report.codecs.map { d.result($0).map { Cell.fixed($0.decompressGBps, 2) } ?? "-" }
        })
        let regrouped = report.datasets.filter { $0.regrouped?.scalesRatio != nil }
        guard !regrouped.isEmpty else { return }
        notebook.text("""
            Codes and scales compressed as two separate streams with \(report.regroupCodec) (all code bytes, then all \
            scale bytes): which part compresses, and whether a format-aware layout helps the codec.
            """)
        notebook.table(["dataset", "blocks as stored", "codes alone", "scales alone", "both, regrouped"], regrouped.map { d in
            let r = d.regrouped!
            return [d.label, d.result(r.codec).map { Cell.ratio($0.ratio) } ?? "-", Cell.ratio(r.codesRatio),
                    r.scalesRatio.map(Cell.ratio) ?? "-", Cell.ratio(r.totalRatio)]
        })
    }
}
