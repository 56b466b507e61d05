import Foundation
import Testing
@testable import GGUF
import QuantFormats

@Suite("GGUF writer → reader round trips")
struct RoundTripTests {
    /// One value of every scalar type, arrays of every element type (non-empty and empty), edge values.
    static let allValues: [(String, GGUFValue)] = [
        ("v.u8", .uint8(0xFE)),
        ("v.i8", .int8(-128)),
        ("v.u16", .uint16(0xBEEF)),
        ("v.i16", .int16(-12345)),
        ("v.u32", .uint32(.max)),
        ("v.i32", .int32(.min)),
        ("v.f32", .float32(-1.5e-7)),
        ("v.f32.nan", .float32(Float(bitPattern: 0x7FC0_1234))),
        ("v.f32.negzero", .float32(-0.0)),
        ("v.bool.true", .bool(true)),
        ("v.bool.false", .bool(false)),
        ("v.str", .string("héllo, wörld ✓ 🦙")),
        ("v.str.empty", .string("")),
        ("v.u64", .uint64(.max)),
        ("v.i64", .int64(.min)),
        ("v.f64", .float64(.pi)),
        ("v.f64.inf", .float64(-.infinity)),
        ("a.u8", .array(.uint8([0, 1, 255]))),
        ("a.i8", .array(.int8([-128, 0, 127]))),
        ("a.u16", .array(.uint16([0, 65535]))),
        ("a.i16", .array(.int16([-32768, 32767]))),
        ("a.u32", .array(.uint32([1, 2, .max]))),
        ("a.i32", .array(.int32([.min, -1, .max]))),
        ("a.f32", .array(.float32([0, -0.0, 1.25, .infinity, Float(bitPattern: 0x7F80_0001)]))),
        ("a.bool", .array(.bool([true, false, true]))),
        ("a.str", .array(.string(["", "a", "Ġt", "\u{0}inner nul", "日本語"]))),
        ("a.u64", .array(.uint64([0, .max]))),
        ("a.i64", .array(.int64([.min, .max]))),
        ("a.f64", .array(.float64([1e300, -2.5]))),
        ("e.u8", .array(.uint8([]))),
        ("e.i8", .array(.int8([]))),
        ("e.u16", .array(.uint16([]))),
        ("e.i16", .array(.int16([]))),
        ("e.u32", .array(.uint32([]))),
        ("e.i32", .array(.int32([]))),
        ("e.f32", .array(.float32([]))),
        ("e.bool", .array(.bool([]))),
        ("e.str", .array(.string([]))),
        ("e.u64", .array(.uint64([]))),
        ("e.i64", .array(.int64([]))),
        ("e.f64", .array(.float64([]))),
    ]

