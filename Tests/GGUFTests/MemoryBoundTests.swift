#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GGUF

/// The reader's memory is bounded by the file, not by what the file claims.
@Suite struct MemoryBoundTests {
    /// Peak resident memory of this process, in bytes (Linux reports KiB).
    static var peakResident: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    /// Files of a few hundred bytes whose counts claim arrays of 2^40-2^62 elements and a million tensors: each is
    /// refused, and parsing all of them a thousand times leaves the process's peak memory far below any claim.
    @Test func hostileCountsDoNotAllocate() {
        var hostile: [[UInt8]] = []
        for claim: UInt64 in [1 << 40, 1 << 50, 1 << 62] {
            var array = RawGGUF.header(tensors: 0, kvs: 1)
            array.str("tokens"); array.u32(9); array.u32(8); array.u64(claim)
            array.bytes += [UInt8](repeating: 0, count: 256)
            hostile.append(array.bytes)
            var numbers = RawGGUF.header(tensors: 0, kvs: 1)
            numbers.str("scores"); numbers.u32(9); numbers.u32(6); numbers.u64(claim)
            numbers.bytes += [UInt8](repeating: 0, count: 256)
            hostile.append(numbers.bytes)
        }
        var tensors = RawGGUF.header(tensors: 1 << 20, kvs: 0)
        tensors.bytes += [UInt8](repeating: 0, count: 512)
        hostile.append(tensors.bytes)
        let before = Self.peakResident
        for _ in 0..<1000 {
            for bytes in hostile { #expect(throws: GGUFError.self) { try GGUFFile(bytes: bytes) } }
        }
        // Honoring any of these claims would take at least a tebibyte. The bound leaves room for what other tests
        // running in parallel allocate and for AddressSanitizer's quarantine (about 120 MiB here under ASan).
        #expect(Self.peakResident - before < 512 << 20, "peak memory grew by \(Self.peakResident - before) bytes")
    }
}
