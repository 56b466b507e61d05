import Foundation
import KernelCore
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

    /// The quick run on the built-in model: the notebook, its three charts and its data, with every format measured.
    @Test func quickRunWritesNotebookChartsAndData() throws {
        let out = NSTemporaryDirectory() + "bits-vs-quality-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let console = Console(capture: true)
        let lab = Lab(quick: true, modelPath: nil, outputDirectory: out, console: console)
        let notebook = try BitsVsQualityExperiment.run(lab)
        let path = try NotebookWriter.write(notebook, lab: lab, command: "quantlab experiment bits-vs-quality --quick")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("## Conclusion") && text.contains("Quick run"))
        for chart in ["perplexity", "kl", "rmse"] {
            let svg = try String(contentsOfFile: out + "/charts/bits-vs-quality-\(chart).svg", encoding: .utf8)
            #expect(SVGChartTests.parses(svg))
        }
        let data = try JSONDecoder().decode(BitsVsQualityResults.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/data/bits-vs-quality.json")))
        #expect(Set(data.models.map(\.format)).isSuperset(of: ["f32", "q8_0", "q6_K", "q5_0", "q4_K", "q4_1", "q4_0"]))
        // Fewer bits must not mean a smaller error on Gaussian rows.
        let gaussian = Dictionary(uniqueKeysWithValues: data.rowErrors.map { ($0.format, $0.gaussian) })
        #expect(gaussian["q4_0"]! > gaussian["q8_0"]!)
        #expect(data.models.first { $0.format == "f32" }!.meanKL == 0)
    }
}
