import GGUF
import Model
import QuantFormats

/// What one run measured: every model, every format, and each format's own rounding on weight rows.
struct BitsVsQualityResults: Codable {
    let settings: BitsVsQualitySettings
    let models: [ModelRun]
    /// Models the run could not measure, with what to do about it (e.g. the fetch command).
    let missing: [String]
    let rowErrors: [RowQuantizationError]
}

/// How much each measurement reads and runs.
struct BitsVsQualitySettings: Codable {
    /// Perplexity and KL divergence: tokens per chunk and at most this many chunks (nil: the whole text).
    let context: Int, chunks: Int?
    /// bench-model's tests (ppN and tgN), its repetitions, and the thread counts.
    let promptTokens: Int, genTokens: Int, repetitions: Int, threads: [Int]

    static let full = BitsVsQualitySettings(context: 512, chunks: 2, promptTokens: 64, genTokens: 16, repetitions: 2, threads: [1, 2])
    static let quick = BitsVsQualitySettings(context: 64, chunks: 2, promptTokens: 8, genTokens: 4, repetitions: 1, threads: [1])
}

/// One model: its base (the published file dequantized to f32) and every format requantized from the published file.
struct ModelRun: Codable {
    let name: String
    let file: String
    /// The published file's weight types by share, e.g. "q4_1 79%, q8_0 21%": what the base already lost.
    let sourceComposition: String
    /// Formats holding at least `ModelRun.sourceShare` of the published weights: requantizing to them reproduces
    /// much of the source, so they look nearly free and are left out of the knee.
    let sourceFormats: [String]
    let weights: Int
    let base: FormatRun
    /// Most bits first.
    let formats: [FormatRun]

    static let sourceShare = 0.10
}

/// One file of one model: what it costs and what it loses against the base.
struct FormatRun: Codable {
    /// The weight format (`quantize --type`), or `ModelRun.shippedLabel` for the published file as it is.
    let format: String
    /// Weight types by their share of the weights, e.g. "q3_K 89%, q5_0 11%" where rows fell back.
    let composition: String
    /// Fraction of the weights stored in `format` itself (nil for the shipped mix).
    let share: Double?
    let fileBytes: Int
    let bitsPerWeight: Double
    let perplexity: Double
    /// Against the base (nil for the base itself).
    let kld: KLDivergence.Summary?
    let speeds: [Speed]

    static let shippedLabel = "published file"

    struct Speed: Codable {
        /// "pp128" or "tg32", as bench-model names its tests.
        let test: String
        let threads: Int
        let tokensPerSecond: Double
    }

    func tokensPerSecond(prefill: Bool, threads: Int) -> Double? {
        speeds.first { $0.test.hasPrefix(prefill ? "pp" : "tg") && $0.threads == threads }?.tokensPerSecond
    }
}

/// Bits per weight of a file's weight matrices (2-D tensors): what the format costs, without the 1-D norms.
enum WeightBits {
    static func perWeight(_ file: GGUFFile) -> Double {
        let matrices = file.tensors.filter { $0.shape.count == 2 }
        let bytes = matrices.reduce(0) { $0 + $1.byteCount }
        return Double(bytes) * 8 / Double(max(1, weights(file)))
    }

    static func weights(_ file: GGUFFile) -> Int {
        file.tensors.filter { $0.shape.count == 2 }.reduce(0) { $0 + $1.elementCount }
    }

    static func share(of type: GGMLType, in file: GGUFFile) -> Double {
        let matrices = file.tensors.filter { $0.shape.count == 2 }
        return Double(matrices.filter { $0.type == type }.reduce(0) { $0 + $1.elementCount }) / Double(max(1, weights(file)))
    }

    /// The weight types by share, largest first.
    static func types(_ file: GGUFFile) -> [(type: GGMLType, share: Double)] {
        Set(file.tensors.filter { $0.shape.count == 2 }.map(\.type)).map { ($0, share(of: $0, in: file)) }.sorted { $0.1 > $1.1 }
    }

    static func composition(_ file: GGUFFile) -> String {
        types(file).map { "\($0.type.name) \(Cell.percent($0.share))" }.joined(separator: ", ")
    }
}
