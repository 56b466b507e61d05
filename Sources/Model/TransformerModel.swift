import Foundation
import GGUF

/// A Llama-family model loaded from a GGUF file: its configuration and its tensors, memory-mapped.
public final class TransformerModel: Sendable {
    public let config: ModelConfig
    public let weights: ModelWeights
    public let file: GGUFFile
    /// Where the model came from: a path, or `builtin`.
    public let source: String

    public init(file: GGUFFile, source: String) throws {
        self.file = file
        self.source = source
        config = try ModelConfig(gguf: file)
        weights = try ModelWeights(file: file, config: config)
    }

    /// Opens a GGUF file, refusing one whose tensors would not fit in this machine's memory before mapping them.
    public static func load(path: String) throws -> TransformerModel {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int else { throw ModelError("cannot read '\(path)': no such file or not readable") }
        let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard size < memory * 9 / 10 else {
            throw ModelError("'\(path)' is \(size >> 20) MiB; this machine has \(memory >> 20) MiB of memory, too little to run it")
        }
        return try TransformerModel(file: try GGUFFile(path: path), source: path)
    }

    /// The model's weight formats, most common first, e.g. "q4_0 (210), q8_0 (1)".
    public var formatSummary: String {
        var counts: [String: Int] = [:]
        for m in weights.allMatrices { counts[m.type.name, default: 0] += 1 }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    }

    /// Parameters in the weight matrices (embedding included once).
    public var parameterCount: Int { weights.allMatrices.reduce(0) { $0 + $1.rows * $1.columns } }
}