    @Test func everyValueTypeRoundTripsWithExactTypes() throws {
        var w = GGUFWriter()
        for (k, v) in Self.allValues { try w.setMetadata(k, v) }
        let bytes = w.serialized()
        let f = try GGUFFile(bytes: bytes)
        #expect(f.version == 3)
        #expect(f.tensors.isEmpty)
        #expect(f.metadata.count == Self.allValues.count)
        for ((k, v), entry) in zip(Self.allValues, f.metadata) {
            #expect(entry.key == k)
            #expect(entry.value == v, "\(k): \(entry.value) != \(v)")
            #expect(entry.value.type == v.type)
            if case .array(let a) = v { #expect(entry.value.arrayValue?.elementType == a.elementType) }
            #expect(f[k] == v)
        }
        // Every GGUF type id appears, and each entry's type id byte is what was asked for.
        let types = Set(f.metadata.map(\.value.type))
        #expect(types == Set(GGUFValueType.allCases))
        let elementTypes = Set(f.metadata.compactMap { $0.value.arrayValue?.elementType })
        #expect(elementTypes == Set(GGUFValueType.allCases.filter { $0 != .array }))
        // Writing what was read gives the same bytes.
        #expect(GGUFWriter(metadataFrom: f).serialized() == bytes)
    }

    @Test func headerLayoutMatchesGGUFv3() throws {
        var w = GGUFWriter()
        try w.setMetadata("k", .uint16(0x0102))
        try w.addTensor(name: "t", type: .f32, shape: [2], bytes: [1, 2, 3, 4, 5, 6, 7, 8])
        let b = w.serialized()
        var expected = RawGGUF.header(tensors: 1, kvs: 1)
        expected.str("k"); expected.u32(2); expected.bytes += [0x02, 0x01]
        expected.tensor("t", dims: [2], type: 0, offset: 0)
        expected.pad(32)
        expected.bytes += [1, 2, 3, 4, 5, 6, 7, 8]
        expected.pad(32)
        #expect(b == expected.bytes)
        #expect(b.count == w.fileSize)
        #expect(w.serializedHeader().count == 96)  // 24 header + 15 kv + 33 tensor info = 72, padded
    }

    static let tensorCases: [(String, GGMLType, [Int])] = [
        ("a.f32", .f32, [7, 3]),
        ("b.f16", .f16, [33]),
        ("c.q4_0", .q4_0, [64, 3]),
        ("d.q4_K", .q4_K, [512, 2]),
        ("e.q6_K", .q6_K, [256, 1, 3]),
        ("f.q8_0", .q8_0, [32, 2, 2, 2]),
        ("g.bf16", .bf16, [5, 1]),
        ("h.q4_1", .q4_1, [96]),
        ("i.i8", .i8, [3]),
        ("j.empty", .f32, [0, 4]),
        ("k.iq4_xs", .iq4_xs, [256]),
        ("l.mxfp4", .mxfp4, [64]),
    ]

    func checkTensorRoundTrip(alignment: Int) throws {
        var w = GGUFWriter()
        try w.setMetadata("general.architecture", .string("test"))
        try w.setAlignment(alignment)
        #expect(w.alignment == alignment)
        var datas: [String: [UInt8]] = [:]
        for (i, (name, type, shape)) in Self.tensorCases.enumerated() {
            let n = type.rowBytes(count: shape[0])! * shape.dropFirst().reduce(1, *)
            let data = patternBytes(n, seed: UInt64(i) + 100)
            datas[name] = data
            try w.addTensor(name: name, type: type, shape: shape, bytes: data)
        }
        let bytes = w.serialized()
        let f = try GGUFFile(bytes: bytes)
        #expect(f.alignment == alignment)
        #expect(f.contains("general.alignment") == (alignment != 32))
        #expect(f.dataOffset % alignment == 0)
        #expect(f.fileSize % alignment == 0, "llama.cpp pads after the last tensor too")
        #expect(f.tensors.count == Self.tensorCases.count)
        #expect(f.tensors == w.tensorInfos)
        var expectedOffset = 0
        for ((name, type, shape), t) in zip(Self.tensorCases, f.tensors) {
            #expect(t.name == name)
            #expect(t.type == type)
            #expect(t.shape == shape)
            #expect(t.offset % alignment == 0)
            #expect(t.offset == expectedOffset)
            #expect((f.dataOffset + t.offset) % alignment == 0)
            #expect(Array(f.bytes(of: t)) == datas[name])
            #expect(f.tensor(named: name) == t)
            expectedOffset += (t.byteCount + alignment - 1) / alignment * alignment
            // padding after each tensor is zero
            let padStart = f.dataOffset + t.offset + t.byteCount
            let padEnd = f.dataOffset + expectedOffset
            #expect(bytes[padStart..<padEnd].allSatisfy { $0 == 0 })
        }
        #expect(f.dataOffset + expectedOffset == f.fileSize)
        // header padding is zero
        #expect(bytes[w.serializedHeader().count - 1] == 0 || w.serializedHeader().count % alignment == 0)
        // And back again, byte for byte.
        #expect(try GGUFWriter(copying: f).serialized() == bytes)
    }

    @Test(arguments: [32, 1, 64, 4096])
    func tensorsRoundTripWithAlignment(_ alignment: Int) throws {
        try checkTensorRoundTrip(alignment: alignment)
    }

    @Test func nonDefaultAlignmentIsWrittenAsU32AndDefaultIsNot() throws {
        var w = GGUFWriter()
        try w.setAlignment(64)
        #expect(w.value("general.alignment") == .uint32(64))
        try w.setAlignment(32)
        #expect(w.value("general.alignment") == nil)
        #expect(w.metadata.isEmpty)
        // An explicit general.alignment = 32 read from a file is kept (exact round trip).
        try w.setMetadata("general.alignment", .uint32(32))
        let f = try GGUFFile(bytes: w.serialized())
        #expect(f.value("general.alignment") == .uint32(32))
        #expect(f.alignment == 32)
    }

    @Test func fileWithoutTensorsHasUnpaddedDataOffsetLikeLlamaCpp() throws {
        var w = GGUFWriter()
        try w.setMetadata("a", .uint8(1))
        let bytes = w.serialized()
        #expect(bytes.count % 32 == 0)
        let f = try GGUFFile(bytes: bytes)
        // 24 header + (8 + 1 + 4 + 1) kv = 38: gguf.cpp only seeks to the aligned position when there are tensors.
        #expect(f.dataOffset == 38)
        #expect(f.tensors.isEmpty)
    }

    @Test func version2ReadsLikeVersion3() throws {
        var bytes = try smallValidFile()
        bytes[4] = 2
        let f = try GGUFFile(bytes: bytes)
        #expect(f.version == 2)
        #expect(f.tensors.count == 3)
    }

    @Test func setMetadataReplacesInPlaceAndRemoveKeepsOrder() throws {
        var w = GGUFWriter()
        try w.setMetadata("a", .uint8(1))
        try w.setMetadata("b", .uint8(2))
        try w.setMetadata("c", .uint8(3))
        try w.setMetadata("a", .string("x"))
        #expect(w.metadata.map(\.key) == ["a", "b", "c"])
        #expect(w.value("a") == .string("x"))
        #expect(w.removeMetadata("b") == .uint8(2))
        #expect(w.removeMetadata("b") == nil)
        try w.setMetadata("d", .bool(false))
        #expect(w.metadata.map(\.key) == ["a", "c", "d"])
        #expect(w.value("c") == .uint8(3))
        let f = try GGUFFile(bytes: w.serialized())
        #expect(f.keys == ["a", "c", "d"])
    }

    @Test func writerRefusesInvalidInput() throws {
        var w = GGUFWriter()
        #expect { try w.setMetadata("", .uint8(0)) } throws: { ($0 as? GGUFError)?.kind == .invalidName }
        #expect { try w.setMetadata("general.alignment", .uint64(64)) } throws: { ($0 as? GGUFError)?.kind == .invalidAlignment }
        #expect { try w.setMetadata("general.alignment", .uint32(48)) } throws: { ($0 as? GGUFError)?.kind == .invalidAlignment }
        #expect { try w.setMetadata("general.alignment", .uint32(0)) } throws: { ($0 as? GGUFError)?.kind == .invalidAlignment }
        #expect { try w.setAlignment(3) } throws: { ($0 as? GGUFError)?.kind == .invalidAlignment }
        #expect { try w.setAlignment(0) } throws: { ($0 as? GGUFError)?.kind == .invalidAlignment }
        try w.addTensor(name: "t", type: .f32, shape: [2], bytes: [UInt8](repeating: 0, count: 8))
        #expect { try w.addTensor(name: "t", type: .f32, shape: [2], bytes: [UInt8](repeating: 0, count: 8)) }
            throws: { ($0 as? GGUFError)?.kind == .duplicateTensor }
        #expect { try w.addTensor(name: "u", type: .f32, shape: [2], bytes: [UInt8](repeating: 0, count: 7)) }
            throws: { ($0 as? GGUFError)?.kind == .invalidShape && "\($0)".contains("needs 8 bytes, got 7") }
        #expect { try w.addTensor(name: "u", type: .q4_0, shape: [16], bytes: []) }
            throws: { ($0 as? GGUFError)?.kind == .rowNotBlockMultiple }
        #expect { try w.addTensor(name: "u", type: .f32, shape: [], bytes: []) }
            throws: { ($0 as? GGUFError)?.kind == .invalidShape }
        #expect { try w.addTensor(name: "u", type: .f32, shape: [1, 1, 1, 1, 1], bytes: [0, 0, 0, 0]) }
            throws: { ($0 as? GGUFError)?.kind == .invalidShape }
        #expect { try w.addTensor(name: "u", type: .f32, shape: [-1], bytes: []) }
            throws: { ($0 as? GGUFError)?.kind == .invalidShape }
        #expect { try w.addTensor(name: "u", type: .f32, shape: [1 << 40, 1 << 40], bytes: []) }
            throws: { ($0 as? GGUFError)?.kind == .invalidShape }
        #expect { try w.addTensor(name: String(repeating: "n", count: 64), type: .f32, shape: [0], bytes: []) }
            throws: { ($0 as? GGUFError)?.kind == .tensorNameTooLong }
        // 63 bytes is fine.
        try w.addTensor(name: String(repeating: "n", count: 63), type: .f32, shape: [0], bytes: [])
        #expect(try GGUFFile(bytes: w.serialized()).tensors.count == 2)
    }

    @Test func writeToFileIsAtomicAndReadsBackMapped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("small.gguf").path
        let bytes = try smallValidFile()
        let source = try GGUFFile(bytes: bytes)
        try GGUFWriter(copying: source).write(to: path)
        // Overwrite in place works too.
        try GGUFWriter(copying: source).write(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["small.gguf"])
        let f = try GGUFFile(path: path)
        #expect(f.path == path)
        #expect(f.fileSize == bytes.count)
        #expect(Array(f.rawBytes) == bytes)
        for (a, b) in zip(f.tensors, source.tensors) {
            #expect(a == b)
            #expect(Array(f.bytes(of: a)) == Array(source.bytes(of: b)))
        }
    }

