import Foundation
import GGUF
import Model
import QuantFormats

/// `quantlab experiment bits-vs-quality`: SmolLM2 requantized to each weight format, against its f32 version:
/// size, bits per weight, perplexity, KL and top-1 agreement, and each format's quantization error on weight rows.
public enum BitsVsQualityExperiment: Experiment {
    public static let name = "bits-vs-quality"
    public static let summary = "what each bit per weight buys: size, perplexity, KL and top-1 against f32, row RMSE"
    public static let duration = "about 1 min"

    /// The formats, most bits first: every weight format the lab writes.
    static let formats: [GGMLType] = [.q8_0, .q6_K, .q5_0, .q4_K, .q4_1, .q4_0]

    /// The text both perplexity and the logit comparison read (in the repository, so every run reads the same).
    static let textPath = "Tests/Support/Fixtures/apache-2.0.txt"

    public static func run(_ lab: Lab) throws -> Notebook {
        guard FileManager.default.isReadableFile(atPath: textPath) else {
            throw ExperimentError("cannot read \(textPath): run the experiment from the repository's root")
        }
        let scratch = try lab.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source = try sourceModel(lab, scratch: scratch)
        let settings = lab.quick ? Settings(positions: 64, context: 128, chunks: 2) : Settings(positions: 512, context: 512, chunks: nil)

        // The reference: every weight matrix dequantized to f32 (`--type f32`), run by the f32 kernels, which round
        // nothing: the baseline each format is measured against.
        let referencePath = scratch + "/f32.gguf"
        try lab.quantlab(["quantize", source.path, referencePath, "--type", "f32"])
        let reference = try QualityProbe(referencePath: referencePath, textPath: textPath, positions: settings.positions)
        var rows = [try measure(lab, path: referencePath, format: .f32, probe: reference, settings: settings)]
        for format in formats {
            let path = scratch + "/\(format.name).gguf"
            try lab.quantlab(["quantize", source.path, path, "--type", format.name])
            rows.append(try measure(lab, path: path, format: format, probe: reference, settings: settings))
            try? FileManager.default.removeItem(atPath: path)
        }
        // The source file as shipped, a llama.cpp mix (SmolLM2's keeps the tied embedding at q8_0), for contrast with
        // the pure files.
        rows.append(try measure(lab, path: source.path, format: nil, probe: reference, settings: settings))

        lab.progress("quantization error of each format on Gaussian and real weight rows")
        let rowErrors = try RowQuantizationError.measure(formats: formats + [.f16], realRowsFrom: source.path,
                                                         rows: lab.quick ? 16 : 256, lab: lab)
        let results = BitsVsQualityResults(source: source.description, sourceIsQ4_1: source.isShippedQ4_1,
                                           positions: settings.positions, context: settings.context,
                                           models: rows, rowErrors: rowErrors)
        return try BitsVsQualityNotebook.make(results)
    }

    struct Settings {
        let positions: Int, context: Int, chunks: Int?
    }

    /// SmolLM2 (or --model); a quick run without --model uses the built-in synthetic model, written here.
    static func sourceModel(_ lab: Lab, scratch: String) throws -> (path: String, description: String, isShippedQ4_1: Bool) {
        if lab.quick && lab.modelPath == nil {
            let path = scratch + "/builtin.gguf"
            try SyntheticModel.write(.builtin, to: path)
            lab.record("the built-in synthetic model (quick run), written to the scratch directory")
            return (path, "the built-in synthetic model (random weights, q8_0)", false)
        }
        let path = try lab.realModelPath()
        let file = try GGUFFile(path: path)
        let name = (try? file.string("general.name")) ?? (path as NSString).lastPathComponent
        let q4_1Tensors = file.tensors.filter { $0.type == .q4_1 }.count
        return (path, "\(name) (\((path as NSString).lastPathComponent))", q4_1Tensors > file.tensors.count / 2)
    }

    /// One model against the reference; `format` nil for the source file as shipped (a mix).
    static func measure(_ lab: Lab, path: String, format: GGMLType?, probe: QualityProbe, settings: Settings) throws -> ModelQuality {
        var arguments = ["perplexity", path, "--file", textPath, "--ctx", String(settings.context)]
        if let chunks = settings.chunks { arguments += ["--chunks", String(chunks)] }
        let ppl = try lab.quantlab(PerplexityReport.self, arguments)
        let label = format?.name ?? ModelQuality.shippedLabel
        lab.progress("\(label): logits against f32 on \(settings.positions) positions")
        let agreement = try probe.compare(path)
        let file = try GGUFFile(path: path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return ModelQuality(format: label, fileBytes: size, bitsPerWeight: WeightBits.perWeight(file),
                            share: format.map { WeightBits.share(of: $0, in: file) }, composition: WeightBits.composition(file),
                            perplexity: ppl.ppl, meanKL: agreement.meanKL, maxKL: agreement.maxKL, top1: agreement.topAgreement)
    }

    struct PerplexityReport: Decodable { let ppl: Double }
}

/// One model's row: what it costs (bytes) and what it loses (against the f32 model).
struct ModelQuality: Codable {
    static let shippedLabel = "source as shipped"
    let format: String
    let fileBytes: Int
    let bitsPerWeight: Double
    /// Fraction of the weights stored in `format` itself: the rest fell back where rows are not whole blocks.
    let share: Double?
    /// Weight types by their share of the weights, e.g. "q4_1 79%, q8_0 21%".
    let composition: String
    let perplexity: Double
    let meanKL: Double
    let maxKL: Double
    let top1: Double
}

struct BitsVsQualityResults: Codable {
    let source: String
    let sourceIsQ4_1: Bool
    let positions: Int
    let context: Int
    let models: [ModelQuality]
    let rowErrors: [RowQuantizationError]
}

/// Bits per weight of a file's weight matrices (2-D tensors): what the format costs, without the 1-D norms.
enum WeightBits {
    static func perWeight(_ file: GGUFFile) -> Double {
        let matrices = file.tensors.filter { $0.shape.count == 2 }
        let bytes = matrices.reduce(0) { $0 + $1.byteCount }
        let weights = matrices.reduce(0) { $0 + $1.elementCount }
        return Double(bytes) * 8 / Double(max(1, weights))
    }

    static func share(of type: GGMLType, in file: GGUFFile) -> Double {
        let matrices = file.tensors.filter { $0.shape.count == 2 }
        let total = matrices.reduce(0) { $0 + $1.elementCount }
        return Double(matrices.filter { $0.type == type }.reduce(0) { $0 + $1.elementCount }) / Double(max(1, total))
    }

    static func composition(_ file: GGUFFile) -> String {
        let types = Set(file.tensors.filter { $0.shape.count == 2 }.map(\.type))
        return types.map { ($0, share(of: $0, in: file)) }.sorted { $0.1 > $1.1 }
            .map { "\($0.0.name) \(Cell.percent($0.1))" }.joined(separator: ", ")
    }
}
