import Foundation
import GGUF
import QuantFormats

/// `quantlab quantize`: requantize a GGUF model's weights to one type, or to one of llama.cpp's mixes.
enum QuantizeCommand: Command {
    static let name = "quantize"
    static let summary = "requantize a GGUF file's weight matrices to one type or to a llama.cpp mix"
    static let usage = """
        quantlab quantize IN.gguf OUT.gguf (--type T | --mix M) [--json]

        --type T, T one of \(ModelQuantizer.targets.map(\.name).joined(separator: ", ")): like `llama-quantize --pure`.
        Every weight matrix goes to T (dequantized first if it is stored quantized), 1-D tensors become f32, and rows
        that are not whole blocks of T fall back as llama.cpp does (q4_K to q5_0, q6_K to q8_0, otherwise f16).

        --mix M, M one of \(QuantizationMix.allCases.map(\.rawValue).joined(separator: ", ")) (any case): like `llama-quantize` without
        --pure or an importance matrix; Q3_K, Q4_K and Q5_K mean the _M mixes. llama.cpp's rules for file type M: the
        output matrix (or the token embedding when it is also the output) gets q6_K; the _M and _L mixes, Q2_K and
        the IQ4 ones give attn_v, ffn_down and attn_output more bits in some or all layers; then the same block
        fallback (on SmolLM2-135M's rows of 576, q2_K and q3_K become q4_0, q5_K q5_1, iq4_xs iq4_nl). Norms and
        other tensors llama.cpp keeps stay as stored.

        Give exactly one of --type and --mix. Tensors are written in llama.cpp's order; general.file_type and
        general.quantization_version are set. OUT is written atomically.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.positional("IN.gguf", "the model to read")
        s.positional("OUT.gguf", "where to write the result")
        s.option("--type", value: "T", "one weight type for every weight matrix")
        s.option("--mix", value: "M", "llama.cpp's mix for file type M (Q4_K_M, Q4_0, ...)")
        s.flag("--json", "print a JSON report of every tensor")
        return s
    }

    /// The recipe the arguments name: exactly one of --type and --mix.
    static func recipe(_ arguments: ParsedArguments) throws -> ModelQuantizer.Recipe {
        switch (arguments.value("--type"), arguments.value("--mix")) {
        case (nil, nil): throw UsageError("--type or --mix is required; see 'quantlab quantize --help'")
        case (.some, .some): throw UsageError("--type and --mix exclude each other; give one")
        case (let typeName?, nil):
            let type = try parseType(typeName)
            guard ModelQuantizer.targets.contains(type) else {
                throw InputError("cannot quantize to \(type.name); choose one of \(ModelQuantizer.targets.map(\.name).joined(separator: ", "))")
            }
            return .pure(type)
        case (nil, let mixName?):
            guard let mix = QuantizationMix(name: mixName) else {
                throw InputError("unknown mix '\(mixName)'; quantlab writes llama.cpp's \(QuantizationMix.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .mix(mix)
        }
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let input = arguments.positional(0)!, output = arguments.positional(1)!
        let recipe = try recipe(arguments)
        guard URL(fileURLWithPath: input).standardized.path != URL(fileURLWithPath: output).standardized.path else {
            throw UsageError("OUT.gguf must differ from IN.gguf")
        }
        let start = Date()
        let file = try GGUFFile(path: input)
        let quantizer = ModelQuantizer(recipe: recipe)
        var lastReported = 0
        let (writer, plans) = try quantizer.quantize(file) { done, total in
            let percent = done * 100 / total
            if percent >= lastReported + 10 || done == total {
                lastReported = percent
                console.printError("quantize: \(done)/\(total) tensors (\(percent)%), \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            }
        }
        try writer.write(to: output)
        if arguments.has("--json") {
            struct Report: Encodable {
                let input: String, output: String, type: String?, mix: String?, file_type: UInt32, seconds: Double
                let input_bytes: Int, output_bytes: Int, tensors: [ModelQuantizer.TensorPlan]
            }
            let (type, mix): (String?, String?) = switch recipe {
            case .pure(let t): (t.name, nil)
            case .mix(let m): (nil, m.rawValue)
            }
            return try console.printJSON(Report(
                input: input, output: output, type: type, mix: mix, file_type: quantizer.fileType,
                seconds: Date().timeIntervalSince(start), input_bytes: file.fileSize, output_bytes: writer.fileSize, tensors: plans))
        }
        var counts: [String: Int] = [:]
        for p in plans { counts[p.to, default: 0] += 1 }
        console.print("wrote \(output): \(plans.count) tensors (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))), \(formatBytes(writer.fileSize)) from \(formatBytes(file.fileSize)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        switch recipe {
        case .pure(let type):
            let fallbacks = plans.filter { $0.fallback != nil }
            if !fallbacks.isEmpty {
                console.print("\(fallbacks.count) tensor(s) could not take \(type.name):")
                for p in fallbacks { console.print("  \(p.name): \(p.to) instead, \(p.fallback!)") }
            }
        case .mix(let mix):
            printMixSummary(plans, mix: mix, console)
        }
    }

    /// One line per distinct (type, rule, fallback) among the tensors that did not get the mix's base type as is:
    /// a mix touches most tensors of a model, so tensors are counted, with the first as an example.
    static func printMixSummary(_ plans: [ModelQuantizer.TensorPlan], mix: QuantizationMix, _ console: Console) {
        var groups: [(key: String, names: [String])] = []
        for p in plans where p.rule != nil || p.fallback != nil {
            let key = "\(p.to): " + [p.rule, p.fallback].compactMap { $0 }.joined(separator: "; then ")
            if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].names.append(p.name) } else { groups.append((key, [p.name])) }
        }
        guard !groups.isEmpty else { return }
        console.print("\(mix.rawValue) (base \(mix.baseType.name)) chose otherwise for:")
        for g in groups {
            console.print("  \(g.names.count) tensor(s), e.g. \(g.names[0]), \(g.key)")
        }
    }
}
