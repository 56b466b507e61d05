import Testing
@testable import GGUF
import QuantFormats

/// Each malformed file must throw a `GGUFError` of the right kind whose description names the problem.
@Suite("GGUF reader refuses malformed files")
struct MalformedTests {
    typealias R = RawGGUF

    // MARK: Header

    @Test func badMagic() {
        var b = R.header(tensors: 0, kvs: 0).bytes
        b[0] = UInt8(ascii: "X")
        expectFailure(b, .badMagic, mentions: ["magic", "XGUF", "at byte 0"])
        expectFailure(Array("GGML\u{1}\0\0\0".utf8), .badMagic, mentions: ["GGML"])
    }

    @Test func emptyAndTinyFiles() {
        expectFailure([], .truncated, mentions: ["magic"])
        expectFailure(Array("GGU".utf8), .truncated)
        expectFailure(Array("GGUF".utf8), .truncated, mentions: ["version"])
    }

    static let badVersions: [(UInt32, String)] = [(0, "version 0"), (1, "version 1 is no longer supported"),
                                                  (4, "version 4"), (99, "version 99")]

    @Test(arguments: badVersions)
    func unsupportedVersions(_ version: UInt32, _ mention: String) {
        expectFailure(R.header(version: version, tensors: 0, kvs: 0).bytes, .unsupportedVersion, mentions: [mention])
    }

    @Test func byteSwappedVersionIsBigEndian() {
        let e = expectFailure(R.header(version: UInt32(3).byteSwapped, tensors: 0, kvs: 0).bytes, .bigEndian,
                              mentions: ["big-endian", "at byte 4"])
        #expect(e?.offset == 4)
        expectFailure(R.header(version: UInt32(2).byteSwapped, tensors: 0, kvs: 0).bytes, .bigEndian)
    }

    @Test(arguments: [UInt64(1) << 62, UInt64.max, UInt64(Int64.max), 1 << 20, 3])
    func absurdTensorCount(_ n: UInt64) {
        expectFailure(R.header(tensors: n, kvs: 0).bytes, .countTooLarge, mentions: ["tensor count", "at byte 8"])
    }

    @Test(arguments: [UInt64(1) << 62, UInt64.max, 1 << 40, 2])
    func absurdKVCount(_ n: UInt64) {
        expectFailure(R.header(tensors: 0, kvs: n).bytes, .countTooLarge, mentions: ["key-value", "at byte 16"])
    }

    @Test func countsThatFitAloneButNotTogether() {
        var r = R.header(tensors: 1, kvs: 1)
        r.bytes += [UInt8](repeating: 0, count: 40)  // 40 ≥ 32 (one tensor info) and ≥ 14 (one kv), < 46
        expectFailure(r.bytes, .countTooLarge)
    }

    // MARK: Strings and keys

    @Test(arguments: [UInt64(1) << 62, UInt64.max, UInt64(1) << 31, 1000])
    func absurdKeyLength(_ n: UInt64) {
        var r = R.header(tensors: 0, kvs: 1)
        r.u64(n)
        r.bytes += Array("abcdefghijklmnopqrst".utf8)
        expectFailure(r.bytes, .countTooLarge, mentions: ["key #0", "length \(n)", "at byte 24"])
    }

    @Test func absurdStringValueLength() {
        var r = R.header(tensors: 0, kvs: 1)
        r.str("k"); r.u32(8); r.u64(1 << 62)
        r.bytes += [UInt8](repeating: 65, count: 32)
        expectFailure(r.bytes, .countTooLarge, mentions: ["key 'k'", "string value"])
    }

    /// 1000 empty strings encode in 8 KB but would take 16 KB as Swift strings: refused, so no allocation is larger
    /// than the file.
    @Test func stringArrayLargerInMemoryThanTheFile() {
        var r = R.header(tensors: 0, kvs: 1)
        r.str("tokens"); r.u32(9); r.u32(8); r.u64(1000)
        for _ in 0..<1000 { r.str("") }
        expectFailure(r.bytes, .countTooLarge, mentions: ["key 'tokens'", "in memory"])
    }

