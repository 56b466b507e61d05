#if arch(x86_64)
import Testing
import X86AVX2Kernels
import KernelCatalog
import KernelCore
import QuantFormats

/// The AVX2 activation quantizers write exactly the scalar `quantizeActivations` bytes, on seeded random data and on
/// the inputs where vector and scalar rounding could part: zeros, exact .5 ties, a negative or tied largest value,
/// huge, tiny and denormal magnitudes, and (hostile) infinities and NaN.
@Suite(.enabled(if: HostCPU.current.features.isSuperset(of: CPUFeature.avx2Target), "needs the AVX2 target's features"))
struct AVX2QuantizeTests {
    static let quantizers: [(name: String, fast: QuantizeRow, traits: FormatTraits)] = [
        ("q8_0", AVX2Quantize.q8_0, .q8_0),
        ("q8_1", AVX2Quantize.q8_1, .q8_1),
        ("q8_K", AVX2Quantize.q8_K, .q8_K),
    ]

    /// Quantizes `values` with both and compares the bytes.
    static func expectSameBytes(_ values: [Float], _ name: String, _ fast: QuantizeRow, _ traits: FormatTraits,
                                _ label: String) {
        let bytes = traits.type.rowBytes(count: values.count)!
        var expected = [UInt8](repeating: 0xAA, count: bytes), actual = [UInt8](repeating: 0x55, count: bytes)
        values.withUnsafeBufferPointer { x in
            expected.withUnsafeMutableBytes { traits.quantizeActivations(x.baseAddress!, $0.baseAddress!, values.count) }
            actual.withUnsafeMutableBytes { fast(x.baseAddress!, $0.baseAddress!, values.count) }
        }
        let firstDifference = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "\(name) \(label): first differing byte at \(firstDifference ?? -1)")
    }

    /// Whole blocks of `name`'s format built from a pattern of `count` values repeated or cut to fit.
    static func blocks(_ pattern: [Float], for traits: FormatTraits, blocks: Int = 2) -> [Float] {
        let count = traits.type.blockSize * blocks
        return (0..<count).map { pattern[$0 % pattern.count] }
    }

    @Test(arguments: [1, 2, 5, 16])
    func randomBlocksMatchScalar(_ blockCount: Int) {
        var rng = SplitMix64(seed: UInt64(41 + blockCount))
        for (name, fast, traits) in Self.quantizers {
            for scale: Float in [1, 1e-3, 250] {
                let values = rng.gaussians(traits.type.blockSize * blockCount).map { $0 * scale }
                Self.expectSameBytes(values, name, fast, traits, "\(blockCount) random blocks x \(scale)")
            }
        }
    }

    @Test func edgeInputsMatchScalar() {
        // Largest value 127 makes the multiplier exactly 1, so k + 0.5 are exact ties for rint / nearest_int.
        let ties: [Float] = [127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 126.5, -126.5, 64.5, -63.5]
        let cases: [(String, [Float])] = [
            ("zeros", [0]),
            ("negative zeros", [-0.0, 0]),
            ("ties", ties),
            ("negative ties", ties.map { -$0 }),
            ("negative max", [-9, 3, 8.99, -2, 0.25]),
            ("max magnitude tie, positive first", [5, -5, 1, -2]),
            ("max magnitude tie, negative first", [-5, 5, 1, -2]),
            ("one nonzero", [0, 0, 0, 0.75, 0, 0, 0]),
            ("huge", [3e38, -1e38, 2.5e37, 1]),
            ("tiny", [1e-30, -3e-31, 2e-32]),
            ("denormal", [1e-40, -7e-41, 3e-42, 0]),
            ("smallest normal", [Float.leastNormalMagnitude, -Float.leastNormalMagnitude / 2]),
            ("infinity", [.infinity, 1, -2]),
            ("negative infinity", [-.infinity, 1, 0]),
            ("NaN", [.nan, 1, -3, 0.5]),
        ]
        for (name, fast, traits) in Self.quantizers {
            for (label, pattern) in cases {
                Self.expectSameBytes(Self.blocks(pattern, for: traits), name, fast, traits, label)
            }
            // An edge block between ordinary ones: the fallback must not disturb its neighbours.
            var rng = SplitMix64(seed: 5)
            let size = traits.type.blockSize
            let mixed = rng.gaussians(size) + Self.blocks([1e-40, 0, -2e-41], for: traits, blocks: 1) + rng.gaussians(size)
            Self.expectSameBytes(mixed, name, fast, traits, "denormal block between random ones")
        }
    }
}

/// The AVX2 tiled q4_0 layout cuts K into slices and adds each slice's partial sums into y. The shared variant tests
/// use K of at most 8 blocks, one slice, so this suite covers several slices (a short last one included), row
/// counts that are not whole groups, column panels and every tile width, against the scalar reference.
@Suite(.enabled(if: HostCPU.current.features.isSuperset(of: CPUFeature.avx2Target), "needs the AVX2 target's features"))
struct AVX2TiledSliceTests {
    /// (M, K, N): K = 35 and 65 blocks give slices of 32, 3 and of 32, 32, 1 blocks at slice = 1024.
    static let shapes = [(5, 1120, 3), (37, 2080, 19), (1, 1056, 1)]

    @Test(arguments: ["q4_0xq8_0.avx2.tiled", "q4_0xq8_0.avx2.tiled-threaded"], [1, 2, 4])
    func slicedTilesMatchScalarReference(_ id: String, _ columns: Int) throws {
        let variant = try #require(KernelCatalog.registry.variant(id: id))
        let reference = try #require(KernelCatalog.registry.variant(id: "q4_0xq8_0.scalar.reference"))
        var parameters = KernelParameters([.slice: 1024, .columns: columns, .panel: 16])
        if id.hasSuffix("threaded") { parameters[.chunk] = 16 }
        var rng = SplitMix64(seed: 23)
        for (m, k, n) in Self.shapes {
            let w = try QuantizedMatrix.quantizing(rng.gaussians(m * k), rows: m, columns: k, as: .q4_0)
            let x = rng.gaussians(k * n)
            let fast = try variant.multiply(w, x, n: n, parameters: parameters), slow = try reference.multiply(w, x, n: n)
            #expect(fast.allSatisfy { $0.isFinite }, "\(id) \(m)x\(k)x\(n): output not fully written")
            #expect(ErrorMetrics.nmse(fast, slow) <= 1e-9, "\(id) \(m)x\(k)x\(n): NMSE \(ErrorMetrics.nmse(fast, slow))")
            let first = try variant.multiply(w, Array(x[0..<k]), n: 1, parameters: parameters)
            #expect(first.map(\.bitPattern) == fast[0..<m].map(\.bitPattern), "\(id) \(m)x\(k)x\(n): column 0 alone differs")
        }
    }
}
#endif
