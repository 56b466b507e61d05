import Testing
@testable import GGUF
import QuantFormats

/// Builds GGUF bytes field by field, independent of `GGUFWriter`, so tests can write files the writer would refuse.
struct RawGGUF {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func str(_ s: String) { u64(UInt64(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    mutating func rawStr(_ b: [UInt8]) { u64(UInt64(b.count)); bytes.append(contentsOf: b) }
    mutating func pad(_ alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

    /// Magic, version, tensor count, kv count.
    static func header(magic: [UInt8] = Array("GGUF".utf8), version: UInt32 = 3, tensors: UInt64, kvs: UInt64) -> RawGGUF {
        var r = RawGGUF()
        r.bytes.append(contentsOf: magic)
        r.u32(version)
        r.u64(tensors)
        r.u64(kvs)
        return r
    }

    /// A metadata entry whose value is given as type id and payload bytes.
    mutating func kv(_ key: String, type: UInt32, payload: [UInt8]) {
        str(key)
        u32(type)
        bytes.append(contentsOf: payload)
    }

    mutating func kvU32(_ key: String, _ v: UInt32) {
        kv(key, type: 4, payload: withUnsafeBytes(of: v.littleEndian) { Array($0) })
    }

    /// A tensor info; n_dims is `dims.count`.
    mutating func tensor(_ name: String, dims: [Int64], type: UInt32, offset: UInt64) {
        str(name)
        u32(UInt32(dims.count))
        for d in dims { i64(d) }
        u32(type)
        u64(offset)
    }

    /// A file with the given kvs (each pre-encoded with `kvBytes`) and tensor infos, padded to `alignment`, then
    /// `dataBytes` bytes of data.
    static func file(kvs: [[UInt8]] = [], tensors: [(name: String, dims: [Int64], type: UInt32, offset: UInt64)],
                     alignment: Int = 32, dataBytes: Int) -> [UInt8] {
        var r = header(tensors: UInt64(tensors.count), kvs: UInt64(kvs.count))
        for k in kvs { r.bytes.append(contentsOf: k) }
        for t in tensors { r.tensor(t.name, dims: t.dims, type: t.type, offset: t.offset) }
        r.pad(alignment)
        r.bytes.append(contentsOf: (0..<dataBytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
        return r.bytes
    }

    /// One encoded metadata entry.
    static func kvBytes(_ key: String, type: UInt32, payload: [UInt8]) -> [UInt8] {
        var r = RawGGUF()
        r.kv(key, type: type, payload: payload)
        return r.bytes
    }

    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

/// Parses `bytes`, requires a `GGUFError` of `kind` whose description is non-empty and mentions every string in
/// `mentions`; returns it.
@discardableResult
func expectFailure(_ bytes: [UInt8], _ kind: GGUFError.Kind, mentions: [String] = [],
                   sourceLocation: SourceLocation = #_sourceLocation) -> GGUFError? {
    do {
        let f = try GGUFFile(bytes: bytes)
        Issue.record("parsed without error (\(f.tensors.count) tensors), expected \(kind)", sourceLocation: sourceLocation)
        return nil
    } catch let e as GGUFError {
        #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
        #expect(!e.description.isEmpty, sourceLocation: sourceLocation)
        #expect(e.description.hasPrefix("GGUF"), sourceLocation: sourceLocation)
        for m in mentions {
            #expect(e.description.contains(m), "'\(e.description)' does not mention '\(m)'", sourceLocation: sourceLocation)
        }
        return e
    } catch {
        Issue.record("threw \(type(of: error)) instead of GGUFError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Deterministic bytes for tensor data.
func patternBytes(_ n: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// A small seeded PRNG (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A small valid file: a few metadata entries of several types and three tensors (f32, q4_0, f16). The last tensor's
/// size is a multiple of 32, so the file has no trailing padding and every strict prefix is invalid.
func smallValidFile() throws -> [UInt8] {
    var w = GGUFWriter()
    try w.setMetadata("general.architecture", .string("llama"))
    try w.setMetadata("general.name", .string("tiny"))
    try w.setMetadata("llama.block_count", .uint32(2))
    try w.setMetadata("llama.rope.freq_base", .float32(10000))
    try w.setMetadata("tokenizer.ggml.add_bos_token", .bool(true))
    try w.setMetadata("tokenizer.ggml.tokens", .array(.string(["<s>", "</s>", "a", ""])))
    try w.setMetadata("tokenizer.ggml.token_type", .array(.int32([3, 3, 1, 1])))
    try w.setMetadata("x.i64", .int64(-5))
    try w.addTensor(name: "norm.weight", type: .f32, shape: [5], bytes: patternBytes(20, seed: 1))
    try w.addTensor(name: "blk.0.attn_q.weight", type: .q4_0, shape: [64, 2], bytes: patternBytes(72, seed: 2))
    try w.addTensor(name: "last.weight", type: .f16, shape: [16, 2], bytes: patternBytes(64, seed: 3))
    return w.serialized()
}
