import Foundation
import Model

/// `quantlab perplexity`: llama-perplexity's measurement on the fast path.
enum PerplexityCommand: Command {
    static let name = "perplexity"
    static let summary = "perplexity of a model on a text, by llama.cpp's method"
    static let usage = """
        quantlab perplexity [MODEL] --file F [--ctx N] [--chunks N] [--threads N] [--json]

        As llama-perplexity: the whole text is tokenized, cut into consecutive chunks of N tokens (default 512), each
        evaluated from an empty cache; the logits at positions N/2 .. N-2 of every chunk predict the next token, and
        PPL = exp(mean negative log-likelihood). Comparable to `llama-perplexity -c N -b N`.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s)
        s.option("--file", value: "F", "the text (required)")
        s.option("--ctx", value: "N", "tokens per chunk (default 512)")
        s.option("--chunks", value: "N", "evaluate at most N chunks (default: all)")
        s.flag("--json", "print {\"ppl\": X, \"chunks\": N, ...}")
        return s
    }

    struct Report: Encodable {
        let model: String, formats: String, file: String, threads: Int
        let ppl: Double, chunks: Int, ctx: Int, tokens: Int, tokens_scored: Int, per_chunk: [Double], seconds: Double
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        guard let file = arguments.value("--file") else { throw UsageError("--file F is required: the text to measure") }
        let context = try arguments.int("--ctx", default: 512, in: 4...1_000_000)
        let maxChunks = try arguments.int("--chunks", default: Int.max, in: 1...Int.max)
        let threads = try ModelOptions.threads(arguments, command: "perplexity")
        let model = try ModelOptions.open(ModelOptions.modelName(arguments))
        guard context <= model.config.contextLength else {
            throw UsageError("--ctx \(context) exceeds the model's context length \(model.config.contextLength)")
        }
        let text = try ModelOptions.text(arguments, fallback: nil)
        var tokens = try ModelOptions.tokenizer(model).encode(text, addBOS: nil, parseSpecial: false)
        if tokens.count / context > maxChunks { tokens = Array(tokens.prefix(maxChunks * context)) }
        let session = try ModelOptions.session(model, arguments, threads: threads, capacity: context, console: console)
        let json = arguments.has("--json")
        if !json { console.printError("\(tokens.count) tokens, \(tokens.count / context) chunks of \(context)") }
        let result = try Perplexity.evaluate(session: session, tokens: tokens, context: context) { done, total, ppl in
            if !json { console.printError(String(format: "  chunk %d/%d: running PPL %.4f", done, total, ppl)) }
        }
        let report = Report(model: model.source, formats: model.formatSummary, file: file, threads: threads,
                            ppl: result.ppl, chunks: result.chunks, ctx: context, tokens: tokens.count,
                            tokens_scored: result.tokensScored, per_chunk: result.perChunk, seconds: result.seconds)
        if json { return try console.printJSON(report) }
        console.print(String(format: "PPL = %.4f over %d chunks of %d tokens (%d tokens scored) in %.1f s",
                             result.ppl, result.chunks, context, result.tokensScored, result.seconds))
    }
}
