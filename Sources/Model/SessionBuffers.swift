import KernelCore

extension InferenceSession {
    /// Activations of one batch, each (batch, width) with a token's values contiguous, plus attention scratch.
    final class Buffers: @unchecked Sendable {
        static let chunksPerThread = 4
        let x, xn, q, k, v, attention, projection, gate, up: UnsafeMutablePointer<Float>
        /// One score row per attention task.
        let scores: UnsafeMutablePointer<Float>
        let scoreStride: Int
        /// The quantized activation of the products in flight: room for a batch of the widest input at 4 bytes a
        /// value (f32 activations; every quantized format takes fewer).
        let activation: AlignedBuffer
        private let storage: [AlignedBuffer]

        init(config c: ModelConfig, batch: Int, threads: Int, capacity: Int) {
            var storage: [AlignedBuffer] = []
            func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
                let buffer = AlignedBuffer(count: count * 4)
                storage.append(buffer)
                return buffer.base.assumingMemoryBound(to: Float.self)
            }
            x = floats(batch * c.dim); xn = floats(batch * c.dim)
            q = floats(batch * c.dim); k = floats(batch * c.kvDim); v = floats(batch * c.kvDim)
            attention = floats(batch * c.dim); projection = floats(batch * c.dim)
            gate = floats(batch * c.ffnDim); up = floats(batch * c.ffnDim)
            scoreStride = (capacity + 15) / 16 * 16
            scores = floats(c.heads * Self.chunksPerThread * max(1, threads) * scoreStride)
            activation = AlignedBuffer(count: batch * max(c.dim, c.ffnDim) * 4)
            self.storage = storage
        }
    }
}

/// cos and sin of every rotation angle for positions 0..<positions, computed in f64 and stored as f32.
struct RotaryTable: Sendable {
    let rope: RotaryEmbedding
    let table: [Float]  // (position, ropeDim / 2, 2)

    init(config: ModelConfig, positions: Int) {
        rope = RotaryEmbedding(config: config)
        var table = [Float](); table.reserveCapacity(positions * config.ropeDim)
        for p in 0..<positions { for (c, s) in rope.angles(position: p) { table.append(Float(c)); table.append(Float(s)) } }
        self.table = table
    }

    /// Rotates `heads` consecutive heads of `headDim` floats for one position.
    func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, position: Int) {
        let pairs = rope.ropeDim / 2
        table.withUnsafeBufferPointer { t in
            let angles = t.baseAddress! + position * pairs * 2
            for h in 0..<heads {
                let head = x + h * headDim
                for i in 0..<pairs {
                    let (a, b) = rope.pair(i)
                    let x0 = head[a], x1 = head[b], c = angles[2 * i], s = angles[2 * i + 1]
                    head[a] = x0 * c - x1 * s
                    head[b] = x0 * s + x1 * c
                }
            }
        }
    }
}

/// Wall time per operation name, summed over calls.
/// The operations of a forward pass, as profiles name them: each matmul by tensor role (its compute stage), the
/// activation quantization before the products, the dispatcher's own time around them, and the rest.
public enum ForwardOperation: Int, CaseIterable, Sendable {
    case embedding, norm, attentionQuery, attentionKey, attentionValue, ropeAndCache, attention, attentionOutput, add
    case ffnGate, ffnUp, swiglu, ffnDown, output
    /// Activations quantized for the products (once per input when its products share it).
    case quantize
    /// Time in the matmul calls outside the quantization and compute stages: the dispatcher's overhead.
    case dispatch

    /// The name in profiles: ggml's tensor role for a matmul.
    public var name: String {
        switch self {
        case .attentionQuery: "attn_q"
        case .attentionKey: "attn_k"
        case .attentionValue: "attn_v"
        case .ropeAndCache: "rope+cache"
        case .attentionOutput: "attn_output"
        case .ffnGate: "ffn_gate"
        case .ffnUp: "ffn_up"
        case .ffnDown: "ffn_down"
        default: "\(self)"
        }
    }

    /// The operation profiles call `name`.
    public static func named(_ name: String) -> ForwardOperation? { allCases.first { $0.name == name } }

    /// What budgets group by: the matrix products (with their activation quantization and dispatch), attention
    /// (scores, softmax, RoPE and cache writes) and the rest (norms, residual adds, SwiGLU, embedding lookup).
    public enum Group: String, CaseIterable, Sendable { case matmul, attention, other }

    public var group: Group {
        switch self {
        case .attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .ffnGate, .ffnUp, .ffnDown, .output,
             .quantize, .dispatch: .matmul
        case .attention, .ropeAndCache: .attention
        case .embedding, .norm, .add, .swiglu: .other
        }
    }
}

/// Seconds and calls per operation; fixed arrays indexed by `ForwardOperation`, so timing costs no hashing.
public struct OperationProfile: Sendable {
    private var secondsByOperation = [Double](repeating: 0, count: ForwardOperation.allCases.count)
    private var callsByOperation = [Int](repeating: 0, count: ForwardOperation.allCases.count)
    @inline(__always) mutating func add(_ operation: ForwardOperation, nanoseconds: UInt64, calls: Int = 1) {
        secondsByOperation[operation.rawValue] += Double(nanoseconds) / 1e9
        callsByOperation[operation.rawValue] += calls
    }

    mutating func time<T>(_ operation: ForwardOperation, _ body: () throws -> T) rethrows -> T {
        let start = Stopwatch.now()
        defer { add(operation, nanoseconds: Stopwatch.now() - start) }
        return try body()
    }

    /// Seconds and calls of every operation that ran, by its profile name.
    public var seconds: [String: Double] {
        Dictionary(uniqueKeysWithValues: ForwardOperation.allCases.filter { callsByOperation[$0.rawValue] > 0 }
            .map { ($0.name, secondsByOperation[$0.rawValue]) })
    }
    public var calls: [String: Int] {
        Dictionary(uniqueKeysWithValues: ForwardOperation.allCases.filter { callsByOperation[$0.rawValue] > 0 }
            .map { ($0.name, callsByOperation[$0.rawValue]) })
    }

    public var total: Double { secondsByOperation.reduce(0, +) }
}
