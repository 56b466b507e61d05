import Foundation
import Testing
@testable import GGUF
import QuantFormats
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("GGUF on SmolLM2-135M-Instruct Q4_1", .enabled(if: RealModels.smolLM2Path != nil))
struct RealModelTests {
    let path = RealModels.smolLM2Path ?? ""

    @Test func headerAndLoaderMetadata() throws {
        let f = try GGUFFile(path: path)
        #expect(f.version == 3)
        #expect(f.tensors.count == 272)
        #expect(f.metadata.count == 33)
        #expect(f.architecture == "llama")
        #expect(f.alignment == 32)
        #expect(f.dataOffset % 32 == 0)
        #expect(try f.uint32("llama.embedding_length") == 576)
        #expect(try f.uint32("llama.block_count") == 30)
        #expect(try f.uint32("llama.context_length") == 8192)
        #expect(try f.uint32("llama.feed_forward_length") == 1536)
        #expect(try f.uint32("llama.attention.head_count") == 9)
        #expect(try f.uint32("llama.attention.head_count_kv") == 3)
        #expect(try f.uint32("llama.rope.dimension_count") == 64)
        #expect(try f.uint32("llama.vocab_size") == 49152)
        #expect(try f.float32("llama.rope.freq_base") == 100_000)
        #expect(try f.float32("llama.attention.layer_norm_rms_epsilon") == 1e-5)
        #expect(try f.uint32("general.file_type") == 3)  // MOSTLY_Q4_1
        #expect(try f.uint32("general.quantization_version") == 2)
        #expect(try f.string("tokenizer.ggml.model") == "gpt2")
        #expect(try f.string("tokenizer.ggml.pre") == "smollm")
        let tokens = try f.stringArray("tokenizer.ggml.tokens")
        #expect(tokens.count == 49152)
        #expect(Array(tokens.prefix(3)) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        #expect(try f.int32Array("tokenizer.ggml.token_type").count == 49152)
        #expect(try f.stringArray("tokenizer.ggml.merges").count == 48900)
        #expect(try f.uint32("tokenizer.ggml.bos_token_id") == 1)
        #expect(try f.uint32("tokenizer.ggml.eos_token_id") == 2)
        #expect(try f.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(try f.string("tokenizer.chat_template").contains("<|im_start|>"))
    }

    @Test func tensorsLieInsideTheFile() throws {
        let f = try GGUFFile(path: path)
        var byType: [GGMLType: Int] = [:]
        var expected = 0
        for t in f.tensors {
            byType[t.type, default: 0] += 1
            #expect(t.offset == expected)
            #expect(t.offset % f.alignment == 0)
            #expect(f.dataOffset + t.offset + t.byteCount <= f.fileSize)
            #expect(f.bytes(of: t).count == t.byteCount)
            expected = t.offset + (t.byteCount + 31) / 32 * 32
        }
        #expect(byType == [.q4_1: 210, .f32: 61, .q8_0: 1])
        let embd = try f.requireTensor("token_embd.weight")
        #expect(embd.type == .q8_0 && embd.shape == [576, 49152])
        #expect(try f.requireTensor("output_norm.weight").shape == [576])
        #expect(try f.requireTensor("blk.0.ffn_down.weight").shape == [1536, 576])
        #expect(try f.requireTensor("blk.29.attn_k.weight").shape == [576, 192])
        for i in 0..<30 {
            for n in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"] {
                #expect(f.tensor(named: "blk.\(i).\(n).weight") != nil)
            }
        }
        let last = f.tensors.last!
        #expect(f.dataOffset + last.offset + last.byteCount == f.fileSize)
    }

    @Test func writeReadRoundTripIsIdentical() throws {
        let original = try GGUFFile(path: path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("copy.gguf").path
        try GGUFWriter(copying: original).write(to: out)
        let copy = try GGUFFile(path: out)

        #expect(copy.version == 3)
        #expect(copy.metadata.count == original.metadata.count)
        for (a, b) in zip(copy.metadata, original.metadata) {
            #expect(a.key == b.key)
            #expect(a.value == b.value, "\(a.key)")
        }
        #expect(copy.tensors == original.tensors)
        for (a, b) in zip(copy.tensors, original.tensors) {
            let x = copy.bytes(of: a), y = original.bytes(of: b)
            #expect(x.count == y.count && memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0, "\(a.name)")
        }
        // Our writer lays the file out as gguf-py/llama.cpp did: the copy is byte-identical.
        #expect(copy.fileSize == original.fileSize)
        #expect(memcmp(copy.rawBytes.baseAddress!, original.rawBytes.baseAddress!, copy.fileSize) == 0)
    }
}
