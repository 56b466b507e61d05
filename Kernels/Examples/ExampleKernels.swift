import KernelCore
import QuantFormats

/// The worked example of the README's "Add a kernel variant in one file": q8_0 x q8_0 in plain Swift, one or two
/// weight rows per pass, so that each activation block loaded serves both rows. This one registration puts the
/// variant and its threaded form in `list`, `bench`, `check`, `tune` and (when tuning picks it) the model.
public enum ExampleKernels {
    public static var all: [KernelVariant] {
        KernelVariant.singleAndThreaded(
            .portable, .rows, weightType: .q8_0, tag: "example",
            parameters: [TunableParameter(name: .rows, values: [1, 2], defaultValue: 2, summary: "weight rows per pass")],
            summary: "q8_0 x q8_0, plain Swift: the worked example, one or two weight rows per activation block",
            kernel: RowKernel(activationType: .q8_0, quantizeColumn: Q8_0.quantizeActivations, computeRows: computeRows))
    }

    /// y[column * M + row] for the rows asked, from n activation columns quantized to q8_0.
    static let computeRows: RowKernel.ComputeRows = { weights, xq, n, y, rows, parameters in
        let w = weights.matrix
        let blocks = w.columns / Q8_0.blockSize
        let columnBytes = Q8_0.bytesPerBlock * blocks
        let pass = parameters[.rows] ?? 2
        for column in 0..<n {
            let x = xq + column * columnBytes
            var row = rows.lowerBound
            while row < rows.upperBound {
                if pass == 2 && row + 1 < rows.upperBound {
                    var sums = SIMD2<Float>()
                    for b in 0..<blocks {
                        let a = x + b * Q8_0.bytesPerBlock
                        let first = w.row(row) + b * Q8_0.bytesPerBlock, second = w.row(row + 1) + b * Q8_0.bytesPerBlock
                        sums += SIMD2(scale(a) * scale(first), scale(a) * scale(second))
                            * SIMD2(Float(codeDot(first, a)), Float(codeDot(second, a)))
                    }
                    y[column * w.rows + row] = sums.x
                    y[column * w.rows + row + 1] = sums.y
                    row += 2
                } else {
                    var sum: Float = 0
                    for b in 0..<blocks {
                        let a = x + b * Q8_0.bytesPerBlock, wb = w.row(row) + b * Q8_0.bytesPerBlock
                        sum += scale(a) * scale(wb) * Float(codeDot(wb, a))
                    }
                    y[column * w.rows + row] = sum
                    row += 1
                }
            }
        }
    }

    /// A q8_0 block's f16 scale `d`.
    @inline(__always)
    static func scale(_ block: UnsafeRawPointer) -> Float {
        Scalars.float(halfBits: block.loadUnaligned(fromByteOffset: Q8_0.scaleOffset, as: UInt16.self))
    }

    /// The exact integer dot product of two blocks' 32 codes (a sum of 32 int8 products fits 21 bits), as a plain
    /// loop that the compiler vectorises.
    @inline(__always)
    static func codeDot(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer) -> Int32 {
        var sum: Int32 = 0
        for j in Q8_0.quantsOffset..<Q8_0.quantsOffset + Q8_0.blockSize {
            sum &+= Int32(weights.load(fromByteOffset: j, as: Int8.self)) &* Int32(activations.load(fromByteOffset: j, as: Int8.self))
        }
        return sum
    }
}
