import Foundation
import Model

/// `quantlab perplexity`: llama-perplexity's measurement on the fast path.
enum PerplexityCommand: Command {
    static let name = "perplexity"
    static let summary = "perplexity of a model on a text, by llama.cpp's method"
    static let usage = """
        quantlab perplexity [MODEL] --file F [--ctx N] [--chunks N] [--threads N]
                            [--save-logits FILE | --kl-divergence FILE] [--json]

        As llama-perplexity: the whole text is tokenized, cut into consecutive chunks of N tokens (default 512), each
        evaluated from an empty cache; the logits at positions N/2 .. N-2 of every chunk predict the next token, and
        PPL = exp(mean negative log-likelihood). Comparable to `llama-perplexity -c N -b N`.

        KL divergence, as `llama-perplexity --kl-divergence-base` and `--kl-divergence`: first save the base model's
        log-probabilities (`--save-logits FILE`, written chunk by chunk and renamed into place), then run a quantized
        model on the same text with `--kl-divergence FILE`. The file is llama.cpp's format (each tool reads the
        other's); its vocabulary, tokens per chunk and token ids must match this run. Reported: both perplexities and
        their ratio, KLD mean with its uncertainty, median, 90/95/99th percentiles and maximum, the share of positions
        with the same top token, and the RMS of Δp (the change in the actual next token's probability).
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s)
        s.option("--file", value: "F", "the text (required)")
        s.option("--ctx", value: "N", "tokens per chunk (default 512)")
        s.option("--chunks", value: "N", "evaluate at most N chunks (default: all)")
        s.option("--save-logits", value: "FILE", "save this (base) model's log-probabilities for a later --kl-divergence")
        s.option("--kl-divergence", value: "FILE", "compare with the base log-probabilities in FILE")
        s.flag("--json", "print {\"ppl\": X, \"chunks\": N, ...}")
        return s
    }

    struct Report: Encodable {
        let model: String, formats: String, file: String, threads: Int
        let ppl: Double, chunks: Int, ctx: Int, tokens: Int, tokens_scored: Int, per_chunk: [Double], seconds: Double
        let kl_divergence: KLDivergence.Summary?
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
        let saved = arguments.value("--save-logits"), base = arguments.value("--kl-divergence")
        guard saved == nil || base == nil else { throw UsageError("give --save-logits (base run) or --kl-divergence (quantized run), not both") }
        let reader = try base.map(LogitsFile.Reader.init(path:))
        if let reader {
            guard reader.vocabulary == model.config.vocabularySize else {
                throw InputError("\(base!) holds a vocabulary of \(reader.vocabulary) tokens, this model has \(model.config.vocabularySize): the base logits are of another model family")
            }
            guard reader.context == context else {
                throw InputError("\(base!) was saved with --ctx \(reader.context); run with --ctx \(reader.context)")
            }
            let wanted = Array(tokens.prefix(reader.chunks * context))
            guard wanted.count == reader.tokens.count, wanted == reader.tokens else {
                let first = wanted.indices.first { $0 < reader.tokens.count && wanted[$0] != reader.tokens[$0] }.map { "token \($0) differs" } ?? "the text is \(tokens.count / context) chunks, the file \(reader.chunks)"
                throw InputError("\(base!) was saved on another text or tokenization (\(first)); use the same --file and --chunks")
            }
            tokens = wanted
        }
        let session = try ModelOptions.session(model, arguments, threads: threads, capacity: context, console: console)
        let json = arguments.has("--json")
        if !json { console.printError("\(tokens.count) tokens, \(tokens.count / context) chunks of \(context)") }
        let writer = try saved.map { try LogitsFile.Writer(path: $0, context: context, vocabulary: model.config.vocabularySize,
                                                          tokens: Array(tokens.prefix(tokens.count / context * context))) }
        var kld = KLDivergence()
        let result = try Perplexity.evaluate(session: session, tokens: tokens, context: context, progress: { done, total, ppl in
            if !json { console.printError(String(format: "  chunk %d/%d: running PPL %.4f", done, total, ppl)) }
        }, scored: { chunk, logits in
            try writer?.append(chunk: logits)
            guard let reader else { return }
            let rows = try reader.nextChunk(), length = LogitsFile.rowLength(vocabulary: reader.vocabulary), first = context / 2
            rows.withUnsafeBufferPointer { all in
                for (i, row) in logits.enumerated() {
                    kld.add(logits: row, base: UnsafeBufferPointer(rebasing: all[i * length..<(i + 1) * length]), next: chunk[first + i + 1])
                }
            }
        })
        try writer?.finish()
        let report = Report(model: model.source, formats: model.formatSummary, file: file, threads: threads,
                            ppl: result.ppl, chunks: result.chunks, ctx: context, tokens: tokens.count,
                            tokens_scored: result.tokensScored, per_chunk: result.perChunk, seconds: result.seconds,
                            kl_divergence: kld.summary)
        if json { return try console.printJSON(report) }
        console.print(String(format: "PPL = %.4f over %d chunks of %d tokens (%d tokens scored) in %.1f s",
                             result.ppl, result.chunks, context, result.tokensScored, result.seconds))
        if let saved { console.print("base log-probabilities saved to \(saved); compare a quantized model with --kl-divergence \(saved)") }
        if let k = kld.summary { for line in klLines(k) { console.print(line) } }
    }

    /// llama-perplexity's summary lines.
    static func klLines(_ k: KLDivergence.Summary) -> [String] {
        func pm(_ e: KLDivergence.Estimate, _ scale: Double = 1, _ digits: Int = 6) -> String {
            String(format: "%.\(digits)f ± %.\(digits)f", e.value * scale, e.uncertainty * scale)
        }
        return [
            "Mean PPL(Q)                : \(pm(k.ppl))",
            "Mean PPL(base)             : \(pm(k.basePPL))",
            "Mean ln(PPL(Q)/PPL(base))  : \(pm(k.logPPLRatio))",
            "Mean PPL(Q)/PPL(base)      : \(pm(k.pplRatio))",
            "Mean    KLD: \(pm(k.kldMean))",
            String(format: "Maximum KLD: %.6f\n99.0%%   KLD: %.6f\n95.0%%   KLD: %.6f\n90.0%%   KLD: %.6f\nMedian  KLD: %.6f",
                   k.kldMax, k.kld99, k.kld95, k.kld90, k.kldMedian),
            "RMS Δp    : \(pm(k.deltaRMS, 100, 3)) %",
            "Same top p: \(pm(k.sameTop, 100, 3)) % over \(k.positions) positions",
        ]
    }
}
