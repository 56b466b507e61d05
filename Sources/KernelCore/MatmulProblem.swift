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

    /// Compares `y` with the f64 exact product on up to 256 rows spread over M and 4 columns; returns the NMSE.
    /// (With 16 rows, a decode case's 16 outputs scattered the estimate by 2x and crossed q6_K's tolerance on shapes
    /// whose whole output was well inside it.) Rows repeat with period `distinctRows`, so the exact products are
    /// computed once per distinct row.
    public func sampledError(_ y: [Float]) -> Double {
        let m = weights.rows, k = weights.columns
        let sampled = min(m, 256)
        let rows = Array(Set((0..<sampled).map { $0 * (m - 1) / max(1, sampled - 1) })).sorted()
        let columns = Array(Set((0..<4).map { $0 * (n - 1) / 3 })).sorted()
        let distinct = min(m, Self.distinctRows)
        var exactByRow: [Int: [Double]] = [:]
        var row = [Float](repeating: 0, count: k)
        var ours: [Float] = [], exact: [Double] = []
        for r in rows {
            let d = r % distinct
            if exactByRow[d] == nil {
                row.withUnsafeMutableBufferPointer { weights.dequantizedRow(d, into: $0.baseAddress!) }
                exactByRow[d] = columns.map { c in
                    var sum = 0.0
                    for i in 0..<k { sum += Double(row[i]) * Double(x[c * k + i]) }
                    return sum
                }
            }
            for (j, c) in columns.enumerated() {
                exact.append(exactByRow[d]![j])
                ours.append(y[c * m + r])
            }
        }
        return ErrorMetrics.nmse(ours, exact)
    }
}
