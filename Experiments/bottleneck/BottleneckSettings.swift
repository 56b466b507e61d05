import Model
import QuantFormats

extension BottleneckExperiment {
    /// One size of the synthetic ladder: a Llama-family shape (head dimension 64, grouped-query attention, SwiGLU
    /// width about 2.75 x dim rounded to whole q4_K blocks, a separate output matrix as in TinyLlama), written in
    /// each format.
    struct Rung: Sendable {
        let label: String
        let dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int, vocabularySize: Int
        /// Timed runs per bench-model test: more for the small models, whose runs are short and noisier.
        let repetitions: Int

        func spec(_ type: GGMLType, contextLength: Int) -> SyntheticModel.Spec {
            SyntheticModel.Spec(architecture: .llama, dim: dim, layers: layers, heads: heads, kvHeads: kvHeads, ffnDim: ffnDim,
                                vocabularySize: vocabularySize, contextLength: contextLength, weightType: type,
                                tiedOutput: false, seed: 7)
        }
    }

    /// What one run measures: the ladder, the formats, and bench-model's test sizes.
    struct Settings: Sendable {
        let rungs: [Rung]
        let formats: [GGMLType]
        /// Formats the real model is requantized to (`quantize --type`), besides its shipped file.
        let realFormats: [GGMLType]
        let threads: [Int]
        let promptTokens: Int
        let genTokens: Int
        /// Rungs (by label) whose q4_0 bench also records `--profile`.
        let profiled: Set<String>

        var contextLength: Int { max(promptTokens, genTokens, 256) }

        static func forRun(quick: Bool) -> Settings {
            quick ? .quick : .full
        }

        /// About 9M to 1.1B parameters, each rung about 3.5x the last; the largest is TinyLlama-1.1B's shape.
        static let full = Settings(
            rungs: [
                Rung(label: "9M", dim: 256, layers: 6, heads: 4, kvHeads: 2, ffnDim: 768, vocabularySize: 8192, repetitions: 5),
                Rung(label: "42M", dim: 512, layers: 8, heads: 8, kvHeads: 4, ffnDim: 1536, vocabularySize: 16384, repetitions: 5),
                Rung(label: "125M", dim: 768, layers: 12, heads: 12, kvHeads: 4, ffnDim: 2048, vocabularySize: 32000, repetitions: 3),
                Rung(label: "365M", dim: 1280, layers: 16, heads: 20, kvHeads: 4, ffnDim: 3584, vocabularySize: 32000, repetitions: 3),
                Rung(label: "1.1B", dim: 2048, layers: 22, heads: 32, kvHeads: 4, ffnDim: 5632, vocabularySize: 32000, repetitions: 2),
            ],
            formats: [.q4_0, .q8_0, .q4_K], realFormats: [.q4_0, .q8_0], threads: [1, 2],
            promptTokens: 256, genTokens: 64, profiled: ["9M", "1.1B"])

        /// Two tiny rungs and short tests: checks every step, measures nothing worth reading.
        static let quick = Settings(
            rungs: [
                Rung(label: "1M", dim: 256, layers: 1, heads: 4, kvHeads: 2, ffnDim: 768, vocabularySize: 512, repetitions: 1),
                Rung(label: "3M", dim: 256, layers: 2, heads: 4, kvHeads: 2, ffnDim: 768, vocabularySize: 2048, repetitions: 1),
            ],
            formats: [.q4_0, .q8_0, .q4_K], realFormats: [.q8_0], threads: [1, 2],
            promptTokens: 16, genTokens: 4, profiled: ["1M", "3M"])
    }
}
