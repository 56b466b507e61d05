import Foundation
import KernelCatalog
import KernelCore
import QuantFormats

/// The fast forward pass: tuned kernels with activations quantized as ggml does, a KV cache, batched prefill and
/// multithreading. One session is one conversation: tokens are appended at `position`.
public final class InferenceSession: @unchecked Sendable {
    public let model: TransformerModel
    public let dispatch: MatmulDispatch
    /// Tokens evaluated per batch (prefill is cut into batches of this many).
    public let batchSize: Int
    public var capacity: Int { cache.capacity }
    /// Tokens in the cache: the next token's position.
    public private(set) var position = 0
    /// Seconds per operation since the last `resetProfile()` (matmuls by tensor name, attention, the rest).
    public internal(set) var profile = OperationProfile()

    let cache: KVCache
    let context: KernelContext
    /// The attention kernel of the widest instruction set this CPU has.
    public let attentionKernel: AttentionKernel
    let rotary: RotaryTable
    let buffers: Buffers
    /// The plans of each batch class that has run, by `BatchClass.ordinal`.
    var plansByClass: [Plans?] = Array(repeating: nil, count: BatchClass.allCases.count)

    public init(model: TransformerModel, dispatch: MatmulDispatch, capacity: Int? = nil, batchSize: Int = 512,
                context: KernelContext = .shared) throws {
        let c = model.config
        let capacity = min(capacity ?? c.contextLength, c.contextLength)
        guard capacity > 0 else { throw ModelError("a session needs room for at least one token") }
        // The cache is sized from metadata (the context length), not from the file: refuse what memory cannot hold
        // before allocating, with the figure and a way out.
        let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard let cacheBytes = KVCache.bytes(config: c, capacity: capacity), cacheBytes <= memory / 2 else {
            throw ModelError("a KV cache of \(capacity) positions would need \(KVCache.bytes(config: c, capacity: capacity).map { "\($0 >> 20) MiB" } ?? "more bytes than an Int holds"); "
                             + "this machine has \(memory >> 20) MiB of memory: use a shorter context (the model's context_length is \(c.contextLength))")
        }
        guard batchSize > 0 else { throw ModelError("batch size must be positive") }
        self.model = model
        self.dispatch = dispatch
        self.batchSize = min(batchSize, capacity)
        self.context = context
        cache = KVCache(config: c, capacity: capacity)
        attentionKernel = AttentionKernel.best(of: KernelCatalog.attentionKernels)
        rotary = RotaryTable(config: c, positions: cache.capacity)
        buffers = Buffers(config: c, batch: self.batchSize, threads: dispatch.threads, capacity: cache.capacity)
    }

    /// Forgets every token (the cache is overwritten from position 0).
    public func reset() { position = 0 }
    public func resetProfile() { profile = OperationProfile() }

    /// Plans (and repacks) every weight for the batch sizes a run will use, so timed tokens do not pay for it.
    public func prepareKernels(batches: [Int] = [1]) throws {
        for n in Set(batches + [1]) where n > 0 { _ = try plans(n: min(n, batchSize)) }
    }

    /// Appends `tokens` and returns the logits (vocab) after each token whose index (into `tokens`) is in `outputs`.
    public func evaluate(_ tokens: [Int], outputs: [Int] = []) throws -> [[Float]] {
        let c = model.config
        guard position + tokens.count <= capacity else {
            throw ModelError("\(position) + \(tokens.count) tokens exceed the session's context of \(capacity)")
        }
        for t in tokens where t < 0 || t >= c.vocabularySize {
            throw ModelError("token id \(t) is outside the vocabulary 0..<\(c.vocabularySize)")
        }
        for o in outputs where o < 0 || o >= tokens.count { throw ModelError("output index \(o) is outside 0..<\(tokens.count)") }
        var logits: [[Float]] = []
        var start = 0
        while start < tokens.count {
            let end = min(start + batchSize, tokens.count)
            let wanted = outputs.filter { $0 >= start && $0 < end }.map { $0 - start }
            logits += try forward(Array(tokens[start..<end]), outputs: wanted)
            start = end
        }
        return logits
    }

