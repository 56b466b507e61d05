/// The notebook's headline, conclusion and limitations, each claim decided by the measured results; the words are the
/// fragments of `notebook.md`.
struct CompressibilityFindings {
    let report: CompressibilityResults
    /// The real codes (or every dataset when no real ones were measured).
    let real: [DatasetResult]
    let gaussian: [DatasetResult]
    let slowestStorage: TypicalStorage
    /// Below this best-codec saving on real codes the headline calls compression "slight".
    static let slightSaving = 0.15
    /// A load-time saving at the slowest typical storage above which compression clearly pays (a third or more).
    static let substantialSaving = 1.0 / 3

    static let text = NotebookText(experiment: "compressibility")

    init(_ report: CompressibilityResults) {
        self.report = report
        let real = report.datasets.filter { $0.source == .real }
        self.real = real.isEmpty ? report.datasets : real
        gaussian = report.datasets.filter { $0.source == .gaussian }
        slowestStorage = report.typicalStorage.min { $0.gigabytesPerSecond < $1.gigabytesPerSecond }!
    }

    /// Fraction of the bytes a ratio removes: 1 − 1/r.
    static func spaceSaving(_ ratio: Double) -> Double { 1 - 1 / ratio }

    /// The codec that saves most load time at `storage` on `dataset`, read then decompress.
    static func bestSaving(_ dataset: DatasetResult, at storage: TypicalStorage) -> (codec: String, saving: Double)? {
        dataset.compression.compactMap { c in c.savings[storage.name].map { (c.codec, $0) } }.max { $0.1 < $1.1 }
    }

    /// The highest B*seq of any codec on `dataset`.
    static func bestBreakEven(_ dataset: DatasetResult) -> CodecResult? {
        dataset.compression.max { $0.breakEvenSequentialGBps < $1.breakEvenSequentialGBps }
    }

    var headline: String {
        let text = Self.text
        let parts: [String] = real.compactMap { d -> String? in
            d.best.map {
                text("headline.format", ["format": d.format, "saving": Cell.percent(Self.spaceSaving($0.ratio), 1), "codec": $0.codec,
                                         "bound": Cell.percent(Self.spaceSaving(d.idealRatio), 1)])
            }
        }
        let largest = real.compactMap { $0.best.map { Self.spaceSaving($0.ratio) } }.max() ?? 0
        let breakEven = real.compactMap { Self.bestBreakEven($0)?.breakEvenSequentialGBps }.max() ?? 0
        let model = report.realModel.map { " " + ($0.split(separator: ".").first.map(String.init) ?? $0) } ?? ""
        let storage = text("headline.storage", ["name": slowestStorage.name, "gbps": Cell.fixed(slowestStorage.gigabytesPerSecond, 1)])
        return text("headline", [
            "model": model, "degree": text(largest < Self.slightSaving ? "headline.slight" : "headline.substantial"),
            "formats": parts.joined(separator: ", "), "break_even": Cell.fixed(breakEven, 2),
            "storage": text(breakEven > slowestStorage.gigabytesPerSecond ? "headline.includes" : "headline.slower", ["storage": storage]),
        ])
    }

    var conclusion: String {
        [codesParagraph, scalesParagraph, codecsParagraph, loadingParagraph, tradeOffParagraph]
            .filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
