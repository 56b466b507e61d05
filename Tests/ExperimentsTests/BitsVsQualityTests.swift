import Foundation
import KernelCore
import Model
import QuantFormats
import QuantLabCLI
import Testing
@testable import Experiments

@Suite struct BitsVsQualityTests {
    @Test func roundTripErrorHalvesPerBitAndVanishesOnItsOwnGrid() throws {
        var random = SplitMix64(seed: 3)
        let columns = 512
        let values = random.gaussians(32 * columns)
        let error = { (type: GGMLType) in RowQuantizationError.relativeError(values, columns: columns, FormatTraits.of(type)!) }
        let q4 = error(.q4_0), q5 = error(.q5_0), q8 = error(.q8_0)
        #expect(q4 > q5 && q5 > q8)
        #expect((1.7...2.4).contains(q4 / q5))          // one more bit: about half the error
        // Values already on q8_0's grid come back exactly.
        let traits = FormatTraits.of(.q8_0)!
        var block = [UInt8](repeating: 0, count: columns / 32 * traits.bytesPerBlock)
        var onGrid = [Float](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { v in block.withUnsafeMutableBytes { traits.quantize(v.baseAddress!, $0.baseAddress!, columns) } }
        block.withUnsafeBytes { traits.dequantize($0.baseAddress!, &onGrid, columns) }
        #expect(RowQuantizationError.relativeError(onGrid, columns: columns, traits) < 1e-6)
    }

    /// The quick run on the built-in model: the notebook, its charts and its data, with every format measured against
    /// the f32 base by KL divergence, and timed.
    @Test func quickRunWritesNotebookChartsAndData() throws {
        let out = NSTemporaryDirectory() + "bits-vs-quality-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let console = Console(capture: true)
        let lab = Lab(quick: true, modelPath: nil, outputDirectory: out, console: console)
        let notebook = try BitsVsQualityExperiment.run(lab)
        let path = try NotebookWriter.write(notebook, lab: lab, command: "quantlab experiment bits-vs-quality --quick")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("## Conclusion") && text.contains("Quick run") && text.contains("## Where quality breaks"))
        for chart in ["kl", "ppl", "decode", "prefill", "rmse"] {
            let svg = try String(contentsOfFile: out + "/charts/bits-vs-quality-\(chart).svg", encoding: .utf8)
            #expect(SVGChartTests.parses(svg))
        }
        let data = try JSONDecoder().decode(BitsVsQualityResults.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/data/bits-vs-quality.json")))
        let model = try #require(data.models.first)
        let measured = Set(model.formats.map(\.format))
        #expect(measured.isSuperset(of: BitsVsQualityExperiment.formats.map(\.name) + [FormatRun.shippedLabel]))
        #expect(BitsVsQualityExperiment.formats.map(\.name).contains("q2_K") && BitsVsQualityExperiment.formats.first == .f16)
        #expect(BitsVsQualityExperiment.modelName("/m/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf") == "Qwen2.5-Coder-1.5B-Instruct")
        #expect(BitsVsQualityExperiment.modelName("SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct")
        #expect(model.base.kld == nil && model.base.format == "f32")
        for f in model.formats {
            let kld = try #require(f.kld, "\(f.format) has no KL divergence")
            #expect(kld.kldMean.value >= 0 && kld.kldMax >= kld.kldMedian)
            #expect(f.speeds.count == 2 && f.speeds.allSatisfy { $0.tokensPerSecond > 0 })
        }
        // Most bits first, and fewer bits must not mean a smaller error on Gaussian rows.
        #expect(zip(model.formats, model.formats.dropFirst()).allSatisfy { $0.bitsPerWeight >= $1.bitsPerWeight })
        let gaussian = Dictionary(uniqueKeysWithValues: data.rowErrors.map { ($0.format, $0.gaussian) })
        #expect(gaussian["q4_0"]! > gaussian["q8_0"]! && gaussian["q2_K"]! > gaussian["q3_K"]!)
    }

    // MARK: findings on made-up measurements

    static func summary(kl: Double) throws -> KLDivergence.Summary {
        let e = #"{"value": 1, "uncertainty": 0}"#
        let json = """
            {"positions": 100, "ppl": \(e), "base_ppl": \(e), "log_ppl_ratio": \(e), "ppl_ratio": \(e),
             "kld_mean": {"value": \(kl), "uncertainty": 0}, "kld_median": \(kl), "kld_p90": \(kl), "kld_p95": \(kl),
             "kld_p99": \(kl), "kld_max": \(kl), "same_top": \(e), "delta_p_rms": \(e)}
            """
        return try JSONDecoder().decode(KLDivergence.Summary.self, from: Data(json.utf8))
    }

    static func model(_ name: String, weights: Int, source: [String] = [],
                      _ formats: [(String, Double, Double, tg: Double)]) throws -> ModelRun {
        let base = FormatRun(format: "f32", composition: "f32 100%", share: 1, fileBytes: 1, bitsPerWeight: 32, perplexity: 10,
                             kld: nil, speeds: [])
        return ModelRun(name: name, file: name + ".gguf", sourceComposition: "", sourceFormats: source, weights: weights, base: base,
                        formats: try formats.map { format, bits, kl, tg in
                            FormatRun(format: format, composition: "", share: 1, fileBytes: Int(bits * 100), bitsPerWeight: bits,
                                      perplexity: 10, kld: try summary(kl: kl), speeds: [.init(test: "tg32", threads: 1, tokensPerSecond: tg)])
                        })
    }

    @Test func kneeIsTheFrontsPointFarthestBelowItsChordWithoutTheSourcesFormats() throws {
        // KL creeps up to 4.5 bits, then grows 20x across 4.5 -> 3.4; q4_1 (the source's format) looks free.
        let m = try Self.model("m", weights: 1, source: ["q4_1"], [
            ("q8_0", 8.5, 0.001, tg: 100), ("q6_K", 6.56, 0.004, tg: 90), ("q4_1", 5.0, 0.00001, tg: 80),
            ("q4_0", 4.5, 0.02, tg: 120), ("q3_K", 3.44, 0.4, tg: 70), ("q2_K", 2.63, 1.0, tg: 60)])
        let knee = try #require(BitsVsQualityFindings.knee(m))
        #expect(knee.above == "q4_0" && knee.below == "q3_K" && knee.nearThreePointFive && knee.reachesBelowFour)
        #expect(abs(knee.klRatio - 20) < 1e-9)
        #expect(!BitsVsQualityFindings.paretoFront(m).map(\.format).contains("q4_1"))
        // A point beaten on both bits and KL is off the front.
        let dominated = try Self.model("d", weights: 1, [("q5_0", 5.5, 0.01, tg: 1), ("q4_K", 4.5, 0.005, tg: 1), ("q2_K", 2.6, 0.5, tg: 1)])
        #expect(BitsVsQualityFindings.paretoFront(dominated).map(\.format) == ["q4_K", "q2_K"])
        // A break high up: the knee is q6_K, above four bits, and the front never goes below four.
        let early = try Self.model("e", weights: 1, [("q8_0", 8.5, 0.001, tg: 1), ("q6_K", 6.5, 0.002, tg: 1), ("q5_K", 5.5, 0.1, tg: 1),
                                                     ("q4_K", 4.5, 0.12, tg: 1), ("iq4_xs", 4.25, 0.15, tg: 1)])
        let high = try #require(BitsVsQualityFindings.knee(early))
        #expect(high.above == "q6_K" && high.below == "q5_K" && !high.nearThreePointFive && !high.reachesBelowFour)
        // KL rising ever more slowly as bits fall has no knee, nor has a front of two points.
        let concave = try Self.model("c", weights: 1, [("q8_0", 8.5, 0.001, tg: 1), ("q6_K", 6.5, 0.1, tg: 1), ("q4_K", 4.5, 0.15, tg: 1)])
        #expect(BitsVsQualityFindings.knee(concave) == nil)
        #expect(BitsVsQualityFindings.knee(dominated) == nil)
    }

    @Test func robustnessComparesTheSameFormatsBelowFiveBits() throws {
        let small = try Self.model("small", weights: 100, source: ["q4_1"], [
            ("q8_0", 8.5, 0.1, tg: 1), ("q4_1", 5.0, 0.001, tg: 1), ("q4_0", 4.5, 0.06, tg: 1), ("q2_K", 2.6, 0.9, tg: 1)])
        let large = try Self.model("large", weights: 1000, source: ["q4_K"], [
            ("q8_0", 8.5, 0.001, tg: 1), ("q4_1", 5.0, 0.01, tg: 1), ("q4_0", 4.5, 0.02, tg: 1), ("q2_K", 2.6, 0.3, tg: 1)])
        let r = try #require(BitsVsQualityFindings.robustness([large, small]))
        // q8_0 is above five bits and q4_1 is the small model's source format: only q4_0 (3x) and q2_K (3x) count.
        #expect(r.smaller == "small" && r.formats == 2 && abs(r.medianRatio - 3) < 1e-9 && r.verdict == .largerMoreRobust)
        #expect(BitsVsQualityFindings.robustness([small]) == nil)
    }

    @Test func fasterDespiteBitsNeedsMoreThanTheMargin() throws {
        let m = try Self.model("m", weights: 1, [("q8_0", 8.5, 0.001, tg: 100), ("q4_K", 4.5, 0.01, tg: 104), ("q3_K", 3.4, 0.1, tg: 90),
                                                  ("q2_K", 2.6, 0.3, tg: 100)])
        let found = BitsVsQualityFindings.fasterDespiteBits(m, threads: [1])
        // q8_0 beats q3_K by 11% (q4_K is faster, q2_K's 0% is no win); q4_K beats q3_K, and q2_K by only 4%; q4_K beats q3_K; no prefill was timed.
        #expect(found.map(\.format) == ["q8_0", "q4_K"])
        #expect(found.map(\.beats) == [["q3_K"], ["q3_K"]] && found.allSatisfy { !$0.prefill })
    }
}
