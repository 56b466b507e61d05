#if arch(x86_64)
import KernelCore

/// A format's inner loop: the dot products of one weight row with C activation columns at once (C = 1...4), so
/// that each unpacked weight register serves C columns. Each column's operations are the same whatever C is, so a
/// column's result is bit-identical whether it was computed alone or beside others.
protocol RowDot {
    /// `activations[c]` is column c's data (an activation panel or the quantized column itself).
    func dot<let C: Int>(_ row: UnsafeRawPointer, _ activations: InlineArray<C, UnsafeRawPointer>) -> InlineArray<C, Float>
}

/// The `columns` parameter and the row/column loop every row kernel of this target shares.
enum RowColumns {
    static let values = [1, 2, 3, 4]
    static let defaultValue = 4
    static let parameter = TunableParameter(
        name: .columns, values: values, defaultValue: defaultValue,
        summary: "activation columns per pass over a weight row (N > 1): unpacked weights are reused this many times")

    /// y[c * M + r] = dot(row r, column c) for r in `rows`, c in 0..<n; column c's data at activations + c * stride.
    @inline(__always)
    static func forEachRow<D: RowDot>(_ kernel: D, rows: Range<Int>, n: Int, columns requested: Int, matrix: QuantizedMatrix,
                                      y: UnsafeMutablePointer<Float>, activations: UnsafeRawPointer, stride: Int) {
        let columns = max(1, min(requested, values.last!))
        let m = matrix.rows
        for r in rows {
            let w = matrix.row(r)
            var c = 0
            while c < n {
                let a = activations + c * stride, out = y + c * m + r
                switch min(columns, n - c) {
                case 1:
                    out[0] = kernel.dot(w, [a])[0]
                    c += 1
                case 2:
                    let v = kernel.dot(w, [a, a + stride])
                    out[0] = v[0]; out[m] = v[1]
                    c += 2
                case 3:
                    let v = kernel.dot(w, [a, a + stride, a + 2 * stride])
                    out[0] = v[0]; out[m] = v[1]; out[2 * m] = v[2]
                    c += 3
                default:
                    let v = kernel.dot(w, [a, a + stride, a + 2 * stride, a + 3 * stride])
                    out[0] = v[0]; out[m] = v[1]; out[2 * m] = v[2]; out[3 * m] = v[3]
                    c += 4
                }
            }
        }
    }
}
#endif
