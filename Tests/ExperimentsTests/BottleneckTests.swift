import Foundation
import Testing
import QuantLabCLI
@testable import Experiments

@Suite struct BottleneckTests {
    typealias B = BottleneckExperiment

    static let footprint = B.Footprint(parameters: 1_000, streamedBytes: 10_000, blockWeights: 600, outputWeights: 300,
                                       layers: 2, dim: 64, kvDim: 32)

    static func point(_ model: String, _ format: String, threads: Int = 1, phase: B.Phase = .decode, streamed: Int = 10_000,
                      parameters: Int = 1_000, tokensPerSecond: Double, limit: Double = 10) -> B.Point {
        let f = B.Footprint(parameters: parameters, streamedBytes: streamed, blockWeights: 600, outputWeights: 300, layers: 2, dim: 64, kvDim: 32)
        let achieved = f.decodeBytesPerToken(genTokens: 1) * tokensPerSecond / 1e9
        return B.Point(model: model, real: false, format: format, footprint: f, threads: threads, phase: phase,
                       tokensPerSecond: tokensPerSecond, relativeSpread: 0, achieved: achieved, limit: limit)
    }

    @Test func decodeBytesAddTheCacheReadsOfTheMeanContext() {
        // 2 layers x (keys + values) x 32 floats x 4 bytes x (7 + 1) / 2 positions = 2048 bytes on top of the weights.
        #expect(Self.footprint.decodeBytesPerToken(genTokens: 7) == 10_000 + 2048)
    }

    @Test func prefillCountsBlocksPerTokenAndTheOutputOncePerBatch() {
        // 2 x 600 per token, 2 x 300 spread over 4 tokens, attention 2 layers x 4 x 64 x (4 + 1) / 2.
        #expect(Self.footprint.prefillOpsPerToken(promptTokens: 4) == 1200 + 150 + 1280)
    }

    @Test func weightsDecideWhichPointsTheLineFollows() throws {
        let fit = try #require(B.LinearFit.leastSquares([(1, 1), (2, 2), (3, 10)], weights: [1, 1, 0]))
        #expect(abs(fit.slope - 1) < 1e-12 && abs(fit.intercept) < 1e-12)
    }

    @Test func leastSquaresRecoversALineAndScoresScatter() throws {
        let exact = try #require(B.LinearFit.leastSquares([(1, 5), (2, 7), (4, 11)]))
        #expect(abs(exact.slope - 2) < 1e-12 && abs(exact.intercept - 3) < 1e-12 && abs(exact.r2 - 1) < 1e-12)
        let scattered = try #require(B.LinearFit.leastSquares([(1, 1), (2, 3), (3, 2), (4, 4)]))
        #expect(scattered.r2 < 0.9 && scattered.r2 > 0)
        #expect(B.LinearFit.leastSquares([(1, 1)]) == nil)
        #expect(B.LinearFit.leastSquares([(2, 1), (2, 3)]) == nil)
    }

    @Test func elasticityIsOneWhenTimeFollowsBytesAndZeroWhenItDoesNot() {
        let proportional = [Self.point("m", "q4_0", streamed: 1000, tokensPerSecond: 200),
                            Self.point("m", "q8_0", streamed: 2000, tokensPerSecond: 100)]
        let flat = [Self.point("s", "q4_0", streamed: 1000, tokensPerSecond: 200),
                    Self.point("s", "q8_0", streamed: 2000, tokensPerSecond: 200)]
        let e = B.Analysis.elasticities(proportional + flat, heavier: "q8_0", lighter: "q4_0", genTokens: 0)
        #expect(e.count == 2)
        // genTokens 0 still counts half a position of cache: the byte ratio is close to, not exactly, 2.
        let m = e.first { $0.model == "m" }!, s = e.first { $0.model == "s" }!
        #expect(abs(m.timeRatio - 2) < 1e-12 && m.elasticity > 0.99)
        #expect(abs(s.elasticity) < 1e-12)
    }

    @Test func threadGainsPairTheSameModelFormatAndPhase() {
        let points = [Self.point("m", "q4_0", threads: 1, tokensPerSecond: 100), Self.point("m", "q4_0", threads: 2, tokensPerSecond: 150),
                      Self.point("m", "q8_0", threads: 1, tokensPerSecond: 80), Self.point("m", "q8_0", threads: 2, tokensPerSecond: 40)]
        let gains = B.Analysis.threadGains(points)
        #expect(gains.count == 2)
        #expect(gains.first { $0.format == "q4_0" }?.speedup == 1.5)
        #expect(gains.first { $0.format == "q8_0" }?.speedup == 0.5)
    }

