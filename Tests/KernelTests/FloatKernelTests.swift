import Testing
import KernelCore
import KernelCatalog
import ReferenceKernels
import QuantFormats
import TestSupport

/// The f32 and f16 kernels on what `VariantCorrectnessTests` does not reach: row lengths that are not multiples of
/// a vector (any K is a valid f32/f16 row), every tile shape and row segmentation, and the conversion of every half.
@Suite struct FloatKernelTests {
    static let variants = KernelCatalog.registry.supported()
        .filter { ($0.weightType == .f32 || $0.weightType == .f16) && $0.method != .exact }.map(\.id)

    /// Parameter sets that take every tile shape (rows x columns), parked row segments and no prefetch.
    static func parameterSets(_ variant: KernelVariant) -> [KernelParameters] {
        let names = Set(variant.parameters.map(\.name))
        var sets: [KernelParameters] = [.init()]
        if names.contains(.rows) && names.contains(.columns) {
            for rows in [1, 2, 4] {
                for columns in [1, 2, 4] { sets.append(.init([.rows: rows, .columns: columns])) }
            }
        }
        if names.contains(.decodeRows) {
            sets.append(.init([.decodeRows: 4]))
            sets.append(.init([.decodeRows: 2, .columns: 4]))
        }
        if names.contains(.depth) {
            sets.append(.init([.depth: 512, .columns: 2]))
            sets.append(.init([.depth: 512, .prefetch: 0, .rows: 2]))
        }
        if names.contains(.threads) { sets.append(.init([.threads: 2, .chunk: 16])) }
        return sets
    }

    @Test func theCatalogHasFastFloatVariants() {
        let ids = Set(KernelCatalog.registry.variants.map(\.id))
        for id in ["f32xf32.portable.rows", "f32xf32.portable.threaded", "f16xf16.portable.rows", "f16xf16.portable.threaded"] {
            #expect(ids.contains(id), "\(id) is not registered")
        }
        #if arch(x86_64)
        // Registered exactly where this CPU can enter the AVX-512 target; elsewhere withheld, never half there.
        let entersAVX512 = HostCPU.current.features.isSuperset(of: CPUFeature.avx512Target)
        for id in ["f32xf32.avx512.rows", "f32xf32.avx512.threaded", "f16xf16.avx512.rows", "f16xf16.avx512.threaded"] {
            #expect(ids.contains(id) == entersAVX512, "\(id): registered \(ids.contains(id)), CPU enters AVX-512 \(entersAVX512)")
        }
        #expect(KernelCatalog.withheld.contains { $0.target == "AVX512Kernels" } == !entersAVX512)
        #endif
    }

    /// Odd K (tails of 1 to 15 values, K shorter than one vector, K past a 512-value segment) against the f64 exact
    /// reference and the scalar reference, for every parameter set.
    @Test(arguments: variants)
    func oddRowLengthsMatchTheReferences(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let traits = try #require(FormatTraits.of(variant.weightType))
        let reference = try #require(KernelCatalog.registry.variants.first { $0.weightType == variant.weightType && $0.method == .reference })
        var rng = SplitMix64(seed: 23)
        for (m, k, n) in [(5, 1, 1), (7, 3, 6), (9, 15, 5), (6, 17, 9), (11, 100, 3), (5, 257, 7), (9, 1100, 6)] {
            let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
            let x = rng.gaussians(k * n)
            let exact = ExactReference.multiply(w, x, n: n)
            let slow = try reference.multiply(w, x, n: n)
            for parameters in Self.parameterSets(variant) {
                let label = "\(id) [\(parameters)] \(m)x\(k)x\(n)"
                let y = try variant.multiply(w, x, n: n, parameters: parameters)
                #expect(y.allSatisfy { $0.isFinite }, "\(label): output has NaN/Inf or was not fully written")
                let measured = ErrorMetrics.nmse(y, exact)
                #expect(measured <= traits.tolerance.matmulNMSE, "\(label): NMSE \(measured) > \(traits.tolerance.matmulNMSE)")
                let againstScalar = ErrorMetrics.nmse(y, slow)
                #expect(againstScalar <= 1e-9, "\(label): differs from \(reference.id), NMSE \(againstScalar)")
            }
        }
    }

