import Testing
import KernelCore
import KernelCatalog
import ReferenceKernels
import QuantFormats
import TestSupport

/// Every variant this CPU supports, on every format it handles, against the f64 exact reference.
@Suite struct VariantCorrectnessTests {
    static let variants = KernelCatalog.registry.supported().filter { $0.method != .exact }.map(\.id)

    /// (M, K, N): one block, M = 1, 3, 17, N = 1, 2, 3, 7, 33, rows that do not fill a tile, and a few blocks.
    static func shapes(for type: GGMLType) -> [(Int, Int, Int)] {
        let b = max(type.blockSize, 32)
        return [(1, b, 1), (3, b, 2), (17, 2 * b, 3), (8, b, 7), (33, 4 * b, 1), (16, 2 * b, 33), (67, 8 * b, 5)]
    }

    static func check(_ variant: KernelVariant, _ parameters: KernelParameters, _ shapes: [(Int, Int, Int)], seed: UInt64) throws {
        let traits = try #require(FormatTraits.of(variant.weightType))
        var rng = SplitMix64(seed: seed)
        for (m, k, n) in shapes {
            let label = "\(variant.id) [\(parameters)] \(m)x\(k)x\(n)"
            let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
            let x = rng.gaussians(k * n)
            let y = try variant.multiply(w, x, n: n, parameters: parameters)
            let exact = ExactReference.multiply(w, x, n: n)
            #expect(y.allSatisfy { $0.isFinite }, "\(label): output has NaN/Inf or was not fully written")
            let measured = ErrorMetrics.nmse(y, exact)
            #expect(measured <= traits.tolerance.matmulNMSE, "\(label): NMSE \(measured) > \(traits.tolerance.matmulNMSE)")
            let again = try variant.multiply(w, x, n: n, parameters: parameters)
            #expect(again.map(\.bitPattern) == y.map(\.bitPattern), "\(label): two runs differ")
        }
    }

    @Test(arguments: variants)
    func matchesExactReference(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        try Self.check(variant, .init(), Self.shapes(for: variant.weightType), seed: 7)
    }

    /// Every declared value of every tunable parameter, the others at their defaults.
    @Test(arguments: variants)
    func everyParameterValueIsCorrect(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let b = max(variant.weightType.blockSize, 32)
        for parameter in variant.parameters {
            for value in parameter.values {
                try Self.check(variant, KernelParameters([parameter.name: value]), [(37, 4 * b, 1), (19, 2 * b, 9)], seed: 13)
            }
        }
    }

    /// Scalar reference and fast variants agree closely (both quantize activations the same way).
    @Test(arguments: variants)
    func agreesWithItsScalarReference(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let reference = try #require(KernelCatalog.registry.variants.first { $0.weightType == variant.weightType && $0.method == .reference })
        var rng = SplitMix64(seed: 17)
        let (m, k, n) = (24, 4 * max(variant.weightType.blockSize, 32), 3)
        let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
        let x = rng.gaussians(k * n)
        let fast = try variant.multiply(w, x, n: n), slow = try reference.multiply(w, x, n: n)
        // Same integer block sums; only float rounding of the per-block scaling and its summation order differ.
        #expect(ErrorMetrics.nmse(fast, slow) <= 1e-9, "\(id) differs from \(reference.id): NMSE \(ErrorMetrics.nmse(fast, slow))")
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
        let variant = try #require(KernelCatalog.registry.variants.first { $0.weightType == type && $0.method == .reference })
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
