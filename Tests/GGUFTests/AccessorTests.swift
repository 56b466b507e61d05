import Testing
@testable import GGUF
import QuantFormats

@Suite("GGUF metadata accessors")
struct AccessorTests {
    func file() throws -> GGUFFile {
        var w = GGUFWriter()
        try w.setMetadata("general.architecture", .string("llama"))
        try w.setMetadata("llama.block_count", .uint32(30))
        try w.setMetadata("llama.context_length", .uint64(8192))
        try w.setMetadata("neg", .int32(-3))
        try w.setMetadata("big", .uint64(.max))
        try w.setMetadata("eps", .float32(1e-5))
        try w.setMetadata("theta", .float64(10000))
        try w.setMetadata("flag", .bool(true))
        try w.setMetadata("tokens", .array(.string(["a", "b"])))
        try w.setMetadata("scores", .array(.float32([0.5, -1])))
        try w.setMetadata("types", .array(.int32([1, 3])))
        try w.setMetadata("heads_kv", .array(.uint32([3, 3, 1])))
        try w.setMetadata("u8s", .array(.uint8([9])))
        return try GGUFFile(bytes: w.serialized())
    }

    @Test func exactAndConvertingAccessors() throws {
        let f = try file()
        #expect(f.architecture == "llama")
        #expect(try f.string("general.architecture") == "llama")
        #expect(try f.uint32("llama.block_count") == 30)
        #expect(try f.int("llama.block_count") == 30)
        #expect(try f.int("llama.context_length") == 8192)
        #expect(try f.uint64("llama.context_length") == 8192)
        #expect(try f.int("neg") == -3)
        #expect(try f.int32("neg") == -3)
        #expect(try f.float32("eps") == 1e-5)
        #expect(try f.float("eps") == 1e-5)
        #expect(try f.float("theta") == 10000)
        #expect(try f.double("theta") == 10000)
        #expect(try f.float64("theta") == 10000)
        #expect(try f.bool("flag"))
        #expect(try f.stringArray("tokens") == ["a", "b"])
        #expect(try f.float32Array("scores") == [0.5, -1])
        #expect(try f.floatArray("scores") == [0.5, -1])
        #expect(try f.int32Array("types") == [1, 3])
        #expect(try f.intArray("types") == [1, 3])
        #expect(try f.uint32Array("heads_kv") == [3, 3, 1])
        #expect(try f.uint8Array("u8s") == [9])
        #expect(try f.array("tokens").count == 2)
        #expect(try f.perLayerInts("heads_kv", count: 3) == [3, 3, 1])
        #expect(try f.perLayerInts("llama.block_count", count: 2) == [30, 30])
        #expect(try f.int("missing", default: 7) == 7)
        #expect(try f.float("missing", default: 0.5) == 0.5)
        #expect(try f.string("missing", default: "x") == "x")
        #expect(try f.bool("missing", default: false) == false)
        #expect(try f.int("neg", default: 7) == -3)
        #expect(f["missing"] == nil)
        #expect(f.contains("eps"))
    }

    @Test func missingKeyErrorNamesTheKey() throws {
        let f = try file()
        let e = #expect(throws: GGUFError.self) { try f.uint32("llama.embedding_length") }
        #expect(e?.kind == .missingKey)
        #expect(e?.description.contains("'llama.embedding_length'") == true)
        #expect(e?.description.contains("missing") == true)
    }

    @Test func wrongTypeErrorNamesKeyAndTypes() throws {
        let f = try file()
        let e = #expect(throws: GGUFError.self) { try f.uint32("llama.context_length") }
        #expect(e?.kind == .typeMismatch)
        #expect(e?.description.contains("'llama.context_length'") == true)
        #expect(e?.description.contains("u64") == true)
        #expect(e?.description.contains("u32") == true)
        #expect(e?.offset != nil)
        #expect(throws: GGUFError.self) { try f.int("big") }  // does not fit in Int
        #expect(throws: GGUFError.self) { try f.int("eps") }
        #expect(throws: GGUFError.self) { try f.float("neg") }
        #expect(throws: GGUFError.self) { try f.string("flag") }
        #expect(throws: GGUFError.self) { try f.int("eps", default: 1) }
        let a = #expect(throws: GGUFError.self) { try f.stringArray("types") }
        #expect(a?.description.contains("arr[i32]") == true)
        #expect(throws: GGUFError.self) { try f.perLayerInts("heads_kv", count: 4) }
        #expect(throws: GGUFError.self) { try f.perLayerInts("tokens", count: 2) }
        let t = #expect(throws: GGUFError.self) { try f.requireTensor("nope.weight") }
        #expect(t?.kind == .missingTensor)
        #expect(t?.description.contains("'nope.weight'") == true)
    }

    @Test func valueEqualityIsBitwise() {
        #expect(GGUFValue.float32(.nan) == .float32(.nan))
        #expect(GGUFValue.float32(0) != .float32(-0.0))
        #expect(GGUFValue.uint32(1) != .int32(1))
        #expect(GGUFValue.string("é") != .string("e\u{301}"))  // same characters, different bytes
        #expect(GGUFValue.array(.float64([.nan])) == .array(.float64([.nan])))
        #expect(GGUFValue.array(.uint8([])) != .array(.int8([])))
    }

    @Test func errorDescriptionFormat() {
        let e = GGUFError(.outOfBounds, "data [10, 20) runs past the end of the file (size 15)",
                          tensor: "blk.0.attn_q.weight", offset: 1234)
        #expect(e.description == "GGUF: tensor 'blk.0.attn_q.weight' at byte 1234: data [10, 20) runs past the end of the file (size 15)")
        #expect(GGUFError(.badMagic, "x").description == "GGUF: x")
    }
}
