import Testing
import KernelCore
import KernelCatalog
import ReferenceKernels
import QuantFormats
import TestSupport

/// Every variant this CPU supports, on every format it handles, against the f64 exact reference.
@Suite struct VariantCorrectnessTests {
    static let variants = KernelCatalog.registry.supported().filter { $0.kind != .exact }.map(\.id)

    /// (M, K, N): decode and prefill, one block, odd row counts, N that is not a multiple of any tile.
    static func shapes(for type: GGMLType) -> [(Int, Int, Int)] {
        let b = max(type.blockSize, 32)
        return [(1, b, 1), (7, b, 3), (64, 4 * b, 1), (33, 2 * b, 5), (16, 8 * b, 17)]
    }

    @Test(arguments: variants)
    func matchesExactReference(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let traits = try #require(FormatTraits.of(variant.weightType))
        var rng = SplitMix64(seed: 7)
        for (m, k, n) in Self.shapes(for: variant.weightType) {
            let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
            let x = rng.gaussians(k * n)
            let y = try variant.multiply(w, x, n: n)
            let exact = ExactReference.multiply(w, x, n: n)
            #expect(y.allSatisfy { $0.isFinite }, "\(id) \(m)x\(k)x\(n): output has NaN/Inf or was not fully written")
            let measured = ErrorMetrics.nmse(y, exact)
            #expect(measured <= traits.tolerance.matmulNMSE, "\(id) \(m)x\(k)x\(n): NMSE \(measured) > \(traits.tolerance.matmulNMSE)")
            let again = try variant.multiply(w, x, n: n)
            #expect(again.map(\.bitPattern) == y.map(\.bitPattern), "\(id) \(m)x\(k)x\(n): two runs differ")
        }
    }

    /// Columns are independent: column j of an N-column product equals the 1-column product of column j.
    @Test(arguments: variants)
    func prefillColumnsEqualDecode(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        var rng = SplitMix64(seed: 11)
        let (m, k, n) = (9, 2 * max(variant.weightType.blockSize, 32), 4)
        let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
        let x = rng.gaussians(k * n)
        let batched = try variant.multiply(w, x, n: n)
        for j in 0..<n {
            let single = try variant.multiply(w, Array(x[j * k..<(j + 1) * k]), n: 1)
            #expect(single.map(\.bitPattern) == batched[j * m..<(j + 1) * m].map(\.bitPattern), "\(id) column \(j)")
        }
    }
}

/// The scalar references reproduce ggml's `vec_dot` on ggml's own inputs.
@Suite struct ReferenceAgainstGGMLTests {
    static let cases = Golden.dotCases.filter { GGMLType(name: $0.weights).flatMap(FormatTraits.of) != nil }

    @Test(arguments: cases)
    func referenceKernelReproducesGGML(_ golden: Golden.DotCase) throws {
        let type = try #require(GGMLType(name: golden.weights))
        let variant = try #require(KernelCatalog.registry.variants.first { $0.weightType == type && $0.kind == .reference })
        let bytes = Golden.bytes(golden.weights_quantized)
        let storage = bytes.withUnsafeBytes { AlignedBuffer(copying: $0) }
        let w = try QuantizedMatrix(type: type, rows: 1, columns: golden.n, bytes: storage.bytes, owner: storage)
        let x = Golden.floats(golden.activations_f32)
        let y = try variant.multiply(w, x, n: 1)
        let bound = golden.summationOrderBound
        #expect(abs(Double(y[0]) - golden.ggml_vec_dot) <= bound, "\(variant.id) n=\(golden.n): \(y[0]) vs ggml \(golden.ggml_vec_dot), bound \(bound)")
        let exact = ExactReference.multiply(w, x, n: 1)[0]
        #expect(abs(exact - golden.exact_f64_dequantized_times_f32) <= 1e-9 * max(1, abs(exact)), "exact reference n=\(golden.n)")
    }
}