    @Test func emptyKey() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("", type: 0, payload: [1])
        r.u8(0)  // a valid kv is at least 14 bytes; this one is 13, so pad past the count check
        expectFailure(r.bytes, .invalidName, mentions: ["empty"])
    }

    @Test func duplicateKey() {
        var r = R.header(tensors: 0, kvs: 2)
        r.kv("general.name", type: 0, payload: [1])
        r.kv("general.name", type: 4, payload: R.le32(7))
        let e = expectFailure(r.bytes, .duplicateKey, mentions: ["general.name", "duplicate"])
        #expect(e?.key == "general.name")
        #expect(e?.offset == 24 + 8 + 12 + 4 + 1)
    }

    @Test func invalidUTF8() {
        var r = R.header(tensors: 0, kvs: 1)
        r.str("k"); r.u32(8); r.rawStr([0x61, 0xC3, 0x28])
        expectFailure(r.bytes, .invalidValue, mentions: ["UTF-8", "key 'k'"])
        var r2 = R.header(tensors: 0, kvs: 1)
        r2.rawStr([0xFF, 0xFE]); r2.u32(0); r2.u8(0)
        expectFailure(r2.bytes, .invalidValue, mentions: ["UTF-8", "key #0"])
    }

    @Test func keyWithNul() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("a\u{0}b", type: 0, payload: [1])
        expectFailure(r.bytes, .invalidName, mentions: ["NUL"])
    }

    // MARK: Values

    @Test(arguments: [UInt32(13), 100, 0xFFFF_FFFF])
    func unknownValueType(_ id: UInt32) {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("my.key", type: id, payload: [0, 0, 0, 0, 0, 0, 0, 0])
        let e = expectFailure(r.bytes, .unknownValueType, mentions: ["my.key", "\(id)"])
        #expect(e?.key == "my.key")
    }

    @Test func unknownArrayElementType() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("arr.key", type: 9, payload: R.le32(13) + R.le64(1) + [0, 0, 0, 0])
        expectFailure(r.bytes, .unknownValueType, mentions: ["arr.key", "13"])
    }

    @Test func nestedArray() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("nested", type: 9, payload: R.le32(9) + R.le64(1) + R.le32(0) + R.le64(1) + [7])
        expectFailure(r.bytes, .nestedArray, mentions: ["nested", "array"])
    }

    static let absurdArrays: [(UInt32, UInt64)] = [(0, 1 << 62), (8, 1 << 62), (10, 1 << 62), (0, .max),
                                                   (0, (1 << 30) + 1), (0, 1 << 29), (8, 1 << 20), (6, 100)]

    @Test(arguments: absurdArrays)
    func absurdArrayLength(_ elementType: UInt32, _ n: UInt64) {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("tokenizer.ggml.tokens", type: 9, payload: R.le32(elementType) + R.le64(n) + [UInt8](repeating: 0, count: 64))
        expectFailure(r.bytes, .countTooLarge, mentions: ["tokenizer.ggml.tokens", "\(n)"])
    }

    @Test func boolMustBeZeroOrOne() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("flag", type: 7, payload: [2])
        expectFailure(r.bytes, .invalidValue, mentions: ["flag", "bool", "2"])
        var r2 = R.header(tensors: 0, kvs: 1)
        r2.kv("flags", type: 9, payload: R.le32(7) + R.le64(3) + [1, 0, 0xFF])
        expectFailure(r2.bytes, .invalidValue, mentions: ["flags", "element 2", "255"])
    }

    @Test func truncatedArrayPayload() {
        var r = R.header(tensors: 0, kvs: 1)
        r.kv("a", type: 9, payload: R.le32(8) + R.le64(2) + R.le64(1) + [65] + R.le64(5) + [66])
        expectFailure(r.bytes, .countTooLarge, mentions: ["element 1"])
    }

    // MARK: Alignment

    @Test(arguments: [UInt32(0), 3, 48, 0x8000_0001])
    func alignmentMustBeAPowerOfTwo(_ a: UInt32) {
        let b = R.file(kvs: [R.kvBytes("general.alignment", type: 4, payload: R.le32(a))],
                       tensors: [("t", [8], 0, 0)], dataBytes: 32)
        expectFailure(b, .invalidAlignment, mentions: ["general.alignment", "\(a)"])
    }

    @Test func alignmentMustBeU32() {
        let b = R.file(kvs: [R.kvBytes("general.alignment", type: 10, payload: R.le64(32))],
                       tensors: [], dataBytes: 0)
        expectFailure(b, .invalidAlignment, mentions: ["general.alignment", "u32", "u64"])
    }

    @Test func customAlignmentIsUsed() throws {
        let b = R.file(kvs: [R.kvBytes("general.alignment", type: 4, payload: R.le32(8))],
                       tensors: [("a", [1], 0, 0), ("b", [2], 0, 8)], alignment: 8, dataBytes: 16)
        let f = try GGUFFile(bytes: b)
        #expect(f.alignment == 8)
        #expect(f.dataOffset % 8 == 0)
        #expect(f.tensors.map(\.offset) == [0, 8])
    }

    // MARK: Tensor infos

    @Test func nDimsZeroAndFive() {
        expectFailure(R.file(tensors: [("t", [], 0, 0)], dataBytes: 32), .invalidShape, mentions: ["'t'", "0 dimensions"])
        expectFailure(R.file(tensors: [("t", [1, 1, 1, 1, 1], 0, 0)], dataBytes: 32), .invalidShape,
                      mentions: ["5 dimensions"])
        var r = R.header(tensors: 1, kvs: 0)
        r.str("t"); r.u32(.max); r.bytes += [UInt8](repeating: 0, count: 64)
        expectFailure(r.bytes, .invalidShape, mentions: ["4294967295 dimensions"])
    }

    @Test func negativeDimension() {
        expectFailure(R.file(tensors: [("t", [4, -1], 0, 0)], dataBytes: 32), .invalidShape,
                      mentions: ["'t'", "dimension 1", "-1"])
        expectFailure(R.file(tensors: [("t", [Int64.min], 0, 0)], dataBytes: 32), .invalidShape)
    }

    @Test func hugeDimensionsOverflow() {
        expectFailure(R.file(tensors: [("t", [1 << 32, 1 << 32, 1 << 32], 0, 0)], dataBytes: 32), .invalidShape,
                      mentions: ["overflow"])
        expectFailure(R.file(tensors: [("t", [Int64.max, 2], 0, 0)], dataBytes: 32), .invalidShape, mentions: ["overflow"])
        // Elements fit but bytes do not: 2^61 f32 elements are 2^63 bytes.
        expectFailure(R.file(tensors: [("t", [1 << 61], 0, 0)], dataBytes: 32), .invalidShape, mentions: ["byte count"])
        // Fits in Int64 but not in the file.
        expectFailure(R.file(tensors: [("t", [1 << 20, 1 << 20], 0, 0)], dataBytes: 32), .outOfBounds,
                      mentions: ["past the end"])
    }

    @Test func zeroDimensionsAreAllowedAsEmptyTensors() throws {
        let f = try GGUFFile(bytes: R.file(tensors: [("empty", [0, 5], 2, 0), ("next", [8], 0, 0)], dataBytes: 32))
        #expect(f.tensors.map(\.byteCount) == [0, 32])
        #expect(f.bytes(of: f.tensors[0]).count == 0)
    }

    @Test(arguments: [UInt32(4), 5, 31, 36, 40, 1000, .max])
    func unknownTensorType(_ id: UInt32) {
        let e = expectFailure(R.file(tensors: [("blk.0.attn_q.weight", [32], id, 0)], dataBytes: 128), .unknownTensorType,
                              mentions: ["blk.0.attn_q.weight", "type id \(id)"])
        #expect(e?.tensor == "blk.0.attn_q.weight")
    }

    @Test func rowNotAMultipleOfBlockSize() {
        expectFailure(R.file(tensors: [("q", [48, 2], GGMLType.q4_0.rawValue, 0)], dataBytes: 64), .rowNotBlockMultiple,
                      mentions: ["'q'", "48", "block size 32"])
        expectFailure(R.file(tensors: [("k", [128], GGMLType.q4_K.rawValue, 0)], dataBytes: 256), .rowNotBlockMultiple,
                      mentions: ["256"])
    }

    @Test func duplicateTensorName() {
        expectFailure(R.file(tensors: [("w", [8], 0, 0), ("w", [8], 0, 32)], dataBytes: 64), .duplicateTensor,
                      mentions: ["'w'", "duplicate"])
    }

    @Test func tensorNameTooLong() {
        let name = String(repeating: "x", count: 64)
        expectFailure(R.file(tensors: [(name, [8], 0, 0)], dataBytes: 32), .tensorNameTooLong, mentions: ["64 bytes"])
        // 63 is the longest ggml accepts.
        #expect(throws: Never.self) {
            try GGUFFile(bytes: R.file(tensors: [(String(name.dropLast()), [8], 0, 0)], dataBytes: 32))
        }
    }

    @Test func absurdTensorNameLength() {
        var r = R.header(tensors: 1, kvs: 0)
        r.u64(1 << 62)
        r.bytes += [UInt8](repeating: 0, count: 64)
        expectFailure(r.bytes, .countTooLarge, mentions: ["name of tensor #0"])
    }

    // MARK: Offsets and extents

    @Test func offsetNotAligned() {
        let e = expectFailure(R.file(tensors: [("a", [8], 0, 0), ("b", [8], 0, 33)], dataBytes: 128), .misalignedOffset,
                              mentions: ["'b'", "33", "alignment 32"])
        #expect(e?.offset != nil)
        expectFailure(R.file(tensors: [("a", [8], 0, 1)], dataBytes: 128), .misalignedOffset)
    }

    @Test func overlappingTensors() {
        expectFailure(R.file(tensors: [("a", [16], 0, 0), ("b", [8], 0, 32)], dataBytes: 128), .overlappingTensors,
                      mentions: ["'b'", "overlaps", "'a'"])
        expectFailure(R.file(tensors: [("a", [8], 0, 0), ("b", [8], 0, 0)], dataBytes: 128), .overlappingTensors)
        // Out of order: b before a in the data section.
        expectFailure(R.file(tensors: [("a", [8], 0, 32), ("b", [8], 0, 0)], dataBytes: 128), .unexpectedOffset)
    }

    @Test func gapBetweenTensorsIsRefusedLikeLlamaCpp() {
        expectFailure(R.file(tensors: [("a", [8], 0, 0), ("b", [8], 0, 64)], dataBytes: 128), .unexpectedOffset,
                      mentions: ["'b'", "expects offset 32", "gap"])
    }

    @Test func tensorPastEndOfFile() {
        let e = expectFailure(R.file(tensors: [("blk.0.attn_q.weight", [64], 0, 0)], dataBytes: 255), .outOfBounds,
                              mentions: ["blk.0.attn_q.weight", "runs past the end of the file", "data ["])
        #expect(e?.tensor == "blk.0.attn_q.weight")
        expectFailure(R.file(tensors: [("a", [8], 0, 1 << 62)], dataBytes: 32), .outOfBounds)
        expectFailure(R.file(tensors: [("a", [8], 0, UInt64.max & ~31)], dataBytes: 32), .outOfBounds)
        // Exactly at the end is fine, with no trailing padding required (the loader's rule).
        #expect(throws: Never.self) { try GGUFFile(bytes: R.file(tensors: [("a", [7], 0, 0)], dataBytes: 28)) }
    }

    @Test func dataSectionStartPastEndOfFile() {
        // A header that ends unaligned with nothing after it, though it has a (zero-byte) tensor.
        var r = R.header(tensors: 1, kvs: 0)
        r.tensor("z", dims: [0], type: 0, offset: 0)
        #expect(r.bytes.count % 32 != 0)
        expectFailure(r.bytes, .outOfBounds, mentions: ["data section"])
    }

    @Test func errorsNameTheFilePathWhenOpenedFromDisk() throws {
        let e = #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/dir/model.gguf") }
        #expect(e?.kind == .io)
        #expect(e?.description.contains("/nonexistent/dir/model.gguf") == true)
    }
}
