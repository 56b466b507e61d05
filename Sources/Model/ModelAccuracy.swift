import Foundation

/// The model-level accuracy check of `quantlab check`: on one model, the fast path against the f64 reference
/// (logit NMSE, KL, top-1 agreement) and, when a text is given, perplexity on it.
public enum ModelAccuracy {
    public struct Result: Sendable, Codable {
        public let model: String
        public let positions: Int
        public let top1Agreement: Double
        public let meanKL: Double
        public let maxNMSE: Double
        public let perplexity: Double?
        /// The bounds the result is held to (see `check`), and whether it met them.
        public let bounds: String
        public let passed: Bool
    }

    /// Bounds for the fast path against f64 that hold for ggml-style q8 activation rounding on small models
    /// (measured in notebooks-md/model.md: top-1 93-99%, KL 0.002-0.008) and fail for a broken kernel or layer
    /// (KL well above 0.1).
    public static let minimumTop1 = 0.9
    public static let maximumKL = 0.02

    /// Compares the paths over `positions` tokens of `tokens` (repeated if short), half prefilled, half decoded.
    public static func check(_ model: TransformerModel, name: String? = nil, tokens: [Int], positions: Int, threads: Int,
                             dispatch: MatmulDispatch? = nil, perplexityTokens: [Int]? = nil,
                             perplexityContext: Int = 128) throws -> Result {
        guard !tokens.isEmpty else { throw ModelError("no tokens to check with") }
        let count = min(positions, model.config.contextLength)
        let sequence = repeated(tokens, to: count)
        let dispatch = dispatch ?? MatmulDispatch(threads: threads)
        let session = try InferenceSession(model: model, dispatch: dispatch, capacity: max(count, perplexityContext))
        let fast = try fastLogits(session, sequence, mode: .mixed)
        let reference = try ReferenceForward(model: model).logits(tokens: sequence)
        let comparison = LogitComparison(reference: reference, candidate: fast)
        var perplexity: Double?
        if let text = perplexityTokens, text.count >= perplexityContext {
            perplexity = try Perplexity.evaluate(session: session, tokens: text, context: perplexityContext).ppl
        }
        let passed = comparison.topAgreement >= minimumTop1 && comparison.meanKL <= maximumKL
            && (perplexity.map { $0.isFinite } ?? true)
        return Result(model: name ?? model.source, positions: count, top1Agreement: comparison.topAgreement,
                      meanKL: comparison.meanKL, maxNMSE: comparison.maxNMSE, perplexity: perplexity,
                      bounds: "top-1 >= \(minimumTop1), mean KL <= \(maximumKL)", passed: passed)
    }

    /// How the fast path takes the tokens: one batch (prefill), one token at a time (decode), or the first half
    /// batched and the rest one by one (mixed), so both kernel paths are checked.
    public enum Mode: String, Sendable, CaseIterable { case mixed, prefill, decode }

    /// The fast path's logits at every position of `tokens`, evaluated from the session's current position.
    public static func fastLogits(_ session: InferenceSession, _ tokens: [Int], mode: Mode) throws -> [[Float]] {
        let split = batchedCount(tokens.count, mode: mode)
        var logits = split > 0 ? try session.evaluate(Array(tokens[..<split]), outputs: Array(0..<split)) : []
        for t in tokens[split...] { logits += try session.evaluate([t], outputs: [0]) }
        return logits
    }

    /// Tokens the mode evaluates in one batch.
    public static func batchedCount(_ count: Int, mode: Mode) -> Int {
        switch mode {
        case .prefill: count
        case .decode: 0
        case .mixed: count / 2
        }
    }

    /// `tokens` repeated (or cut) to `count`.
    public static func repeated(_ tokens: [Int], to count: Int) -> [Int] {
        tokens.isEmpty ? [] : Array(repeatElement(tokens, count: count / tokens.count + 1).joined().prefix(count))
    }
}
