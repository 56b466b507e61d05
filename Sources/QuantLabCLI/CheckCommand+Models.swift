import Foundation
import Accuracy
import Model

/// The model-level half of `quantlab check`: the built-in model always, SmolLM2 when it has been fetched.
public enum ModelChecks {
    /// SmolLM2 from `$QUANTLAB_SMOLLM2` or the cache `.ci/fetch-smollm2.sh` fills, if present.
    public static var smolLM2Path: String? { cached("SmolLM2-135M-Instruct.Q4_1.gguf", override: "QUANTLAB_SMOLLM2") }

    /// Qwen2.5-Coder-1.5B from `$QUANTLAB_QWEN15` or the cache `.ci/fetch-qwen15.sh` fills (opt-in), if present.
    public static var qwen15Path: String? { cached("Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf", override: "QUANTLAB_QWEN15") }

    /// A model in `$QUANTLAB_MODELS` (default ~/.cache/quantlab/models), or at the path in the environment variable `override`.
    static func cached(_ file: String, override: String) -> String? {
        let env = ProcessInfo.processInfo.environment
        let dir = env["QUANTLAB_MODELS"] ?? (NSHomeDirectory() + "/.cache/quantlab/models")
        let path = env[override] ?? dir + "/" + file
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Runs each model's check; `progress` gets one line per model. Perplexity is taken on the sample paragraph
    /// (not repeated: a model would learn the repeat), one chunk of `context` tokens.
    static func run(threads: Int, includeReal: Bool, progress: (String) -> Void) throws -> [ModelAccuracy.Result] {
        var models = [("builtin", "builtin", 128, 64), ("builtin-qwen2", "builtin-qwen2", 64, 64)]
        if includeReal, let path = smolLM2Path { models.append((path, "smollm2-135m-q4_1", 128, 128)) }
        return try models.map { name, label, positions, context in
            progress("model \(label): fast path against f64 over \(positions) positions, perplexity at context \(context) ...")
            let model = try ModelOptions.open(name)
            let tokenizer = try ModelOptions.tokenizer(model)
            let text = try tokenizer.encode(ModelOptions.sampleText, addBOS: nil, parseSpecial: false)
            return try ModelAccuracy.check(model, name: label, tokens: text, positions: positions, threads: threads,
                                           perplexityTokens: text,
                                           perplexityContext: context)
        }
    }
}

/// The committed record of each model check's KL and perplexity, next to the kernel baseline.
struct ModelBaseline: Codable {
    struct Entry: Codable { var kl: Double; var ppl: Double? }
    var models: [String: Entry] = [:]

    /// A check fails beyond its fixed bounds, or when its KL grows past 4x the baseline (floor 1e-4), or its perplexity
    /// moves by more than 2%.
    static let klFactor = 4.0, klFloor = 1e-4, pplTolerance = 0.02

    static func path(besideKernelBaseline kernelPath: String) -> String {
        URL(fileURLWithPath: kernelPath).deletingLastPathComponent().appendingPathComponent("check-model-baseline.json").path
    }

    static func load(_ path: String) throws -> ModelBaseline {
        guard let data = FileManager.default.contents(atPath: path) else { return ModelBaseline() }
        do { return try JSONDecoder().decode(ModelBaseline.self, from: data) } catch {
            throw InputError("model baseline \(path) is corrupt (\(error)); restore it from git or rerun with --update-baseline")
        }
    }

    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func judge(_ r: ModelAccuracy.Result) -> ModelCheck {
        var metrics = ["top1": r.top1Agreement, "kl": r.meanKL, "max_nmse": r.maxNMSE]
        if let ppl = r.perplexity { metrics["ppl"] = ppl }
        var problems: [String] = []
        if !r.passed { problems.append("outside the fixed bounds (\(r.bounds)): top-1 \(String(format: "%.3f", r.top1Agreement)), KL \(String(format: "%.2e", r.meanKL))") }
        if let base = models[r.model] {
            if r.meanKL > max(Self.klFactor * base.kl, Self.klFloor) {
                problems.append(String(format: "KL %.2e against baseline %.2e: %.1fx (allowed %.0fx)", r.meanKL, base.kl, r.meanKL / base.kl, Self.klFactor))
            }
            if let ppl = r.perplexity, let basePPL = base.ppl, abs(ppl / basePPL - 1) > Self.pplTolerance {
                problems.append(String(format: "perplexity %.4f against baseline %.4f (%+.1f%%, allowed ±%.0f%%)", ppl, basePPL, 100 * (ppl / basePPL - 1), 100 * Self.pplTolerance))
            }
        }
        let message = problems.isEmpty ? nil
            : "model \(r.model): " + problems.joined(separator: "; ") + "; reproduce: quantlab compare \(r.model.hasPrefix("builtin") ? r.model : "MODEL") --positions \(r.positions)"
        return ModelCheck(model: r.model, check: "fast vs f64 over \(r.positions) positions" + (r.perplexity == nil ? "" : ", perplexity"),
                          metrics: metrics, passed: problems.isEmpty, message: message)
    }

    func updated(with results: [ModelAccuracy.Result]) -> ModelBaseline {
        var copy = self
        for r in results { copy.models[r.model] = Entry(kl: r.meanKL, ppl: r.perplexity) }
        return copy
    }
}
