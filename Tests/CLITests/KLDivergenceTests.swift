import Foundation
import Testing
import Model
import TestSupport

/// `perplexity --save-logits` and `--kl-divergence` (llama.cpp's logits format and statistics).
@Suite struct KLDivergenceTests {
    static let text = Golden.apacheLicensePath

    /// Saves builtin's base log-probabilities at --ctx 64 over 3 chunks; the caller removes the file.
    static func saveBase(_ model: String = "builtin") throws -> String {
        let path = QuantizeCommandTests.temporaryPath("base.logits")
        let saved = quantlab("perplexity", model, "--file", text, "--ctx", "64", "--chunks", "3", "--save-logits", path)
        try #require(saved.status == 0, "\(saved.errors)")
        return path
    }

    @Test func aModelAgainstItsOwnLogitsDivergesByTheRoundingOfTheFileOnly() throws {
        let base = try Self.saveBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let reader = try LogitsFile.Reader(path: base)
        #expect(reader.context == 64 && reader.chunks == 3 && reader.tokens.count == 192)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.contains(URL(fileURLWithPath: base).lastPathComponent) && $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "the temporary file was renamed into place")

        let result = quantlab("perplexity", "builtin", "--file", Self.text, "--ctx", "64", "--chunks", "3", "--kl-divergence", base, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let kl = try #require(try json(result.output)["kl_divergence"] as? [String: Any])
        #expect(kl["positions"] as? Int == 3 * 31)
        let mean = try #require((kl["kld_mean"] as? [String: Any])?["value"] as? Double)
        #expect(abs(mean) < 1e-4, "u16 log-probabilities cost only rounding: \(mean)")
        #expect((kl["same_top"] as? [String: Any])?["value"] as? Double == 1)
        // The file clamps log-probabilities below the top one's minus 16 (llama.cpp's format); this random model
        // (PPL in the thousands) often predicts the next token below that, so the base perplexity can only read low.
        let ratio = try #require((kl["ppl_ratio"] as? [String: Any])?["value"] as? Double)
        #expect(ratio >= 1 - 1e-6 && ratio < 1.05, "\(ratio)")
    }

    @Test func anotherModelDivergesMeasurably() throws {
        let base = try Self.saveBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // builtin-qwen2 has builtin's vocabulary but other weights.
        let result = quantlab("perplexity", "builtin-qwen2", "--file", Self.text, "--ctx", "64", "--chunks", "3", "--kl-divergence", base, "--json")
        if result.status == 0 {
            let kl = try #require(try json(result.output)["kl_divergence"] as? [String: Any])
            let mean = try #require((kl["kld_mean"] as? [String: Any])?["value"] as? Double)
            #expect(mean > 1e-3)
            let median = try #require(kl["kld_median"] as? Double), p99 = try #require(kl["kld_p99"] as? Double)
            #expect(median <= p99 && p99 <= (kl["kld_max"] as? Double ?? 0))
        } else {
            #expect(result.errors.contains("vocabulary"), "\(result.errors)")
        }
    }

    @Test func mismatchedOrDamagedFilesAreClearErrors() throws {
        let base = try Self.saveBase()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let context = quantlab("perplexity", "builtin", "--file", Self.text, "--ctx", "32", "--kl-divergence", base)
        #expect(context.status == 1 && context.errors.contains("--ctx 64"), "\(context.errors)")
        let otherText = quantlab("perplexity", "builtin", "--file", Golden.fixtureURL("smollm2-tokens.json").path, "--ctx", "64",
                                 "--kl-divergence", base)
        #expect(otherText.status == 1 && otherText.errors.contains("another text"), "\(otherText.errors)")

        let truncated = QuantizeCommandTests.temporaryPath("truncated.logits")
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: base))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))
        let cut = quantlab("perplexity", "builtin", "--file", Self.text, "--ctx", "64", "--kl-divergence", truncated)
        #expect(cut.status == 1 && cut.errors.contains("truncated"), "\(cut.errors)")
        let foreign = quantlab("perplexity", "builtin", "--file", Self.text, "--ctx", "64", "--kl-divergence", Self.text)
        #expect(foreign.status == 1 && foreign.errors.contains("_logits_"), "\(foreign.errors)")
        let both = quantlab("perplexity", "builtin", "--file", Self.text, "--save-logits", truncated, "--kl-divergence", base)
        #expect(both.status == 2)
    }

    /// The file's rows decode to the log-softmax within half a step of its 16-bit scale, above max - 16.
    @Test func compressedRowsDecodeToTheLogSoftmax() {
        let logits: [Float] = (0..<101).map { sin(Float($0) * 0.37) * 9 }
        var row = [UInt16](repeating: 0, count: LogitsFile.rowLength(vocabulary: logits.count))
        LogitsFile.compress(logits, into: &row)
        #expect(row.count == 106)
        let exact = LogitComparison.logSoftmax(logits)
        let scale = row.withUnsafeBytes { Float(bitPattern: $0.load(as: UInt32.self)) }
        let minimum = row.withUnsafeBytes { Float(bitPattern: $0.load(fromByteOffset: 4, as: UInt32.self)) }
        #expect(scale > 0)
        for i in logits.indices where logits[i] > logits.max()! - 16 {
            let decoded = Double(scale * Float(row[4 + i]) + minimum)
            #expect(abs(decoded - exact[i]) <= Double(scale) * 0.5 + 1e-5, "token \(i)")
        }
    }
}
