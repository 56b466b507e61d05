import Foundation
import KernelCore
import Model
import Tokenizer

/// The f32 model's logits on a fixed text, kept to compare each quantized model against, position by position.
struct QualityProbe {
    let tokens: [Int]
    let reference: [[Float]]

    /// Logits of the first `positions` tokens of the text (the model's own tokenizer, BOS as the model asks).
    init(referencePath: String, textPath: String, positions: Int) throws {
        let model = try TransformerModel.load(path: referencePath)
        let text = try String(contentsOfFile: textPath, encoding: .utf8)
        let all = try Tokenizer(gguf: model.file).encode(text, addBOS: nil, parseSpecial: false)
        guard all.count >= positions else {
            throw ExperimentError("\(textPath) has \(all.count) tokens; the comparison needs \(positions)")
        }
        tokens = Array(all.prefix(positions))
        reference = try Self.logits(model, tokens)
    }

    /// The quantized model at `path` against the reference: KL(f32 || quantized) and top-1 agreement per position.
    func compare(_ path: String) throws -> LogitComparison {
        let model = try TransformerModel.load(path: path)
        return LogitComparison(reference: reference, candidate: try Self.logits(model, tokens))
    }

    /// One prefill with the fast kernels (the way the model is used), every position's logits kept.
    static func logits(_ model: TransformerModel, _ tokens: [Int]) throws -> [[Float]] {
        let session = try InferenceSession(model: model, dispatch: MatmulDispatch(threads: HostCPU.current.logicalCores),
                                           capacity: tokens.count)
        return try session.evaluate(tokens, outputs: Array(tokens.indices))
    }
}
