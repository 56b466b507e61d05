import Foundation
import Model

/// `quantlab compare`: the fast path against the f64 reference on one text.
enum CompareCommand: Command {
    static let name = "compare"
    static let summary = "check a model's fast path against its f64 reference: logit NMSE, KL, top-1 agreement"
    static let usage = """
        quantlab compare [MODEL] [--prompt TEXT | --file F] [--positions N] [--mode mixed|prefill|decode] [--kernels fast|reference|exact] [--threads N] [--json]

        Both paths read the same (quantized) weights: the reference dequantizes them and computes in f64 on one thread;
        the fast path runs the tuned kernels with activations quantized as ggml does. The text is tokenized and cut (or
        repeated) to N positions. Mode mixed prefills the first half in one batch and decodes the rest token by token,
        so both kernel paths are checked. --kernels reference swaps the fast kernels for the scalar references, which
        round activations exactly as ggml does (what remains is the format's activation rounding, not kernel error);
        --kernels exact does not round activations at all (what remains is the f32 attention and norms).
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s)
        s.option("--prompt", value: "TEXT", "text to evaluate (default: a built-in English paragraph)")
        s.option("--file", value: "F", "read the text from a file")
        s.option("--positions", value: "N", "positions compared (default 256)")
        s.option("--mode", value: "M", "mixed (default), prefill (one batch) or decode (one token at a time)")
        s.option("--kernels", value: "K", "fast (default: tuned or default kernels), reference (scalar kernels: ggml's integer dots) or exact (f32 activations, f64 sums)")
        s.flag("--json", "print the report as JSON, positions included")
        return s
    }

    struct Report: Encodable {
        let model: String, formats: String, threads: Int, mode: String, positions: Int
        let top1_agreement: Double, mean_kl: Double, max_kl: Double, mean_nmse: Double, max_nmse: Double, max_abs_error: Double
        let reference_seconds: Double, fast_seconds: Double
        let kernels: [String]
        let per_position: [LogitComparison.Position]
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let positions = try arguments.int("--positions", default: 256, in: 1...100_000)
        let modeName = arguments.value("--mode") ?? "mixed"
        guard let mode = ModelAccuracy.Mode(rawValue: modeName) else { throw UsageError("--mode is mixed, prefill or decode, not '\(modeName)'") }
        guard let policy = MatmulDispatch.Policy(rawValue: arguments.value("--kernels") ?? "fast") else {
            throw UsageError("--kernels is fast, reference or exact, not '\(arguments.value("--kernels")!)'")
        }
        let threads = try ModelOptions.threads(arguments, command: "compare")
        let model = try ModelOptions.open(ModelOptions.modelName(arguments))
        let text = try ModelOptions.text(arguments, fallback: ModelOptions.sampleText)
        let tokens = try promptTokens(text, model: model, count: min(positions, model.config.contextLength))
        let json = arguments.has("--json")

        let session = try ModelOptions.session(model, arguments, threads: threads, capacity: tokens.count, policy: policy, console: console)
        let fastStart = Date()
        let fast = try ModelAccuracy.fastLogits(session, tokens, mode: mode)
        let split = ModelAccuracy.batchedCount(tokens.count, mode: mode)
        let fastSeconds = Date().timeIntervalSince(fastStart)

        if !json { console.printError("reference path: \(tokens.count) positions, \(model.config.layers) layers in f64 ...") }
        let referenceStart = Date()
        let reference = try ReferenceForward(model: model).logits(tokens: tokens) { done, total in
            if !json && (done == total || done % max(1, total / 5) == 0) { console.printError("  layer \(done)/\(total)") }
        }
        let referenceSeconds = Date().timeIntervalSince(referenceStart)
        let comparison = LogitComparison(reference: reference, candidate: fast)
        let kernels = try session.dispatch.describeChoices(for: model, batches: [1, split].filter { $0 > 0 })

        let report = Report(model: model.source, formats: model.formatSummary, threads: threads, mode: mode.rawValue,
                            positions: tokens.count, top1_agreement: comparison.topAgreement, mean_kl: comparison.meanKL,
                            max_kl: comparison.maxKL, mean_nmse: comparison.meanNMSE, max_nmse: comparison.maxNMSE,
                            max_abs_error: comparison.maxAbsError, reference_seconds: referenceSeconds,
                            fast_seconds: fastSeconds, kernels: kernels, per_position: comparison.positions)
        if json { return try console.printJSON(report) }
        console.print("\(model.source): \(model.formatSummary); \(tokens.count) positions, mode \(mode.rawValue), \(threads) threads")
        console.print(formatTable(header: ["metric", "value"], rows: [
            ["top-1 agreement", String(format: "%.2f%% (%d of %d)", 100 * comparison.topAgreement,
                                       comparison.positions.filter(\.topAgrees).count, comparison.positions.count)],
            ["KL(ref || fast) mean", String(format: "%.3g nats", comparison.meanKL)],
            ["KL max", String(format: "%.3g nats", comparison.maxKL)],
            ["logit NMSE mean / max", String(format: "%.3g / %.3g", comparison.meanNMSE, comparison.maxNMSE)],
            ["max |logit error|", String(format: "%.4g", comparison.maxAbsError)],
            ["time fast / reference", String(format: "%.2f s / %.2f s", fastSeconds, referenceSeconds)],
        ]))
        let disagreements = comparison.positions.filter { !$0.topAgrees }
        if !disagreements.isEmpty {
            console.print("\npositions where the top token differs: " +
                          disagreements.prefix(20).map { "\($0.position) (ref \($0.referenceTop), fast \($0.candidateTop), KL \(String(format: "%.3g", $0.kl)))" }.joined(separator: ", "))
        }
        console.print("\nkernels:\n  " + kernels.joined(separator: "\n  "))
    }

    /// The text's tokens, repeated or cut to `count`.
    static func promptTokens(_ text: String, model: TransformerModel, count: Int) throws -> [Int] {
        let tokens = try ModelOptions.tokenizer(model).encode(text, addBOS: nil, parseSpecial: false)
        guard !tokens.isEmpty else { throw InputError("the text gives no tokens") }
        return ModelAccuracy.repeated(tokens, to: count)
    }
}
