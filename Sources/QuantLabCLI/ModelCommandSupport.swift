import Foundation
import GGUF
import KernelCore
import Model
import Tokenizer
import Tuner

/// What the model commands (compare, perplexity, generate, bench-model) share: which model, how many threads,
/// which tuning database.
enum ModelOptions {
    static let builtinNames = ["builtin", "builtin-qwen2"]

    static func add(to s: inout ArgumentSpec, threads: Bool = true, databases: Bool = false) {
        s.positional("MODEL", "a GGUF file, or builtin (the synthetic llama model) or builtin-qwen2 (default builtin)")
        s.optionalPositionals = 1
        if threads { ThreadCounts.add(to: &s, once: !databases) }
        if databases {
            s.option("--db", value: "PATH|none,...", "tuning databases to run side by side, comma-separated; none runs the defaults (default $QUANTLAB_TUNING_DB or ~/.cache/quantlab/tuning.json)")
            s.option("--default-rule", value: "RULE,...", "default rule per database: widest (default) or portable (the handicap); one applies to all")
        } else {
            s.option("--db", value: "PATH|none", "tuning database; none runs the kernels' defaults (default $QUANTLAB_TUNING_DB or ~/.cache/quantlab/tuning.json; kernels fall back to defaults where it has no entry)")
            s.option("--default-rule", value: "RULE", "what runs where the database has no choice: widest (default) or portable (the documented handicap)")
        }
    }

    static func modelName(_ arguments: ParsedArguments) -> String { arguments.positional(0) ?? "builtin" }

    /// Opens a GGUF path or one of the built-in synthetic models.
    static func open(_ name: String) throws -> TransformerModel {
        switch name {
        case "builtin": return try TransformerModel(file: try SyntheticModel.gguf(.builtin), source: name)
        case "builtin-qwen2": return try TransformerModel(file: try SyntheticModel.gguf(.builtinQwen2), source: name)
        default:
            guard FileManager.default.fileExists(atPath: name) else {
                throw InputError("no model file '\(name)'; give a GGUF path, or \(builtinNames.joined(separator: " or ")) for a synthetic model")
            }
            return try TransformerModel.load(path: name)
        }
    }

    static func threads(_ arguments: ParsedArguments, command: String) throws -> Int {
        try ThreadCounts.single(arguments, command: command)
    }

    /// Which kernels a model command runs: a tuning database (or none) and the default rule for what it leaves.
    struct Kernels {
        /// The path given, `none`, or the default path.
        let name: String
        /// nil: the defaults run (--db none, a missing file, or a file with no results for this CPU and build).
        let database: TuningDatabase?
        let rule: DefaultKernelRule
        /// Why the database is not used, when it is not.
        let unused: String?

        init(_ name: String, rule: DefaultKernelRule) throws {
            self.name = name
            self.rule = rule
            if name == "none" {
                (database, unused) = (nil, "--db none: the kernels' defaults")
                return
            }
            guard FileManager.default.fileExists(atPath: name) else {
                (database, unused) = (nil, "no tuning database at \(name): the kernels' defaults (quantlab tune writes one)")
                return
            }
            let loaded = try TuningDatabase.load(name)
            if loaded.keys.contains(where: { $0.0 == .current }) {
                (database, unused) = (loaded, nil)
            } else {
                (database, unused) = (nil, "tuning database \(name) has no results for this CPU and build (\(TuningKey.current)): the kernels' defaults; run quantlab tune")
            }
        }

        /// One line for standard error: which database, how much of the model it covers, its verified gains.
        func describe(_ model: TransformerModel, threads: Int, promptBatch: Int = 512) -> String {
            let ruleNote = rule == .widest ? "" : " (default rule \(rule.rawValue))"
            guard let database else { return "kernels\(ruleNote): \(unused!)" }
            let coverage = TuningCoverage(database: database, workload: ModelWorkload(model: model, promptBatch: promptBatch), threads: threads)
            return "kernels\(ruleNote): tuning database \(name), \(threads) thread(s): \(coverage.summary)"
        }
    }

    static func kernels(_ arguments: ParsedArguments) throws -> Kernels {
        try Kernels(arguments.value("--db") ?? TuningDatabase.defaultPath, rule: TuneCommand.defaultRule(arguments.value("--default-rule")))
    }

    /// A session on the kernels the arguments name; says on standard error which they are.
    static func session(_ model: TransformerModel, _ arguments: ParsedArguments, threads: Int, capacity: Int,
                        policy: MatmulDispatch.Policy = .fast, console: Console) throws -> InferenceSession {
        let kernels = try kernels(arguments)
        if policy == .fast { console.printError(kernels.describe(model, threads: threads)) }
        let dispatch = MatmulDispatch(threads: threads, database: kernels.database, policy: policy, defaultRule: kernels.rule)
        return try InferenceSession(model: model, dispatch: dispatch, capacity: capacity)
    }

    static func tokenizer(_ model: TransformerModel) throws -> Tokenizer {
        try Tokenizer(gguf: model.file)
    }

    /// The text of `--file F` or `--prompt TEXT` (exactly one may be given), or `fallback`.
    static func text(_ arguments: ParsedArguments, fallback: String?) throws -> String {
        let file = arguments.value("--file"), prompt = arguments.value("--prompt")
        if file != nil && prompt != nil { throw UsageError("give --file or --prompt, not both") }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw InputError("cannot read '\(file)'") }
            return String(decoding: data, as: UTF8.self)
        }
        if let prompt { return prompt }
        if let fallback { return fallback }
        throw UsageError("give --prompt TEXT or --file F")
    }

    /// A paragraph of English for commands run without a text.
    static let sampleText = """
        The history of computing is a story of trading one scarce resource for another. Early machines had little \
        memory and slow arithmetic, so programmers packed numbers into as few bits as the problem allowed. Today the \
        same habit returns in the weights of language models: a model stored with four bits per weight needs a \
        quarter of the memory traffic of one stored with sixteen, and on a laptop that traffic, not the arithmetic, \
        decides how fast each new word appears. Yet fewer bits are not free. Every format has to be unpacked before \
        it can be multiplied, and a clever format that saves a few bytes may cost more time to unpack than it saves \
        in reading. The only way to know is to measure, on the machine at hand, with the model at hand.
        """
}
