#if arch(x86_64)
import Testing
import X86AVX512Kernels
import KernelCore
import QuantFormats

/// The vectorised f16 activation conversion writes exactly the scalar conversion's bytes (round to nearest, ties to
/// even), so the AVX-512 f16 kernels see the activations the scalar reference sees.
@Suite(.enabled(if: HostCPU.current.features.isSuperset(of: CPUFeature.avx512Target),
                "needs the AVX-512 target's features"))
struct AVX512HalfQuantizeTests {
    static func halves(_ quantize: QuantizeRow, _ values: [Float]) -> [UInt16] {
        var out = [UInt16](repeating: 0xFFFF, count: values.count)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBytes { quantize(source.baseAddress!, $0.baseAddress!, values.count) }
        }
        return out
    }

    /// 1031 values (64 vectors and a tail of 7) per case.
    @Test(arguments: ["gaussian", "tiny", "huge", "ties", "specials"])
    func matchesTheScalarConversion(_ name: String) {
        var rng = SplitMix64(seed: 41)
        let n = 1031
        let values: [Float]
        switch name {
        case "gaussian": values = rng.gaussians(n)
        // Around and below the smallest normal half (2^-14) and the smallest subnormal (2^-24).
        case "tiny": values = rng.gaussians(n).map { $0 * 0x1p-16 }
        // Past the largest half (65504): rounds to 65504 up to 65520, then to infinity.
        case "huge": values = rng.gaussians(n).map { $0 * 65000 }
        // Exactly halfway between two halves (1 + (2i + 1) * 2^-11): ties go to the even neighbour.
        case "ties":
            values = (0..<n).map { (i: Int) -> Float in
                let magnitude: Float = 1 + Float(2 * (i % 512) + 1) * 0x1p-11
                return i % 2 == 0 ? magnitude : -magnitude
            }
        default:
            let specials: [Float] = [0, -0.0, .infinity, -.infinity, 65504, 65520, 65519.996, -65520,
                                     .leastNonzeroMagnitude, 0x1p-24, 0x1p-25, 0x1.8p-25, .greatestFiniteMagnitude]
            values = (0..<n).map { specials[$0 % specials.count] }
        }
        let fast = Self.halves(AVX512Quantize.f16, values)
        let scalar = Self.halves(FormatTraits.f16.quantizeActivations, values)
        let first = zip(fast, scalar).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(first == nil, "\(name): value \(first.map { values[$0.offset] } ?? 0) -> \(first?.element.0 ?? 0), scalar \(first?.element.1 ?? 0)")
    }

    /// NaN stays NaN (payload bits may differ between the hardware and the library conversion).
    @Test func nanStaysNaN() {
        let values: [Float] = Array(repeating: .nan, count: 20) + [-.nan, .signalingNaN]
        let fast = Self.halves(AVX512Quantize.f16, values)
        #expect(fast.allSatisfy { $0 & 0x7C00 == 0x7C00 && $0 & 0x03FF != 0 }, "\(fast)")
    }
}
#endif
