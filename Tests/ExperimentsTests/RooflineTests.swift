import Foundation
import QuantFormats
import QuantLabCLI
import Testing
@testable import Experiments

@Suite struct RooflineTests {
    static func row(_ format: String, n: Int, threads: Int = 1, gflops: Double, variant: String? = nil, m: Int = 4096, k: Int = 4096) -> BenchReport.Row {
        let seconds = 2 * Double(m) * Double(k) * Double(n) / gflops / 1e9
        return BenchReport.Row(variant: variant ?? "\(format)xq8_0.avx512.rows", kind: "simd", format: format, m: m, k: k, n: n,
                               threads: threads, seconds: seconds, gflops: gflops, weight_gbps: 0)
    }

    @Test func intensityCountsWeightsActivationsAndOutputs() {
        let traffic = MatmulTraffic(format: .q4_0, m: 4096, k: 4096)
        #expect(traffic.weightBytes == 4096 * 2304)                     // 128 blocks of 18 bytes per row
        let bytes: Double = 4096 * 2304 + 2 * (4 * 4096)
        let operations: Double = 2 * 4096 * 4096
        #expect(abs(traffic.intensity(n: 1) - operations / bytes) < 1e-12)
        #expect(traffic.intensity(n: 512) > traffic.intensity(n: 1) * 100)
        // f16 moves 2 bytes per weight: about one operation per byte at N = 1.
        #expect(abs(MatmulTraffic(format: .f16, m: 4096, k: 4096).intensity(n: 1) - 1) < 0.01)
    }

    @Test func crossingSolvesIntensityEqualsRidge() throws {
        let traffic = MatmulTraffic(format: .q8_0, m: 16384, k: 8192)
        let n = try #require(traffic.crossing(ridge: 25))
        let m = 16384.0, k = 8192.0
        let intensity = 2 * m * k * n / (traffic.weightBytes + 4 * k * n + 4 * m * n)
        #expect(abs(intensity - 25) < 1e-9)
        #expect(traffic.intensity(n: Int(n.rounded(.down))) < 25 && traffic.intensity(n: Int(n.rounded(.up))) >= 25)
        // The f32 activation and output traffic caps the intensity: a ridge above the cap is never reached.
        #expect(MatmulTraffic(format: .q4_0, m: 64, k: 64).crossing(ridge: 1000) == nil)
    }

    @Test func roofBendsAtTheRidge() {
        let roof = Roof(threads: 1, bandwidthGBps: 40, peakGops: 1000)
        #expect(roof.ridge == 25)
        #expect(roof.attainable(2) == 80)
        #expect(roof.attainable(100) == 1000)
        #expect(roof.isBandwidthBound(24.9) && !roof.isBandwidthBound(25))
    }

    @Test func kneeIsWhereDoublingStopsPayingOff() {
        #expect(ThroughputKnee.knee([(1, 100), (2, 200), (4, 390), (8, 500), (16, 520)]) == 4)
        #expect(ThroughputKnee.knee([(2, 200), (1, 100), (4, 400)]) == nil)
        // Steps that are not doublings are not judged.
        #expect(ThroughputKnee.knee([(1, 100), (3, 110)]) == nil)
    }

    @Test func flatAtEndJudgesOnlyTheLastDoubling() {
        #expect(ThroughputKnee.isFlatAtEnd([(128, 300), (512, 420), (256, 400)]))
        #expect(!ThroughputKnee.isFlatAtEnd([(256, 200), (512, 400)]))
        #expect(!ThroughputKnee.isFlatAtEnd([(2, 100), (16, 100)]))
        #expect(!ThroughputKnee.isFlatAtEnd([(1, 100)]))
    }

    @Test func ridgeSwitchClassifiesKneeAgainstModel() {
        #expect(RidgeSwitch(modelN: 7.5, knee: 4, largestN: 512) == .beforeRidge)
        #expect(RidgeSwitch(modelN: 7.5, knee: 8, largestN: 512) == .atOrAfterRidge)
        #expect(RidgeSwitch(modelN: 7.5, knee: nil, largestN: 512) == .atOrAfterRidge)
        #expect(RidgeSwitch(modelN: 30, knee: nil, largestN: 16) == .undetermined)
        #expect(RidgeSwitch(modelN: nil, knee: 4, largestN: 512) == .undetermined)
    }

