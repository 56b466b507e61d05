import KernelCore
import QuantFormats

/// The scalar reference kernel of a weight format, as ggml's generic CPU path computes `y = W x`: each activation
/// column is quantized to the format's activation type (`from_float`), then every output is one integer block dot
/// product (`vec_dot`). Every fast variant of the format is tested against this one.
public enum ScalarReference {
    public static func variant(for traits: FormatTraits) -> KernelVariant {
        let activation = FormatTraits.of(traits.activationType!)!
        return KernelVariant(
            id: "\(traits.name)x\(activation.name).scalar.reference",
            weightType: traits.type, activationType: activation.type, kind: .reference,
            summary: "scalar \(traits.name) x \(activation.name) block dot products, one row at a time (ggml generic C)",
            run: { weights, x, n, y, _ in run(traits: traits, activation: activation, weights.matrix, x, n, y) })
    }

    static func run(traits: FormatTraits, activation: FormatTraits, _ w: QuantizedMatrix,
                    _ x: UnsafeBufferPointer<Float>, _ n: Int, _ y: UnsafeMutableBufferPointer<Float>) {
        let k = w.columns, m = w.rows
        let dot = traits.dot!
        let quantizedColumn = AlignedBuffer(count: activation.type.rowBytes(count: k)!)
        for column in 0..<n {
            activation.quantizeActivations(x.baseAddress! + column * k, quantizedColumn.base, k)
            for row in 0..<m {
                y[column * m + row] = dot(w.row(row), quantizedColumn.base, k)
            }
        }
    }
}
