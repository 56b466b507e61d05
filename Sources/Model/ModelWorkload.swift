import Foundation
import KernelCore
import QuantFormats
import Tuner

/// The matrix products a model runs: every distinct (format, M x K) among its layers' weights at the N it runs them
/// with (decode 1 and the prefill batch), and the output layer at N 1 (logits are wanted for the last token only in
/// generation and in llama-bench's tests). This is what `tune --model` tunes and what its database is checked against.
public struct ModelWorkload: Sendable {
    public struct Product: Hashable, Sendable {
        public let format: String, m: Int, k: Int
        /// How many of the model's matrices have this format and shape.
        public let count: Int
        public let batches: [Int]
    }

    /// Readable and exact: the file's name and a hash of its shapes, e.g. `SmolLM2-135M-Instruct-Q4_0 #1f2e...`.
    public let id: String
    public let products: [Product]

    public init(model: TransformerModel, promptBatch: Int) {
        let prefill = min(max(1, promptBatch), model.config.contextLength)
        var counts: [String: (format: String, m: Int, k: Int, count: Int, batches: Set<Int>)] = [:]
        func add(_ m: QuantizedMatrix, _ batches: [Int]) {
            let key = "\(m.type.name) \(m.rows)x\(m.columns)"
            var entry = counts[key] ?? (m.type.name, m.rows, m.columns, 0, [])
            entry.count += 1
            entry.batches.formUnion(batches)
            counts[key] = entry
        }
        for layer in model.weights.layers { for m in layer.matrices { add(m, [1, prefill]) } }
        add(model.weights.output, [1])
        products = counts.values.map { Product(format: $0.format, m: $0.m, k: $0.k, count: $0.count, batches: $0.batches.sorted()) }
            .sorted { ($0.format, $0.m, $0.k) < ($1.format, $1.m, $1.k) }
        let shapes = products.map { "\($0.format) \($0.m)x\($0.k)x\($0.count) \($0.batches)" }.joined(separator: ";")
        let name = model.source.hasSuffix(".gguf") ? URL(fileURLWithPath: model.source).deletingPathExtension().lastPathComponent : model.source
        id = "\(name) #\(FNV1a.hex(shapes))"
    }

    /// Products the model runs, one per (product, N), at each thread count.
    public func problems(threads: [Int]) -> [TuningProblem] {
        threads.flatMap { t in
            products.flatMap { p in p.batches.map { TuningProblem(format: p.format, m: p.m, k: p.k, n: $0, threads: t) } }
        }
    }

    /// Matrix calls per token class: how many of the model's products each (format, shape, N) stands for.
    public var matrixCount: Int { products.map { $0.count * $0.batches.count }.reduce(0, +) }
}
