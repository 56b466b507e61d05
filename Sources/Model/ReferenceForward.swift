import Foundation
import KernelCore
import QuantFormats

/// The high-precision reference forward pass: weights dequantized from the file, every sum and product in f64, one
/// thread, no cache. It reads like the math, and the fast path is checked against it.
public struct ReferenceForward: Sendable {
    public let model: TransformerModel

    public init(model: TransformerModel) { self.model = model }

    /// Logits (vocab) at each position in `outputs` for the sequence `tokens`, evaluated from an empty context.
    /// `progress` is called with (layers done, layers).
    public func logits(tokens: [Int], outputs: [Int]? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws -> [[Float]] {
        let c = model.config, w = model.weights
        let n = tokens.count
        guard n > 0 else { throw ModelError("no tokens to evaluate") }
        guard n <= c.contextLength else { throw ModelError("\(n) tokens exceed the model's context of \(c.contextLength)") }
        for t in tokens where t < 0 || t >= c.vocabularySize {
            throw ModelError("token id \(t) is outside the vocabulary 0..<\(c.vocabularySize)")
        }
        let wanted = outputs ?? Array(0..<n)
        for p in wanted where p < 0 || p >= n { throw ModelError("output position \(p) is outside 0..<\(n)") }

        // x: the residual stream, (n, dim)
        var x = [Double](repeating: 0, count: n * c.dim)
        var row = [Float](repeating: 0, count: c.dim)
        for (t, token) in tokens.enumerated() {
            w.tokenEmbedding.dequantizedRow(token, into: &row)
            for i in 0..<c.dim { x[t * c.dim + i] = Double(row[i]) }
        }
        let rope = RotaryEmbedding(config: c)
        let angles = (0..<n).map { rope.angles(position: $0) }

        for (l, layer) in w.layers.enumerated() {
            // Attention: x += Wo · attention(rope(Wq · norm(x)), rope(Wk · norm(x)), Wv · norm(x))
            let xn = Self.rmsNorm(x, layer.attentionNorm, n: n, dim: c.dim, epsilon: c.rmsEpsilon)
            var q = Self.matmul(layer.query, xn, n: n, bias: layer.queryBias)   // (n, dim)
            var k = Self.matmul(layer.key, xn, n: n, bias: layer.keyBias)       // (n, kvDim)
            let v = Self.matmul(layer.value, xn, n: n, bias: layer.valueBias)   // (n, kvDim)
            q.withUnsafeMutableBufferPointer { q in
                k.withUnsafeMutableBufferPointer { k in
                    for t in 0..<n {
                        for h in 0..<c.heads { rope.rotate(q.baseAddress! + t * c.dim + h * c.headDim, angles[t]) }
                        for h in 0..<c.kvHeads { rope.rotate(k.baseAddress! + t * c.kvDim + h * c.headDim, angles[t]) }
                    }
                }
            }
            let attention = Self.causalAttention(q: q, k: k, v: v, n: n, config: c)
            Self.add(Self.matmul(layer.attentionOutput, attention, n: n), to: &x)

            // Feed-forward: x += Wdown · (silu(Wgate · norm(x)) * (Wup · norm(x)))
            let xf = Self.rmsNorm(x, layer.ffnNorm, n: n, dim: c.dim, epsilon: c.rmsEpsilon)
            var hidden = Self.matmul(layer.gate, xf, n: n)                     // (n, ffnDim)
            let up = Self.matmul(layer.up, xf, n: n)
            for i in hidden.indices { hidden[i] = hidden[i] / (1 + exp(-hidden[i])) * up[i] }
            Self.add(Self.matmul(layer.down, hidden, n: n), to: &x)
            progress(l + 1, c.layers)
        }

        // Logits = Wout · norm(x), only at the wanted positions.
        var selected = [Double](repeating: 0, count: wanted.count * c.dim)
        for (i, p) in wanted.enumerated() { for d in 0..<c.dim { selected[i * c.dim + d] = x[p * c.dim + d] } }
        let normed = Self.rmsNorm(selected, w.outputNorm, n: wanted.count, dim: c.dim, epsilon: c.rmsEpsilon)
        let logits = Self.matmul(w.output, normed, n: wanted.count)
        return (0..<wanted.count).map { i in logits[i * c.vocabularySize..<(i + 1) * c.vocabularySize].map(Float.init) }
    }

    /// x / sqrt(mean(x²) + ε) * weight, per position.
    static func rmsNorm(_ x: [Double], _ weight: [Float], n: Int, dim: Int, epsilon: Double) -> [Double] {
        var out = x
        for t in 0..<n {
            var sum = 0.0
            for i in 0..<dim { sum += x[t * dim + i] * x[t * dim + i] }
            let scale = 1 / (sum / Double(dim) + epsilon).squareRoot()
            for i in 0..<dim { out[t * dim + i] = x[t * dim + i] * scale * Double(weight[i]) }
        }
        return out
    }

    static func add(_ y: [Double], to x: inout [Double]) {
        for i in x.indices { x[i] += y[i] }
    }

    /// y = W x (+ bias) for n columns, in f64: each weight row is dequantized once, then dotted with every column.
    static func matmul(_ w: QuantizedMatrix, _ x: [Double], n: Int, bias: [Float]? = nil) -> [Double] {
        let k = w.columns, m = w.rows
        var y = [Double](repeating: 0, count: n * m)
        var rowF = [Float](repeating: 0, count: k)
        var rowD = [Double](repeating: 0, count: k)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for r in 0..<m {
                    w.dequantizedRow(r, into: &rowF)
                    for i in 0..<k { rowD[i] = Double(rowF[i]) }
                    let b = bias.map { Double($0[r]) } ?? 0
                    rowD.withUnsafeBufferPointer { wr in
                        for t in 0..<n { y[t * m + r] = dot(wr.baseAddress!, x.baseAddress! + t * k, k) + b }
                    }
                }
            }
        }
        return y
    }

    /// An f64 dot product in four independent lanes (the order differs from a serial sum by far less than the
    /// errors this reference exists to measure).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var acc = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        var sum = acc.sum()
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// Each query attends to the keys at its own and earlier positions; query heads share key/value heads in groups.
    static func causalAttention(q: [Double], k: [Double], v: [Double], n: Int, config c: ModelConfig) -> [Double] {
        var out = [Double](repeating: 0, count: n * c.dim)
        var scores = [Double](repeating: 0, count: n)
        let scale = 1 / Double(c.headDim).squareRoot()
        for t in 0..<n {
            for h in 0..<c.heads {
                let g = h / c.groupSize
                let qh = t * c.dim + h * c.headDim
                var maxScore = -Double.infinity
                for j in 0...t {
                    let kh = j * c.kvDim + g * c.headDim
                    var s = 0.0
                    for d in 0..<c.headDim { s += q[qh + d] * k[kh + d] }
                    scores[j] = s * scale
                    maxScore = max(maxScore, scores[j])
                }
                var total = 0.0
                for j in 0...t { scores[j] = exp(scores[j] - maxScore); total += scores[j] }
                for j in 0...t {
                    let p = scores[j] / total, vh = j * c.kvDim + g * c.headDim
                    for d in 0..<c.headDim { out[qh + d] += p * v[vh + d] }
                }
            }
        }
        return out
    }
}