    @Test func bestPointTakesTheFastestVariantAndItsRoofFraction() throws {
        let roof = Roof(threads: 1, bandwidthGBps: 30, peakGops: 900)
        let rows = [Self.row("q4_0", n: 1, gflops: 50), Self.row("q4_0", n: 1, gflops: 80, variant: "q4_0xq8_0.avx512.tiled"),
                    Self.row("q4_0", n: 1, threads: 2, gflops: 500)]
        let points = RooflineAnalysis.bestPoints(rows, roofs: [roof], m: 4096, k: 4096)
        #expect(points.count == 1)   // no roof for 2 threads: that row is not placed
        let p = try #require(points.first)
        #expect(p.method == "tiled" && p.gflops == 80)
        let intensity = MatmulTraffic(format: .q4_0, m: 4096, k: 4096).intensity(n: 1)
        #expect(abs(p.fractionOfRoof - 80 / (30 * intensity)) < 1e-12)
        #expect(p.bandwidthBound)
    }

    @Test func rowsFillingIsTheSmallestPowerOfTwoOverTheTarget() {
        let rows = RooflineSettings.rowsFilling(cacheBytes: 32 << 20, times: 2, k: 8192)
        #expect(rows == 16384)
        #expect(rows * 4608 >= 64 << 20 && rows / 2 * 4608 < 64 << 20)
        #expect(RooflineSettings.rowsFilling(cacheBytes: 0, times: 2, k: 8192) == 8192)
    }

    @Test func winnersGroupConsecutiveN() {
        func point(_ n: Int, _ method: String) -> RooflinePoint {
            RooflinePoint(format: "q4_0", n: n, threads: 1, variant: "v", method: method, gflops: 1, weightGBps: 1,
                          intensity: 1, attainable: 1, fractionOfRoof: 1, bandwidthBound: true)
        }
        #expect(RooflineNotebook.winners([point(1, "rows"), point(2, "rows"), point(4, "tiled"), point(8, "rows")])
                == "rows: N = 1–2; tiled: N = 4; rows: N = 8")
    }

    @Test func decodeConclusionFollowsTheMeasuredFraction() {
        var settings = RooflineSettings.quick()
        settings.formats = [.q4_0]
        settings.ns = [1, 2]
        settings.threadCounts = [1]
        settings.m = 4096
        settings.k = 4096
        let limits = BenchReport.Limits(readGBps: [1: 30], int8Gops: [1: 900])
        let roofAtN1 = 30 * MatmulTraffic(format: .q4_0, m: 4096, k: 4096).intensity(n: 1)
        func findings(_ fraction: Double, lastLevelCache: Int = 0) -> RooflineFindings {
            let rows = [Self.row("q4_0", n: 1, gflops: fraction * roofAtN1), Self.row("q4_0", n: 2, gflops: 2 * fraction * roofAtN1)]
            let measurements = RooflineMeasurements(settings: settings, limits: limits, rows: rows, failures: [])
            return RooflineFindings(RooflineAnalysis(measurements), settings: settings, lastLevelCache: lastLevelCache)
        }
        #expect(findings(0.9).decode?.verdict == .memoryBound)
        #expect(findings(0.9, lastLevelCache: 64 << 20).decode?.verdict == .cannotJudge)
        #expect(findings(0.9).headline.contains("90%"))
        #expect(findings(0.3).decode?.verdict == .instructionBound)
        #expect(findings(0.3).decode?.slow == ["q4_0"])
        // Above the roof: from cache when the weights fit in it, else the probe understated the bandwidth.
        #expect(findings(1.3, lastLevelCache: 64 << 20).decode?.cached == ["q4_0"])
        let above = findings(1.3, lastLevelCache: 1 << 20).decode
        #expect(above?.overstated == ["q4_0"] && above?.cached == [] && above?.verdict == .memoryBound)
    }

    @Test func quickRunWritesNotebookChartsAndData() throws {
        let directory = NSTemporaryDirectory() + "roofline-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let status = QuantLabCommandLine.run(["experiment", "roofline", "--quick", "--out", directory],
                                             console: Console(capture: true), extraCommands: [ExperimentCommand.self])
        #expect(status == 0)
        let notebook = try String(contentsOfFile: directory + "/roofline.md", encoding: .utf8)
        #expect(notebook.contains("## Conclusion") && notebook.contains("**Finding:**"))
        for threads in RooflineSettings.threadCounts(.current) {
            #expect(FileManager.default.fileExists(atPath: directory + "/charts/roofline-threads-\(threads).svg"))
        }
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/data/roofline.json"))) as? [String: Any]
        let best = try #require(data?["best"] as? [[String: Any]])
        let formats = Set(best.compactMap { $0["format"] as? String })
        #expect(formats == Set(RooflineSettings.allFormats.map(\.name)))
        #expect(best.count == RooflineSettings.allFormats.count * RooflineSettings.quick().ns.count * RooflineSettings.threadCounts(.current).count)
    }
}
