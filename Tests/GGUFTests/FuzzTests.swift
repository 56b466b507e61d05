import Testing
@testable import GGUF
import QuantFormats

/// Hostile bytes must produce a `GGUFError` or a valid file, never a crash, trap or hang.
@Suite("GGUF reader on hostile bytes")
struct FuzzTests {
    /// Parses; returns nil on success, the error on GGUFError; records an issue on any other error.
    func parse(_ bytes: [UInt8], _ context: @autoclosure () -> String) -> GGUFError? {
        do {
            let f = try GGUFFile(bytes: bytes)
            // A file that parses must be internally consistent.
            for t in f.tensors {
                #expect(f.dataOffset + t.offset + t.byteCount <= f.fileSize)
                #expect(t.offset % f.alignment == 0)
                _ = f.bytes(of: t)
            }
            return nil
        } catch let e as GGUFError {
            #expect(!e.description.isEmpty)
            return e
        } catch {
            Issue.record("\(context()): non-GGUF error \(error)")
            return nil
        }
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try smallValidFile()
        let full = try GGUFFile(bytes: bytes)
        #expect(full.dataOffset + full.tensors.last!.offset + full.tensors.last!.byteCount == bytes.count,
                "fixture must end exactly at its last tensor's data")
        var kinds: Set<GGUFError.Kind> = []
        for n in 0..<bytes.count {
            let prefix = Array(bytes[0..<n])
            guard let e = parse(prefix, "prefix \(n)") else {
                Issue.record("prefix of \(n) of \(bytes.count) bytes parsed")
                continue
            }
            kinds.insert(e.kind)
            #expect([.truncated, .countTooLarge, .outOfBounds].contains(e.kind), "prefix \(n): \(e)")
            if let at = e.offset { #expect(at <= n, "prefix \(n): error offset \(at) beyond the data: \(e)") }
        }
        #expect(kinds.contains(.truncated) && kinds.contains(.countTooLarge) && kinds.contains(.outOfBounds))
    }

    @Test func seededRandomMutations() throws {
        let bytes = try smallValidFile()
        let headerEnd = try GGUFFile(bytes: bytes).dataOffset
        var rng = SplitMix64(seed: 0x6767_7566)
        var parsed = 0, refused = 0
        var kinds: Set<GGUFError.Kind> = []
        for iteration in 0..<4000 {
            var m = bytes
            let flips = Int.random(in: 1...4, using: &rng)
            for _ in 0..<flips {
                // Mostly the header, where the structure is; sometimes anywhere.
                let limit = Int.random(in: 0..<4, using: &rng) == 0 ? m.count : headerEnd
                let i = Int.random(in: 0..<limit, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: m[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                case 1: m[i] = UInt8.random(in: 0...255, using: &rng)
                case 2: m[i] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
                default:  // a random 64-bit value over 8 bytes
                    let v = rng.next() >> UInt64.random(in: 0..<64, using: &rng)
                    for k in 0..<8 where i + k < m.count { m[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
                }
            }
            // and sometimes a truncation too
            if Int.random(in: 0..<8, using: &rng) == 0 { m.removeLast(Int.random(in: 0..<m.count, using: &rng)) }
            if let e = parse(m, "mutation \(iteration)") { refused += 1; kinds.insert(e.kind) } else { parsed += 1 }
        }
        #expect(refused > 1000)
        #expect(kinds.count >= 8, "mutations should reach many checks: \(kinds)")
    }

    @Test func randomGarbageAfterValidHeaderStart() {
        var rng = SplitMix64(seed: 42)
        for i in 0..<2000 {
            var r = RawGGUF.header(tensors: UInt64.random(in: 0...3, using: &rng), kvs: UInt64.random(in: 0...3, using: &rng))
            r.bytes += (0..<Int.random(in: 0...200, using: &rng)).map { _ in
                // small values are more interesting for type ids, lengths and dims
                Int.random(in: 0..<3, using: &rng) == 0 ? UInt8.random(in: 0...255, using: &rng) : UInt8.random(in: 0...12, using: &rng)
            }
            _ = parse(r.bytes, "garbage \(i)")
        }
    }
}
