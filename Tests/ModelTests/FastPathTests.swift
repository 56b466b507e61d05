import Foundation
import Testing
import TestSupport
@testable import Model

/// The fast path (tuned kernels, quantized activations, cache, threads) against the f64 reference on one model.
struct FastPathTests {
    static let anchorQ8 = NSHomeDirectory() + "/.cache/llama-anchor/model/smollm2-Q8_0.gguf"

    @Test(.enabled(if: ProcessInfo.processInfo.environment["QUANTLAB_DEV_MODEL"] != nil))
    func devModelAgrees() throws {
        let path = ProcessInfo.processInfo.environment["QUANTLAB_DEV_MODEL"]!
        let model = try TransformerModel.load(path: path)
        var rng = SplitMix64(seed: 7)
        let tokens = (0..<64).map { _ in Int(rng.next() % UInt64(model.config.vocabularySize)) }
        let reference = try ReferenceForward(model: model).logits(tokens: tokens)
        for threads in [1, 2] {
            let session = try InferenceSession(model: model, dispatch: MatmulDispatch(threads: threads), capacity: 128)
            // Prefill half, then decode the rest one token at a time: both code paths.
            var fast = try session.evaluate(Array(tokens[0..<32]), outputs: Array(0..<32))
            for t in 32..<64 { fast += try session.evaluate([tokens[t]], outputs: [0]) }
            let comparison = LogitComparison(reference: reference, candidate: fast)
            print("threads \(threads): top1 \(comparison.topAgreement) meanKL \(comparison.meanKL) maxNMSE \(comparison.maxNMSE)")
            #expect(comparison.topAgreement >= 0.95)
        }
    }
}
