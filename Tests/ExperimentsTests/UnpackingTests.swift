import Foundation
import KernelCatalog
import KernelCore
import QuantFormats
import QuantLabCLI
import Testing
@testable import Experiments

@Suite struct UnpackingTests {
    static func testCase(_ tier: String, _ format: String, _ residency: Residency, n: Int, weightsPerNs: Double,
                         gbps: Double = 20, gflops: Double = 50) -> UnpackingCase {
        UnpackingCase(tier: tier, format: format, residency: residency, n: n, variant: "\(format)x.\(tier).rows", method: "rows",
                      m: 256, k: 4096, weightBytes: 1 << 20, seconds: 1e-3, weightsPerNanosecond: weightsPerNs,
                      weightGBps: gbps, gflops: gflops)
    }

    static var settings: UnpackingSettings {
        var s = UnpackingSettings.full(caches: HostCacheSizes(level2: 1 << 20, lastLevel: 32 << 20))
        s.tiers = ["portable", "avx512"]
        return s
    }

    @Test func shapesAreSizedFromTheCaches() {
        let s = UnpackingSettings.full(caches: HostCacheSizes(level2: 1 << 20, lastLevel: 32 << 20))
        #expect(s.targetBytes == [.l2: 512 << 10, .l3: 16 << 20, .dram: 128 << 20])
        #expect(s.k % 256 == 0)
        // q4_0 at K = 4096 takes 2304 bytes a row: 512 KiB is 227.6 rows, rounded to the nearest multiple of 16.
        #expect(UnpackingSettings.rows(for: .q4_0, bytes: 512 << 10, k: 4096) == 224)
        #expect(UnpackingSettings.rows(for: .q8_0, bytes: 100, k: 4096) == 16)
        for format in UnpackingSettings.formats {
            let bytes = Double(s.m(format, .l3) * format.rowBytes(count: s.k)!)
            #expect(abs(bytes / Double(16 << 20) - 1) < 0.02)
        }
    }

    @Test func onlyDRAMPrefillGetsASingleRun() {
        let s = Self.settings
        #expect(s.repetitions(.dram, n: s.prefillN) == 1)
        #expect(s.repetitions(.dram, n: s.decodeN) == s.repetitions)
        #expect(s.repetitions(.l2, n: s.prefillN) == s.repetitions)
    }

    @Test func weightsPerNanosecondIgnoresBits() {
        let row = BenchReport.Row(variant: "q4_Kxq8_K.avx512.tiled", kind: "tiled", format: "q4_K", m: 1000, k: 1000, n: 2,
                                  threads: 1, seconds: 1e-3, gflops: 4, weight_gbps: 0.5)
        #expect(abs(row.weightsPerNanosecond - 2) < 1e-12)
        #expect(row.instructionSet == "avx512" && row.method == "tiled")
    }

    @Test func bestCasePerTierIsTheShortestTime() throws {
        func row(_ variant: String, _ seconds: Double) -> UnpackingMeasurements.Row {
            .init(residency: .l3, row: BenchReport.Row(variant: variant, kind: "simd", format: "q4_0", m: 64, k: 256, n: 512,
                                                      threads: 1, seconds: seconds, gflops: 1, weight_gbps: 1), weightBytes: 9216)
        }
        let cases = UnpackingAnalysis.bestCases([row("q4_0xq8_0.avx512.rows", 2e-3), row("q4_0xq8_0.avx512.tiled", 1e-3),
                                                 row("q4_0xq8_0.portable.rows", 5e-3)])
        #expect(cases.count == 2)
        let avx512 = try #require(UnpackingAnalysis(cases: cases).lookup("avx512", "q4_0", .l3, n: 512))
        #expect(avx512.method == "tiled")
    }

