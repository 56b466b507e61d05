#if arch(x86_64)
import Testing
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// The vectorised activation quantizers write exactly the scalar quantizers' bytes: the row and tiled AVX-512
/// kernels are only as exact as the integers these produce.
@Suite(.enabled(if: HostCPU.current.features.isSuperset(of: CPUFeature.avx512Target),
                "needs the AVX-512 target's features"))
struct AVX512QuantizeTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let values: [Float]
        var description: String { name }
    }

    static let formats: [(name: String, fast: QuantizeRow, scalar: QuantizeRow, type: GGMLType)] = [
        ("q8_0", AVX512Quantize.q8_0, FormatTraits.q8_0.quantizeActivations, .q8_0),
        ("q8_1", AVX512Quantize.q8_1, FormatTraits.q8_1.quantizeActivations, .q8_1),
        ("q8_K", AVX512Quantize.q8_K, FormatTraits.q8_K.quantizeActivations, .q8_K),
    ]

    /// Inputs of 1024 values (whole blocks of every format): random at several scales and the edges of rounding.
    static let cases: [Case] = {
        var rng = SplitMix64(seed: 29)
        let n = 1024
        var cases: [Case] = []
        for scale: Float in [1, 1e-3, 1e4, 1e-30, 1e30] {
            cases.append(Case(name: "gaussian x \(scale)", values: rng.gaussians(n).map { $0 * scale }))
        }
        cases.append(Case(name: "zeros", values: [Float](repeating: 0, count: n)))
        cases.append(Case(name: "negative zeros", values: [Float](repeating: -0.0, count: n)))
        // amax 127 makes q8_0's 127 / amax exactly 1 and max -127 makes q8_K's -127 / max exactly 1, so k + 0.5
        // lands exactly on a tie: the quantizers must round half to even.
        cases.append(Case(name: "ties, max +127", values: (0..<n).map { (i: Int) -> Float in
            i % 32 == 0 ? 127 : Float(i % 254) - 126.5 }))
        cases.append(Case(name: "ties, max -127", values: (0..<n).map { (i: Int) -> Float in
            i % 32 == 5 ? -127 : Float((i * 7) % 254) - 126.5 }))
        cases.append(Case(name: "negative max", values: rng.gaussians(n).enumerated().map { (i: Int, v: Float) -> Float in
            i % 32 == 9 ? -50 : v }))
        cases.append(Case(name: "equal magnitudes, first negative", values: (0..<n).map { (i: Int) -> Float in
            i % 16 == 3 ? -8 : (i % 16 == 7 ? 8 : Float(i % 5)) }))
        cases.append(Case(name: "equal magnitudes, first positive", values: (0..<n).map { (i: Int) -> Float in
            i % 16 == 3 ? 8 : (i % 16 == 7 ? -8 : Float(i % 5)) }))
        cases.append(Case(name: "constant", values: [Float](repeating: 0.37, count: n)))
        cases.append(Case(name: "huge", values: rng.gaussians(n).map { $0 * 1e38 }))
        cases.append(Case(name: "largest finite", values: (0..<n).map { (i: Int) -> Float in
            i % 3 == 0 ? .greatestFiniteMagnitude : -Float.greatestFiniteMagnitude / Float(i % 7 + 1) }))
        // Subnormal amax: 127 / amax overflows to infinity, zeros times infinity are NaN.
        cases.append(Case(name: "tiny", values: (0..<n).map { (i: Int) -> Float in i % 4 == 0 ? 0 : Float(i % 9) * 1e-41 - 4e-41 }))
        cases.append(Case(name: "smallest subnormal", values: (0..<n).map { (i: Int) -> Float in
            i % 2 == 0 ? Float.leastNonzeroMagnitude : 0 }))
        cases.append(Case(name: "one nonzero per block", values: (0..<n).map { (i: Int) -> Float in i % 32 == 17 ? -3 : 0 }))
        // Hostile: NaN and infinity (the scalar code defines an answer; the fast one must give the same).
        var hostile = rng.gaussians(n)
        for i in stride(from: 0, to: n, by: 37) { hostile[i] = .nan }
        for i in stride(from: 11, to: n, by: 101) { hostile[i] = .infinity }
        for i in stride(from: 50, to: n, by: 173) { hostile[i] = -.infinity }
        cases.append(Case(name: "NaN and infinity", values: hostile))
        cases.append(Case(name: "all NaN", values: [Float](repeating: .nan, count: n)))
        return cases
    }()

    static func bytes(_ quantize: QuantizeRow, _ type: GGMLType, _ values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0xa5, count: type.rowBytes(count: values.count)!)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBytes { quantize(x.baseAddress!, $0.baseAddress!, values.count) }
        }
        return out
    }

    @Test(arguments: cases)
    func matchesScalarQuantizers(_ input: Case) {
        for format in Self.formats {
            let fast = Self.bytes(format.fast, format.type, input.values)
            let scalar = Self.bytes(format.scalar, format.type, input.values)
            let first = fast.indices.first { fast[$0] != scalar[$0] }
            #expect(first == nil, "\(format.name) \(input.name): first differing byte \(first ?? -1) of \(fast.count)")
        }
    }

    /// One block and a row length that is not a multiple of 64 floats: no read or write beyond the row.
    @Test func shortRowsStayInBounds() {
        var rng = SplitMix64(seed: 31)
        for format in Self.formats {
            let blockSize = format.type.blockSize
            for blocks in [1, 3] {
                let values = rng.gaussians(blocks * blockSize)
                var out = [UInt8](repeating: 0xa5, count: format.type.rowBytes(count: values.count)! + 64)
                values.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBytes { format.fast(x.baseAddress!, $0.baseAddress!, values.count) }
                }
                let written = format.type.rowBytes(count: values.count)!
                #expect(Array(out[..<written]) == Self.bytes(format.scalar, format.type, values), "\(format.name) \(blocks) blocks")
                #expect(out[written...].allSatisfy { $0 == 0xa5 }, "\(format.name) wrote past the row")
            }
        }
    }
}
#endif