    @Test func copyingReferencesSourceTensorsAndChecksThem() throws {
        let source = try GGUFFile(bytes: try smallValidFile())
        var w = try GGUFWriter(copying: source)
        try w.setMetadata("general.name", .string("renamed"))
        #expect(w.tensors.map(\.byteCount) == source.tensors.map(\.byteCount))
        #expect(w.tensors[1].data == patternBytes(72, seed: 2))
        let f = try GGUFFile(bytes: w.serialized())
        #expect(try f.string("general.name") == "renamed")
        #expect(f.keys == source.keys)
        // A tensor info that is not the file's is refused.
        var other = GGUFWriter()
        let forged = GGUFTensorInfo(name: "norm.weight", type: .f32, shape: [500], offset: 0, byteCount: 2000)
        #expect { try other.addTensor(forged, from: source) } throws: { ($0 as? GGUFError)?.kind == .missingTensor }
    }

    @Test func tensorBytesOutliveLocalReferencesWhileFileLives() throws {
        let f = try GGUFFile(bytes: try smallValidFile())
        let t = try f.requireTensor("blk.0.attn_q.weight")
        let raw = try f.bytes(ofTensorNamed: "blk.0.attn_q.weight")
        #expect(raw.count == 72)
        #expect(Array(raw) == patternBytes(72, seed: 2))
        #expect(f.fileOffset(of: t) == f.dataOffset + t.offset)
        #expect(t.rowLength == 64 && t.rowCount == 2 && t.elementCount == 128)
    }
}
