import KernelCore
import QuantFormats

/// The answer every kernel is judged against: W dequantized to floats, multiplied with the unquantized f32
/// activations in double precision. Its error against the true product is only the weights' quantization error.
public enum ExactReference {
    /// y = dequant(W) x in f64, n columns of W.rows values.
    public static func multiply(_ w: QuantizedMatrix, _ x: UnsafeBufferPointer<Float>, n: Int) -> [Double] {
        let k = w.columns, m = w.rows
        precondition(x.count == k * n, "x must hold N columns of K values")
        var y = [Double](repeating: 0, count: m * n)
        var row = [Float](repeating: 0, count: k)
        row.withUnsafeMutableBufferPointer { rowBuffer in
            for r in 0..<m {
                w.dequantizedRow(r, into: rowBuffer.baseAddress!)
                for column in 0..<n {
                    let xs = x.baseAddress! + column * k
                    var sum = 0.0
                    for i in 0..<k { sum += Double(rowBuffer[i]) * Double(xs[i]) }
                    y[column * m + r] = sum
                }
            }
        }
        return y
    }

    public static func multiply(_ w: QuantizedMatrix, _ x: [Float], n: Int) -> [Double] {
        x.withUnsafeBufferPointer { multiply(w, $0, n: n) }
    }

    /// The exact reference as a registry entry (output rounded to f32), so commands can name it like any variant.
    public static func variant(for traits: FormatTraits) -> KernelVariant {
        KernelVariant(
            VariantIdentity(weightType: traits.type, activationType: .f32, instructionSet: .f64, method: .exact),
            summary: "dequantize \(traits.name) and multiply in f64: the error-free reference",
            run: { weights, x, n, y, _, _ in
                for (i, value) in multiply(weights.matrix, x, n: n).enumerated() { y[i] = Float(value) }
            })
    }
}
