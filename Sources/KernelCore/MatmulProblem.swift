import QuantFormats

/// One benchmark or tuning problem: weights W (M x K) in a format and N activation columns, built fast enough for big shapes:
/// a few distinct random rows are quantized with the reference quantizer and repeated to M rows (the memory
/// traffic and arithmetic are those of a real matrix of that size).
public struct MatmulProblem: @unchecked Sendable {
    public let weights: QuantizedMatrix
    public let x: [Float]
    public let n: Int

    static let distinctRows = 64

    public init(type: GGMLType, m: Int, k: Int, n: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let distinct = min(m, Self.distinctRows)
        let sample = try QuantizedMatrix.quantizing(rng.gaussians(distinct * k), rows: distinct, columns: k, as: type)
        let storage = AlignedBuffer(count: sample.rowBytes * m)
        for r in 0..<m {
            (storage.base + r * sample.rowBytes).copyMemory(from: sample.row(r % distinct), byteCount: sample.rowBytes)
        }
        weights = try QuantizedMatrix(type: type, rows: m, columns: k, bytes: storage.bytes, owner: storage)
        x = rng.gaussians(k * n)
        self.n = n
    }

    public var flops: Double { 2 * Double(weights.rows) * Double(weights.columns) * Double(n) }
    public var weightBytes: Int { weights.rows * weights.rowBytes }

    /// Compares `y` with the f64 exact product on a sample of up to 16 rows and 4 columns; returns the NMSE.
    public func sampledError(_ y: [Float]) -> Double {
        let m = weights.rows, k = weights.columns
        let rows = Array(Set((0..<16).map { $0 * (m - 1) / 15 })).sorted()
        let columns = Array(Set((0..<4).map { $0 * (n - 1) / 3 })).sorted()
        var row = [Float](repeating: 0, count: k)
        var ours: [Float] = [], exact: [Double] = []
        for r in rows {
            row.withUnsafeMutableBufferPointer { weights.dequantizedRow(r, into: $0.baseAddress!) }
            for c in columns {
                var sum = 0.0
                for i in 0..<k { sum += Double(row[i]) * Double(x[c * k + i]) }
                exact.append(sum)
                ours.append(y[c * m + r])
            }
        }
        return ErrorMetrics.nmse(ours, exact)
    }
}
