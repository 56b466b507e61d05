import Foundation
import GGUF
import Model
import Tuner

/// The fuzzers' starting points: small valid inputs and a few mutations of each, so coverage starts deep in the
/// parsers instead of at their first check.
public enum SeedCorpus {
    /// Writes `DIR/TARGET/NAME` for every target; returns the number of files.
    public static func write(to directory: String) throws -> Int {
        var count = 0
        for (target, seeds) in [(FuzzTarget.gguf, try ggufSeeds()), (.tokenizer, tokenizerSeeds()), (.tuningDatabase, try tuningSeeds())] {
            let folder = directory + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in seeds {
                try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
                count += 1
            }
        }
        return count
    }

    /// A tiny Llama model as the lab writes it (vocabulary, merges, chat-free metadata, q8_0 and f32 tensors),
    /// its truncations, and copies with a count or a type field corrupted.
    static func ggufSeeds() throws -> [(String, [UInt8])] {
        var spec = SyntheticModel.Spec.builtin
        spec.dim = 64
        spec.layers = 1
        spec.heads = 2
        spec.kvHeads = 1
        spec.ffnDim = 128
        spec.vocabularySize = SyntheticVocabulary.minimumSize + 8
        spec.contextLength = 64
        let model = try SyntheticModel.writer(for: spec).serialized()
        var seeds: [(String, [UInt8])] = [("tiny-model.gguf", model)]
        for fraction in [1, 4, 16, 64] { seeds.append(("truncated-\(fraction).gguf", Array(model.prefix(model.count * fraction / 100)))) }
        var hugeTensorCount = model
        hugeTensorCount.replaceSubrange(8..<16, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])
        seeds.append(("huge-tensor-count.gguf", hugeTensorCount))
        var hugeMetadataCount = model
        hugeMetadataCount.replaceSubrange(16..<24, with: [0, 0, 0, 0, 0, 0, 0, 0x40])
        seeds.append(("huge-metadata-count.gguf", hugeMetadataCount))
        return seeds
    }

    /// Text for each pre-tokenizer (first byte): prose, code, digits, contractions, Unicode, special-token spellings.
    static func tokenizerSeeds() -> [(String, [UInt8])] {
        let texts = [
            "Hello, world! It's 2026: the model's 135M parameters don't fit... or do they?",
            "func add(_ a: Int, _ b: Int) -> Int {\n    return a + b  // 42\n}\n",
            "Ünïcödé — 日本語のテキスト 🙂👍🏽 \u{200B}zero-width\ttab\r\nCRLF",
            "<|im_start|>user\nhi<|im_end|>\n<|endoftext|>",
            "   leading spaces, 1234567890 digits, x=3.14e-10, 'quoted' and \"double\"",
        ]
        return texts.enumerated().flatMap { i, text in
            (0..<3).map { pre in ("text-\(i)-pre\(pre).txt", [UInt8(pre)] + Array(text.utf8)) }
        }
    }

    /// Copies of the committed valid database with a wrong version, a negative time and a truncation.
    static func tuningSeeds() throws -> [(String, [UInt8])] {
        // A real database (`quantlab tune --model builtin` at small settings: decisions of every verdict but
        // too_noisy, and verifications, one of which dropped its decision), committed with the corpus.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/tuning-db/valid.json")
        let valid = try [UInt8](Data(contentsOf: fixture))
        let text = String(decoding: valid, as: UTF8.self), version = TuningDatabase.currentVersion
        return [
            ("version-1.json", Array(text.replacingOccurrences(of: "\"version\" : \(version)", with: "\"version\" : 1").utf8)),
            ("truncated.json", Array(valid.prefix(valid.count / 2))),
            ("empty-entries.json", Array("{\"version\": \(version), \"entries\": [], \"verifications\": []}".utf8)),
        ]
    }
}
