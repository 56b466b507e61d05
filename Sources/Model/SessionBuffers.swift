import KernelCore

extension InferenceSession {
    /// Activations of one batch, each (batch, width) with a token's values contiguous, plus attention scratch.
    final class Buffers: @unchecked Sendable {
        static let chunksPerThread = 4
        let x, xn, q, k, v, attention, projection, gate, up: UnsafeMutablePointer<Float>
        /// One score row per attention task.
        let scores: UnsafeMutablePointer<Float>
        let scoreStride: Int
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
public struct OperationProfile: Sendable {
    public private(set) var seconds: [String: Double] = [:]
    public private(set) var calls: [String: Int] = [:]

    mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = Stopwatch.now()
        defer {
            seconds[name, default: 0] += Double(Stopwatch.now() - start) / 1e9
            calls[name, default: 0] += 1
        }
        return try body()
    }

    public var total: Double { seconds.values.reduce(0, +) }
}
