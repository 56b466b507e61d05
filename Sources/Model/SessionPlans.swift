import KernelCore

extension InferenceSession {
    /// Every weight matrix of the model bound to its kernel for one batch class, made the first time a batch of
    /// that class runs (or by `prepareKernels`). The plans share one activation buffer: a session is one caller.
    final class Plans: @unchecked Sendable {
        struct Layer {
            let query, key, value, attentionOutput, gate, up, down: MatmulPlan
        }
        let layers: [Layer]
        let output: MatmulPlan

        init(model: TransformerModel, dispatch: MatmulDispatch, batch: BatchClass, maxColumns: Int, activation: AlignedBuffer) throws {
            func plan(_ m: QuantizedMatrix) throws -> MatmulPlan {
                try dispatch.plan(for: m, n: min(batch.rawValue, maxColumns), maxColumns: maxColumns, scratch: activation)
            }
            layers = try model.weights.layers.map { l in
                Layer(query: try plan(l.query), key: try plan(l.key), value: try plan(l.value),
                      attentionOutput: try plan(l.attentionOutput), gate: try plan(l.gate), up: try plan(l.up), down: try plan(l.down))
            }
            output = try plan(model.weights.output)
        }

        /// The most columns a batch of `batch` holds in a session whose batches hold at most `batchSize` tokens.
        static func maxColumns(_ batch: BatchClass, batchSize: Int) -> Int {
            let upper = switch batch {
            case .decode: 1
            case .few: BatchClass.tiledFromColumns - 1
            case .batch: 32
            case .prefill: batchSize
            }
            return min(upper, batchSize)
        }
    }

    /// The plans for batches of n tokens, made on first use.
    func plans(n: Int) throws -> Plans {
        let batch = BatchClass(n: n)
        if let p = plansByClass[batch.ordinal] { return p }
        let p = try Plans(model: model, dispatch: dispatch, batch: batch,
                          maxColumns: Plans.maxColumns(batch, batchSize: batchSize), activation: buffers.activation)
        plansByClass[batch.ordinal] = p
        return p
    }

    /// One product of a shared input: its plan, where the result goes, and the bias added to it (qwen2's q, k, v).
    struct Product {
        let operation: ForwardOperation
        let plan: MatmulPlan
        let output: UnsafeMutablePointer<Float>
        var bias: [Float]? = nil
    }

    /// The products of one input (q, k and v; gate and up; or one alone). The input is quantized once when every
    /// plan reads the same activation format from the same quantizer. The profile gets each product's compute
    /// stage, the quantization, and the remainder of the calls as the dispatcher's own time.
    func multiply(_ input: UnsafeMutablePointer<Float>, n: Int, _ products: Product...) {
        let start = Stopwatch.now()
        var staged: UInt64 = 0
        let activation = buffers.activation.base
        let first = products[0].plan
        let shared = first.activationType != nil && products.allSatisfy { first.sharesActivation(with: $0.plan) }
        if shared { staged += timed(.quantize) { first.quantize(input, n: n, into: activation) } }
        for p in products {
            if shared {
                staged += timed(p.operation) { p.plan.multiply(quantized: activation, n: n, into: p.output) }
            } else if p.plan.activationType != nil {
                staged += timed(.quantize) { p.plan.quantize(input, n: n, into: activation) }
                staged += timed(p.operation) { p.plan.multiply(quantized: activation, n: n, into: p.output) }
            } else {
                staged += timed(p.operation) { p.plan.multiply(input, n: n, into: p.output) }
            }
            if let bias = p.bias {
                let rows = p.plan.rows
                staged += timed(p.operation, calls: 0) { for t in 0..<n { for r in 0..<rows { p.output[t * rows + r] += bias[r] } } }
            }
        }
        profile.add(.dispatch, nanoseconds: Stopwatch.now() - start - staged, calls: products.count)
    }

    /// Runs `body`, adds its time to `operation` and returns it in nanoseconds.
    @inline(__always)
    func timed(_ operation: ForwardOperation, calls: Int = 1, _ body: () -> Void) -> UInt64 {
        let t0 = Stopwatch.now()
        body()
        let t = Stopwatch.now() - t0
        profile.add(operation, nanoseconds: t, calls: calls)
        return t
    }
}