    @Test func ratiosNameTheWinnerOutsideTheTieBand() throws {
        let a = UnpackingAnalysis(cases: [Self.testCase("avx512", "q4_0", .l2, n: 1, weightsPerNs: 12),
                                          Self.testCase("avx512", "q4_K", .l2, n: 1, weightsPerNs: 10),
                                          Self.testCase("avx512", "q4_0", .dram, n: 1, weightsPerNs: 10.2),
                                          Self.testCase("avx512", "q4_K", .dram, n: 1, weightsPerNs: 10)])
        let l2 = try #require(a.ratio("avx512", .l2, n: 1, "q4_0", over: "q4_K"))
        #expect(abs(l2.ratio - 1.2) < 1e-12 && l2.winner == "q4_0")
        #expect(a.ratio("avx512", .dram, n: 1, "q4_0", over: "q4_K")?.winner == nil)
        #expect(a.ratio("avx512", .l3, n: 1, "q4_0", over: "q4_K") == nil)
        #expect(FormatRatio(tier: "t", residency: .l2, n: 1, numerator: "a", denominator: "b", ratio: 0.8).winner == "b")
        #expect(a.ratios("q4_0", over: "q4_K", tiers: ["avx512"], ns: [1]).count == 2)
    }

    @Test func conclusionSaysUnpackingWhenTheGapClosesInDRAM() {
        let s = Self.settings
        var cases: [UnpackingCase] = []
        for r in Residency.allCases {
            cases.append(Self.testCase("avx512", "q4_0", r, n: 1, weightsPerNs: r == .dram ? 50 : 60, gbps: 28))
            cases.append(Self.testCase("avx512", "q4_K", r, n: 1, weightsPerNs: r == .dram ? 49 : 40, gbps: 27))
        }
        let m = UnpackingMeasurements(settings: s, readGBps: 30, rows: [], failures: [])
        let findings = UnpackingFindings(UnpackingAnalysis(cases: cases), measurements: m, tiers: s.tiers)
        #expect(findings.gap == .init(inCache: true, inDRAM: false), "a gap in cache that closes in DRAM: the cost of unpacking")
        #expect(findings.paper == .agrees)   // q4_0 faster in L2 and L3, tie in DRAM
        #expect(findings.headline.contains("1.50x / 1.50x / 1.02x"))
    }

    @Test func conclusionReportsAReversal() {
        let s = Self.settings
        let cases = Residency.allCases.flatMap { r in
            [Self.testCase("avx512", "q4_0", r, n: 1, weightsPerNs: 30), Self.testCase("avx512", "q4_K", r, n: 1, weightsPerNs: 40)]
        }
        let m = UnpackingMeasurements(settings: s, readGBps: 30, rows: [], failures: [])
        let findings = UnpackingFindings(UnpackingAnalysis(cases: cases), measurements: m, tiers: s.tiers)
        #expect(findings.q4_0Wins == 0 && findings.cases == 3)
        #expect(findings.paper == .reverses)
    }

    @Test func quickRunWritesNotebookChartsAndData() throws {
        let directory = NSTemporaryDirectory() + "unpacking-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let status = QuantLabCommandLine.run(["experiment", "unpacking", "--quick", "--out", directory],
                                             console: Console(capture: true), extraCommands: [ExperimentCommand.self])
        #expect(status == 0)
        let notebook = try String(contentsOfFile: directory + "/unpacking.md", encoding: .utf8)
        #expect(notebook.contains("## Conclusion") && notebook.contains("q4_0 / q4_K"))
        let quick = UnpackingSettings.quick()
        let widest = try #require(quick.tiers.last)
        for id in ["\(widest)-n1", "\(widest)-n\(quick.prefillN)", "tiers-n1", "tiers-n\(quick.prefillN)"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/charts/unpacking-\(id).svg"))
        }
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/data/unpacking.json"))) as? [String: Any]
        let best = try #require(data?["best"] as? [[String: Any]])
        // Every format with a kernel in the widest tier has a case there at every residency and N.
        let widestCases = best.filter { $0["tier"] as? String == widest }
        let supported = KernelCatalog.registry.supported(on: .current).filter { $0.instructionSet.rawValue == widest }
        let formats = UnpackingSettings.formats.filter { format in supported.contains { $0.weightType == format } }
        #expect(!formats.isEmpty)
        #expect(widestCases.count == formats.count * Residency.allCases.count * 2)
        #expect((data?["q4_0OverQ4_K"] as? [Any])?.isEmpty == false)
    }
}