    /// One batch through every layer.
    func forward(_ tokens: [Int], outputs: [Int]) throws -> [[Float]] {
        let c = model.config, w = model.weights, b = buffers
        let n = tokens.count, p0 = position
        let x = b.x, xn = b.xn
        let plans = try plans(n: n)

        profile.time(.embedding) {
            for (t, token) in tokens.enumerated() { w.tokenEmbedding.dequantizedRow(token, into: x + t * c.dim) }
        }
        for (l, layer) in w.layers.enumerated() {
            let p = plans.layers[l]
            // Attention block: x += Wo · attention(rope(Wq · norm(x)), rope(Wk · norm(x)), Wv · norm(x))
            profile.time(.norm) { normalize(x, layer.attentionNorm, into: xn, n: n) }
            multiply(xn, n: n, Product(operation: .attentionQuery, plan: p.query, output: b.q, bias: layer.queryBias),
                     Product(operation: .attentionKey, plan: p.key, output: b.k, bias: layer.keyBias),
                     Product(operation: .attentionValue, plan: p.value, output: b.v, bias: layer.valueBias))
            profile.time(.ropeAndCache) {
                for t in 0..<n {
                    rotary.rotate(b.q + t * c.dim, heads: c.heads, headDim: c.headDim, position: p0 + t)
                    rotary.rotate(b.k + t * c.kvDim, heads: c.kvHeads, headDim: c.headDim, position: p0 + t)
                    cache.store(layer: l, position: p0 + t, keys: b.k + t * c.kvDim, values: b.v + t * c.kvDim)
                }
            }
            profile.time(.attention) { attention(layer: l, n: n, start: p0) }
            multiply(b.attention, n: n, Product(operation: .attentionOutput, plan: p.attentionOutput, output: b.projection))
            profile.time(.add) { VectorMath.add(b.projection, to: x, count: n * c.dim) }

            // Feed-forward block: x += Wdown · (silu(Wgate · norm(x)) * (Wup · norm(x)))
            profile.time(.norm) { normalize(x, layer.ffnNorm, into: xn, n: n) }
            multiply(xn, n: n, Product(operation: .ffnGate, plan: p.gate, output: b.gate),
                     Product(operation: .ffnUp, plan: p.up, output: b.up))
            profile.time(.swiglu) { VectorMath.swiglu(b.gate, b.up, count: n * c.ffnDim) }
            multiply(b.gate, n: n, Product(operation: .ffnDown, plan: p.down, output: b.projection))
            profile.time(.add) { VectorMath.add(b.projection, to: x, count: n * c.dim) }
        }
        position += n
        guard !outputs.isEmpty else { return [] }

        // Logits = Wout · norm(x) at the wanted tokens only.
        profile.time(.norm) {
            w.outputNorm.withUnsafeBufferPointer { weight in
                for (i, t) in outputs.enumerated() {
                    VectorMath.rmsNorm(x + t * c.dim, weight.baseAddress!, xn + i * c.dim, count: c.dim, epsilon: Float(c.rmsEpsilon))
                }
            }
        }
        let output = try self.plans(n: outputs.count).output
        var logits = [Float](repeating: 0, count: outputs.count * c.vocabularySize)
        logits.withUnsafeMutableBufferPointer { y in
            multiply(xn, n: outputs.count, Product(operation: .output, plan: output, output: y.baseAddress!))
        }
        return (0..<outputs.count).map { Array(logits[$0 * c.vocabularySize..<($0 + 1) * c.vocabularySize]) }
    }

    func normalize(_ x: UnsafeMutablePointer<Float>, _ weight: [Float], into y: UnsafeMutablePointer<Float>, n: Int) {
        let c = model.config
        weight.withUnsafeBufferPointer { w in
            for t in 0..<n { VectorMath.rmsNorm(x + t * c.dim, w.baseAddress!, y + t * c.dim, count: c.dim, epsilon: Float(c.rmsEpsilon)) }
        }
    }

    /// Every (query head, token) pair attends over the cache. Tokens are dealt round-robin to 4 chunks per thread,
    /// so the chunks get equal work although later tokens attend to more positions.
    func attention(layer l: Int, n: Int, start p0: Int) {
        let c = model.config, b = buffers, attend = attentionKernel.attend
        let chunks = min(n, Buffers.chunksPerThread * dispatch.threads)
        context.pool.run(tasks: c.heads * chunks, threads: dispatch.threads) { task in
            let h = task % c.heads, chunk = task / c.heads
            let g = h / c.groupSize
            let keys = cache.keyBlocks(layer: l, head: g), values = cache.valueRows(layer: l, head: g)
            let scores = b.scores + task * b.scoreStride
            for t in stride(from: chunk, to: n, by: chunks) {
                attend(b.q + t * c.dim + h * c.headDim, keys, values, p0 + t, c.headDim, scores,
                       b.attention + t * c.dim + h * c.headDim)
            }
        }
    }
}
