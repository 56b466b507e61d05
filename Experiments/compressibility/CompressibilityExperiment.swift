import Foundation

/// `quantlab experiment compressibility`: how far GGML's quantized formats are from their order-0 entropy, what
/// real lossless codecs make of them, and the storage bandwidth below which loading them compressed is faster
/// (after Mao et al., "On the Compressibility of Quantized Large Language Models", arXiv 2403.01384).
public enum CompressibilityExperiment: Experiment {
    public static let name = "compressibility"
    public static let summary = "how compressible are quantized weights (entropy of codes and scales, zlib/zstd/lz4), and below what storage bandwidth does loading them compressed pay?"
    public static let duration = "about 2 min"

    public static func run(_ lab: Lab) throws -> Notebook {
        let settings: CompressibilitySettings = lab.quick ? .quick : .full
        let catalog = CodecCatalog(zlibLevels: settings.zlibLevels, zstdLevels: settings.zstdLevels, includeLZ4: true)
        for note in catalog.notes { lab.progress(note) }
        let regroupCodec = CompressibilitySettings.regroupPreference.lazy
            .compactMap { name in catalog.codecs.first { $0.name == name } }.first

        lab.progress("quantizing \(settings.gaussianWeights) Gaussian weights to \(GaussianDatasets.formats.count + 1) formats")
        var datasets = GaussianDatasets.make(weightCount: settings.gaussianWeights, seed: settings.seed)
        lab.record("Gaussian weights: \(datasets[0].provenance); quantized by each format's reference quantizer (QuantFormats) and by int8 with one scale per tensor")
        let modelPath = try lab.realModelPath()
        lab.progress("reading the real model's codes from \(modelPath)")
        datasets += try RealModelDatasets.make(path: modelPath, sampleBytes: settings.realSampleBytes)
        lab.record("real codes: every tensor type of \(URL(fileURLWithPath: modelPath).lastPathComponent) in its own format, up to \(Cell.bytes(Double(settings.realSampleBytes))) each")

        var results: [DatasetResult] = []
        for dataset in datasets {
            lab.progress("\(dataset.label): entropy, then \(catalog.codecs.map(\.name).joined(separator: ", ")) on \(Cell.bytes(Double(dataset.bytes.count)))")
            results.append(try CompressibilityAnalysis.analyze(dataset, codecs: catalog.codecs, regroupCodec: regroupCodec,
                                                               repetitions: settings.repetitions))
        }
        lab.record("order-0 entropy of codes and scale fields; \(catalog.codecs.map(\.name).joined(separator: ", ")) on each stream, decompression timed \(settings.repetitions) times (median, one thread, memory to memory), every round trip compared byte for byte")

        let report = CompressibilityResults(
            gaussianWeights: settings.gaussianWeights, realModel: URL(fileURLWithPath: modelPath).lastPathComponent,
            realSampleBytes: settings.realSampleBytes, repetitions: settings.repetitions,
            codecs: catalog.codecs.map(\.name), codecNotes: catalog.notes, regroupCodec: regroupCodec?.name ?? "none",
            typicalStorage: TypicalStorage.all, datasets: results)
        return try CompressibilityNotebook.make(report)
    }
}
