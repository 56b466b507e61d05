/// The machine-limit probes in portable Swift SIMD, for CPUs without AVX-512 (they understate what wider
/// instruction sets reach, and the reports say which probe was used).
public enum PortableProbes {
    /// Reads `bytes` (a multiple of 256) from `base` with 16-byte vector loads; returns a checksum.
    public static func read(_ base: UnsafeRawPointer, bytes: Int) -> UInt64 {
        var a0 = SIMD2<UInt64>(), a1 = a0, a2 = a0, a3 = a0
        var offset = 0
        while offset < bytes {
            for step in stride(from: 0, to: 256, by: 64) {
                a0 &+= base.load(fromByteOffset: offset + step, as: SIMD2<UInt64>.self)
                a1 &+= base.load(fromByteOffset: offset + step + 16, as: SIMD2<UInt64>.self)
                a2 &+= base.load(fromByteOffset: offset + step + 32, as: SIMD2<UInt64>.self)
                a3 &+= base.load(fromByteOffset: offset + step + 48, as: SIMD2<UInt64>.self)
            }
            offset += 256
        }
        return (a0 &+ a1 &+ a2 &+ a3).wrappedSum()
    }

    /// Int8 products accumulated into int32 lanes, eight independent chains of 16 products; returns a checksum.
    /// Operations counted: iterations * 8 * 16 * 2.
    public static func int8DotProducts(iterations: Int, seed: Int32) -> Int32 {
        let a = SIMD16<Int16>(repeating: Int16(truncatingIfNeeded: seed | 3))
        let b = SIMD16<Int16>(repeating: Int16(truncatingIfNeeded: seed &* 7 | 5))
        var c = [SIMD16<Int32>](repeating: .zero, count: 8)
        for _ in 0..<iterations {
            for j in 0..<8 { c[j] &+= SIMD16<Int32>(truncatingIfNeeded: a &* b) }
        }
        return c.reduce(SIMD16<Int32>.zero, &+).wrappedSum()
    }

    public static let int8OperationsPerIteration = 8 * 16 * 2
}