    /// Each column of a product is bit-identical to the default decode of that column, whatever the parameters:
    /// decode itself (N = 1), a few columns in one pass (N = 3) and a prefill (N = 9) with every tile shape and
    /// segmentation (K = 1100: two parked 512-value segments and a tail).
    @Test(arguments: variants)
    func everyColumnEqualsItsDecodeForEveryTile(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        var rng = SplitMix64(seed: 31)
        let (m, k, n) = (7, 1100, 9)
        let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: variant.weightType)
        let x = rng.gaussians(k * n)
        let column = { (j: Int) in Array(x[j * k..<(j + 1) * k]) }
        let decoded = try (0..<n).map { j in try variant.multiply(w, column(j), n: 1).map(\.bitPattern) }
        for parameters in Self.parameterSets(variant) {
            let batched = try variant.multiply(w, x, n: n, parameters: parameters)
            let few = try variant.multiply(w, Array(x[0..<3 * k]), n: 3, parameters: parameters)
            for j in 0..<n {
                let label = "\(id) [\(parameters)] column \(j)"
                #expect(batched[j * m..<(j + 1) * m].map(\.bitPattern) == decoded[j], "\(label) of 9")
                if j < 3 { #expect(few[j * m..<(j + 1) * m].map(\.bitPattern) == decoded[j], "\(label) of 3") }
                let single = try variant.multiply(w, column(j), n: 1, parameters: parameters)
                #expect(single.map(\.bitPattern) == decoded[j], "\(label) alone")
            }
        }
    }

    /// Every finite half, as a 256 x 256 f16 matrix, multiplied by one-hot columns: each output is one weight
    /// converted, so the kernels' half-to-float conversion must be exact for all of them (subnormals included), in
    /// the decode path (one column) and the prefill path (all columns at once).
    @Test(arguments: variants.filter { $0.hasPrefix("f16") })
    func everyFiniteHalfConvertsExactly(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let side = 256
        let one = Scalars.halfBits(1)
        var bytes = [UInt8](repeating: 0, count: 2 * side * side)
        for pattern in 0..<side * side {
            // Infinities and NaNs (exponent all ones) would turn the zeros of a one-hot column into NaNs.
            let bits = UInt16(pattern) & 0x7C00 == 0x7C00 ? one : UInt16(pattern)
            bytes[2 * pattern] = UInt8(bits & 0xFF)
            bytes[2 * pattern + 1] = UInt8(bits >> 8)
        }
        let storage = bytes.withUnsafeBytes { AlignedBuffer(copying: $0) }
        let w = try QuantizedMatrix(type: .f16, rows: side, columns: side, bytes: storage.bytes, owner: storage)
        let expected = w.dequantized()   // row-major: expected[r * side + j] is weight (r, j)
        var identity = [Float](repeating: 0, count: side * side)
        for j in 0..<side { identity[j * side + j] = 1 }
        let all = try variant.multiply(w, identity, n: side)
        var mismatches = 0
        for j in 0..<side {
            let single = try variant.multiply(w, Array(identity[j * side..<(j + 1) * side]), n: 1)
            for r in 0..<side where single[r] != expected[r * side + j] || all[j * side + r] != expected[r * side + j] {
                mismatches += 1
            }
        }
        #expect(mismatches == 0, "\(id): \(mismatches) weights converted inexactly")
    }

    /// Infinite and NaN weights give what IEEE arithmetic gives (the exact reference's answer), not a finite number.
    @Test(arguments: variants)
    func nonFiniteWeightsPropagate(_ id: String) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let k = 37
        var values = [Float](repeating: 0.5, count: 4 * k)
        values[5] = .infinity                 // row 0
        values[k + 20] = -.infinity           // row 1
        values[2 * k + 36] = .nan             // row 2, in the tail
        let w = try QuantizedMatrix.quantizing(values, rows: 4, columns: k, as: variant.weightType)
        let x = [Float](repeating: 1, count: k)
        let y = try variant.multiply(w, x, n: 1)
        #expect(y[0] == .infinity && y[1] == -.infinity && y[2].isNaN, "\(id): \(y)")
        #expect(y[3] == Float(k) * 0.5, "\(id): finite row \(y[3])")
    }
}
