import KernelCore
import QuantFormats

/// The scalar reference kernel of a weight format, as ggml's generic CPU path computes `y = W x`: each activation
/// column is quantized to the format's activation type (`from_float`), then every output is one integer block dot
/// product (`vec_dot`). Every fast variant of the format is tested against this one.
public enum ScalarReference {
    public static func rowKernel(for traits: FormatTraits) -> RowKernel {
        let activation = FormatTraits.of(traits.activationType!)!
        let dot = traits.dot!
        return RowKernel(activationType: activation.type, quantizeColumn: activation.quantizeActivations) { weights, xq, n, y, rows, _ in
            let w = weights.matrix
            let columnBytes = activation.type.rowBytes(count: w.columns)!
            for column in 0..<n {
                for row in rows {
                    y[column * w.rows + row] = dot(w.row(row), xq + column * columnBytes, w.columns)
                }
            }
        }
    }

    public static func variant(for traits: FormatTraits) -> KernelVariant {
        let kernel = rowKernel(for: traits)
        return KernelVariant(
            .scalar, .reference, weightType: traits.type,
            summary: "scalar \(traits.name) x \(kernel.activationType.name) block dot products, one row at a time (ggml generic C)",
            kernel: kernel)
    }
}
