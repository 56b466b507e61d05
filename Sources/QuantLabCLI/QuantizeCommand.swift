import Foundation
import GGUF
import QuantFormats

/// `quantlab quantize`: requantize a GGUF model's weights to one type.
enum QuantizeCommand: Command {
    static let name = "quantize"
    static let summary = "requantize every weight matrix of a GGUF file to one type"
    static let usage = """
        quantlab quantize IN.gguf OUT.gguf --type T [--json]

        T is one of \(ModelQuantizer.targets.map(\.name).joined(separator: ", ")). Like `llama-quantize --pure`: every
        weight matrix goes to T (dequantized first if it is stored quantized), 1-D tensors become f32, and rows that
        are not whole blocks of T fall back as llama.cpp does (q4_K to q5_0, q6_K to q8_0, otherwise f16).
        Sets general.file_type and general.quantization_version. OUT is written atomically.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.positional("IN.gguf", "the model to read")
        s.positional("OUT.gguf", "where to write the result")
        s.option("--type", value: "T", "target weight type (required)")
        s.flag("--json", "print a JSON report of every tensor")
        return s
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let input = arguments.positional(0)!, output = arguments.positional(1)!
        guard let typeName = arguments.value("--type") else { throw UsageError("--type is required; see 'quantlab quantize --help'") }
        let type = try parseType(typeName)
        guard ModelQuantizer.targets.contains(type) else {
            throw InputError("cannot quantize to \(type.name); choose one of \(ModelQuantizer.targets.map(\.name).joined(separator: ", "))")
        }
        guard URL(fileURLWithPath: input).standardized.path != URL(fileURLWithPath: output).standardized.path else {
            throw UsageError("OUT.gguf must differ from IN.gguf")
        }
        let start = Date()
        let file = try GGUFFile(path: input)
        let quantizer = ModelQuantizer(target: type)
        var lastReported = 0
        let (writer, plans) = try quantizer.quantize(file) { done, total in
            let percent = done * 100 / total
            if percent >= lastReported + 10 || done == total {
                lastReported = percent
                console.printError("quantize: \(done)/\(total) tensors (\(percent)%), \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            }
        }
        try writer.write(to: output)
        let fallbacks = plans.filter { $0.fallback != nil }
        if arguments.has("--json") {
            struct Report: Encodable {
                let input: String, output: String, type: String, file_type: UInt32, seconds: Double
                let input_bytes: Int, output_bytes: Int, tensors: [ModelQuantizer.TensorPlan]
            }
            return try console.printJSON(Report(
                input: input, output: output, type: type.name, file_type: quantizer.fileType,
                seconds: Date().timeIntervalSince(start), input_bytes: file.fileSize, output_bytes: writer.fileSize, tensors: plans))
        }
        var counts: [String: Int] = [:]
        for p in plans { counts[p.to, default: 0] += 1 }
        console.print("wrote \(output): \(plans.count) tensors (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))), \(formatBytes(writer.fileSize)) from \(formatBytes(file.fileSize)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        if !fallbacks.isEmpty {
            console.print("\(fallbacks.count) tensor(s) could not take \(type.name):")
            for p in fallbacks { console.print("  \(p.name): \(p.to) instead, \(p.fallback!)") }
        }
    }
}