    @Test func closestToBandwidthSkipsModelsThatFitInCache() {
        let inCache = Self.point("small", "q4_0", streamed: 1_000, tokensPerSecond: 1e7)         // 10 GB/s: 100%
        let fromMemory = Self.point("large", "q4_0", streamed: 100_000_000, tokensPerSecond: 50)  // 5 GB/s: 50%
        #expect(B.Analysis.closestToLimit([inCache, fromMemory])?.model == "small")
        #expect(B.Analysis.closestToBandwidth([inCache, fromMemory], cacheBytes: 1 << 20, genTokens: 1)?.model == "large")
        #expect(B.Analysis.closestToBandwidth([inCache], cacheBytes: 1 << 20, genTokens: 1)?.model == "small")
    }

    @Test func trafficFitImpliesTheBandwidthOfItsSlope() throws {
        // 1 ms fixed + bytes at 10 GB/s, at three sizes.
        var points: [B.Point] = []
        for bytes in [1_000_000, 10_000_000, 100_000_000] {
            let seconds: Double = 1e-3 + Double(bytes + 512) / 1e10
            points.append(Self.point("m\(bytes)", "q4_0", streamed: bytes, tokensPerSecond: 1 / seconds))
        }
        let fit = try #require(B.Analysis.trafficFits(points, genTokens: 1).first)
        #expect(abs(fit.effectiveGBps - 10) < 1e-6)
        #expect(abs(fit.overheadMicroseconds - 1000) < 1e-6)
    }

    @Test func profileOperationsFallInTheirGroups() {
        #expect(["attn_q", "ffn_down", "output", "quantize", "dispatch"].allSatisfy { B.Profile.group(of: $0) == "matmul" })
        #expect(B.Profile.group(of: "attention") == "attention" && B.Profile.group(of: "rope+cache") == "attention")
        #expect(["norm", "add", "swiglu", "embedding"].allSatisfy { B.Profile.group(of: $0) == "other" })
        let p = B.Profile(model: "m", format: "q4_0", threads: 1, phase: .decode, groups: ["matmul": 3, "other": 1])
        #expect(p.share("matmul") == 0.75 && p.share("attention") == 0)
    }

    @Test func theBottleneckVerdictFollowsTheElasticities() {
        #expect(B.Movement(large: 0.95, small: 0.3) == .moves)
        #expect(B.Movement(large: 0.2, small: 0.9) == .movesTheOtherWay)
        #expect(B.Movement(large: 0.9, small: 0.85) == .bytesAtBothEnds)
        #expect(B.Movement(large: 0.5, small: 0.4) == .neitherFollowsBytes)
        #expect(B.UnpackCost(fastest: 1.0, slowest: 1.5) == .q4_KSlower)
        #expect(B.UnpackCost(fastest: 0.95, slowest: 1.05) == .same)
        #expect(B.UnpackCost(fastest: 0.8, slowest: 1.05) == .q4_0Slower)
    }

    @Test func realModelNameDropsTheQuantizationSuffix() {
        #expect(B.realModelName("/m/SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct")
    }

    /// The whole experiment at quick settings (a few seconds): notebook, charts and every expected point.
    @Test func quickRunWritesNotebookChartsAndData() throws {
        let out = NSTemporaryDirectory() + "bottleneck-test-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let console = Console(capture: true)
        let status = QuantLabCommandLine.run(["experiment", "bottleneck", "--quick", "--out", out], console: console,
                                             extraCommands: [ExperimentCommand.self])
        #expect(status == 0, "\(console.errors)")
        let notebook = try String(contentsOfFile: out + "/bottleneck.md", encoding: .utf8)
        #expect(notebook.contains("## Conclusion") && notebook.contains("## What this cannot show"))
        for chart in ["decode-speed", "decode-share", "decode-traffic", "prefill-speed", "prefill-share", "threads", "profile"] {
            #expect(FileManager.default.fileExists(atPath: out + "/charts/bottleneck-\(chart).svg"), "missing chart \(chart)")
        }
        let results = try JSONDecoder().decode(B.Results.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/data/bottleneck.json")))
        let settings = B.Settings.quick
        #expect(results.synthetic.count == settings.rungs.count * settings.formats.count * settings.threads.count * 2)
        #expect(results.synthetic.allSatisfy { $0.tokensPerSecond > 0 && $0.share > 0 })
        #expect(results.byteElasticities.filter { !$0.model.contains("SmolLM2") }.count == settings.rungs.count * settings.threads.count)
        #expect(!results.profiles.isEmpty)
    }
}
