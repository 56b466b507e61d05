import Foundation
import KernelCore

/// Perplexity as llama.cpp's `llama-perplexity` computes it: the token sequence is cut into consecutive chunks of
/// `context` tokens, each evaluated from an empty cache; in each chunk the logits at positions context/2 ..< context-1
/// predict the next token, and PPL = exp(mean negative log-likelihood) over all chunks.
public enum Perplexity {
    public struct Result: Sendable, Codable {
        public let ppl: Double
        public let chunks: Int
        public let context: Int
        public let tokensScored: Int
        /// Running perplexity after each chunk, as llama-perplexity prints it.
        public let perChunk: [Double]
        public let seconds: Double
    }

    /// `progress` is called after each chunk with (chunks done, chunks, running perplexity); `scored` with each
    /// chunk's tokens and the logits of its scored positions (context/2 ..< context-1), for `LogitsFile` and
    /// `KLDivergence`.
    public static func evaluate(session: InferenceSession, tokens: [Int], context: Int,
                                progress: (Int, Int, Double) -> Void = { _, _, _ in },
                                scored: (_ chunk: [Int], _ logits: [[Float]]) throws -> Void = { _, _ in }) throws -> Result {
        guard context >= 4 else { throw ModelError("context \(context) is too small; use at least 4 tokens") }
        guard context <= session.capacity else {
            throw ModelError("context \(context) exceeds the session's \(session.capacity) positions")
        }
        let chunks = tokens.count / context
        guard chunks > 0 else {
            throw ModelError("the text has \(tokens.count) tokens; perplexity at context \(context) needs at least \(context)")
        }
        let first = context / 2
        var nll = 0.0, count = 0
        var running: [Double] = []
        let start = Stopwatch.now()
        for chunk in 0..<chunks {
            let part = Array(tokens[chunk * context..<(chunk + 1) * context])
            session.reset()
            let logits = try session.evaluate(part, outputs: Array(first..<context - 1))
            try scored(part, logits)
            for (i, row) in logits.enumerated() {
                let target = part[first + i + 1]
                nll -= LogitComparison.logSoftmax(row)[target]
                count += 1
            }
            running.append(exp(nll / Double(count)))
            progress(chunk + 1, chunks, running.last!)
        }
        return Result(ppl: exp(nll / Double(count)), chunks: chunks, context: context, tokensScored: count,
                      perChunk: running, seconds: Double(Stopwatch.now() - start) / 1e9)
    }
}
