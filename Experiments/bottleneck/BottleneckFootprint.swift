import Model

extension BottleneckExperiment {
    /// What one token costs a model, counted from its loaded tensors: the weight bytes a decode step streams, the
    /// multiply-adds of its matrices, and the shape attention's cost depends on.
    struct Footprint: Codable, Equatable {
        /// Weights in the matrices, the token embedding included once (bench-model's parameter count).
        let parameters: Int
        /// Bytes of every matrix a decode step multiplies: each block's matrices and the output projection. The
        /// token embedding is not streamed (one row is read per token) unless it is also the output (tied, SmolLM2).
        let streamedBytes: Int
        /// Weights in the per-block matrices (each used for every token of a batch).
        let blockWeights: Int
        /// Weights in the output projection (prefill computes logits for the batch's last token only).
        let outputWeights: Int
        let layers: Int
        let dim: Int
        let kvDim: Int

        init(parameters: Int, streamedBytes: Int, blockWeights: Int, outputWeights: Int, layers: Int, dim: Int, kvDim: Int) {
            self.parameters = parameters
            self.streamedBytes = streamedBytes
            self.blockWeights = blockWeights
            self.outputWeights = outputWeights
            self.layers = layers
            self.dim = dim
            self.kvDim = kvDim
        }

        init(_ model: TransformerModel) {
            let w = model.weights
            let blocks = w.layers.flatMap(\.matrices)
            self.init(parameters: model.parameterCount,
                      streamedBytes: (blocks + [w.output]).reduce(0) { $0 + $1.bytes.count },
                      blockWeights: blocks.reduce(0) { $0 + $1.rows * $1.columns },
                      outputWeights: w.output.rows * w.output.columns,
                      layers: model.config.layers, dim: model.config.dim, kvDim: model.config.kvDim)
        }

        /// Bytes one decode step reads on average over a tgN run from an empty cache: the streamed weights plus the
        /// f32 keys and values of the (N + 1) / 2 cached positions it attends over, on average, in every layer.
        func decodeBytesPerToken(genTokens: Int) -> Double {
            let meanContext = Double(genTokens + 1) / 2
            return Double(streamedBytes) + Double(layers * 2 * kvDim * 4) * meanContext
        }

        /// Operations (a multiply and an add counted as two) per token of a ppN batch: every block matrix for every
        /// token, the output projection once per batch, and attention's two products over (N + 1) / 2 positions on
        /// average (q.k and p.v: 2 x 2 x dim multiply-adds per position per layer).
        func prefillOpsPerToken(promptTokens: Int) -> Double {
            let n = Double(max(promptTokens, 1))
            let attention = Double(layers) * 4 * Double(dim) * (n + 1) / 2
            return 2 * Double(blockWeights) + 2 * Double(outputWeights) / n + attention
        }
    }
}
