import Foundation
import KernelCore
import QuantFormats
import QuantLabCLI
import Testing
@testable import Experiments

@Suite struct CompressibilityEntropyTests {
    func histogram(width: Int, _ symbols: [Int]) -> SymbolHistogram {
        var h = SymbolHistogram(width: width)
        for s in symbols { h.add(s) }
        return h
    }

    @Test func entropyOfKnownDistributions() {
        #expect(abs(histogram(width: 4, Array(0..<16)).entropyBits - 4) < 1e-12)
        #expect(abs(histogram(width: 8, [3, 7, 3, 7]).entropyBits - 1) < 1e-12)
        #expect(histogram(width: 8, [5, 5, 5]).entropyBits == 0)
        #expect(abs(histogram(width: 2, [0, 0, 1, 2]).entropyBits - 1.5) < 1e-12)
        #expect(SymbolHistogram(width: 6).entropyBits == 0)
    }

    @Test func boundCountsEverySymbol() {
        let h = histogram(width: 4, [1, 1, 2, 2, 3, 3, 4, 4])
        #expect(h.total == 8 && h.distinctSymbols == 4)
        #expect(h.storedBits == 32)
        #expect(abs(h.entropyBoundBits - 16) < 1e-12)   // 8 symbols × 2 bits
    }
}

@Suite struct CompressibilitySplitTests {
    func symbols(_ layout: SymbolLayout, _ block: [UInt8]) -> SymbolList {
        var list = SymbolList(layout)
        block.withUnsafeBytes { layout.visit($0.baseAddress!, into: &list) }
        return list
    }

    @Test func handMadeQ4_0BlockSplitsIntoScaleAndNibbles() {
        var block = [UInt8](repeating: 0, count: 18)
        block[0] = 0x00; block[1] = 0x3c                           // f16 1.0 = 0x3c00
        for j in 0..<16 { block[2 + j] = UInt8(j) | UInt8(15 - j) << 4 }
        let list = symbols(.q4_0, block)
        #expect(list.scales == [[0x3c00]])
        #expect(list.codes.count == 32)
        #expect(list.codes.sorted() == (Array(0..<16) + Array(0..<16)).sorted())
    }

    @Test func handMadeQ5_0BlockTakesItsFifthBitFromQh() {
        var block = [UInt8](repeating: 0, count: 22)
        block[2] = 0b0000_0101                                     // qh bits 0 and 2: codes 0 and 2 get +16
        for j in 0..<16 { block[6 + j] = 0x21 }                    // low nibbles 1 (codes 0-15), high nibbles 2 (16-31)
        let codes = symbols(.q5_0, block).codes
        #expect(codes.count == 32)
        #expect(codes[0] == 17 && codes[1] == 1 && codes[2] == 17 && codes[16] == 2)
        #expect(codes.filter { $0 >= 16 }.count == 2)
    }

    @Test func handMadeQ4_KPackedScalesUnpack() {
        let scales = [1, 63, 17, 40, 5, 62, 33, 48], mins = [2, 3, 60, 31, 7, 50, 16, 63]
        var block = [UInt8](repeating: 0, count: 144)
        // The documented packing: sub-blocks 0-3 whole in bytes 0-7; 4-7 low 4 bits in bytes 8-11, top 2 bits in
        // the top bits of bytes 0-7.
        for s in 0..<4 {
            block[4 + s] = UInt8(scales[s] | (scales[s + 4] >> 4) << 6)
            block[4 + s + 4] = UInt8(mins[s] | (mins[s + 4] >> 4) << 6)
            block[4 + s + 8] = UInt8((scales[s + 4] & 15) | (mins[s + 4] & 15) << 4)
        }
        let list = symbols(.q4_K, block)
        #expect(list.scales[2] == scales)
        #expect(list.scales[3] == mins)
        #expect(list.codes.count == 256)
    }

    /// The split must agree with the library: recovering each weight's code from the library's dequantized value
    /// and the scales the split found gives, block by block, the same codes the split found.
    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K])
    func splitAgreesWithTheLibrarysDequantization(type: GGMLType) {
        let layout = SymbolLayout.of(type)!, traits = FormatTraits.of(type)!
        let count = 1024
        var random = SplitMix64(seed: 7)
        let x = random.gaussians(count)
        var bytes = [UInt8](repeating: 0, count: count / layout.weightsPerBlock * layout.bytesPerBlock)
        var w = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { x in bytes.withUnsafeMutableBytes { traits.quantize(x.baseAddress!, $0.baseAddress!, count) } }
        bytes.withUnsafeBytes { b in w.withUnsafeMutableBufferPointer { traits.dequantize(b.baseAddress!, $0.baseAddress!, count) } }
        func half(_ bits: Int) -> Float { Float(Float16(bitPattern: UInt16(bits))) }
        for block in 0..<count / layout.weightsPerBlock {
            let list = symbols(layout, Array(bytes[block * layout.bytesPerBlock ..< (block + 1) * layout.bytesPerBlock]))
            let s = list.scales
            // Each weight's step (the value of one code unit) and offset, from the scales the split found.
            func stepAndOffset(_ k: Int) -> (step: Float, offset: Float) {
                switch type {
                case .q4_0: (half(s[0][0]), -8 * half(s[0][0]))
                case .q4_1: (half(s[0][0]), half(s[1][0]))
                case .q5_0: (half(s[0][0]), -16 * half(s[0][0]))
                case .q8_0: (half(s[0][0]), 0)
                case .q4_K: (half(s[0][0]) * Float(s[2][k / 32]), -half(s[1][0]) * Float(s[3][k / 32]))
                default:   // q6_K: d · int8 scale · (q − 32)
                    (half(s[1][0]) * Float(Int8(bitPattern: UInt8(s[0][k / 16]))),
                     -32 * half(s[1][0]) * Float(Int8(bitPattern: UInt8(s[0][k / 16]))))
                }
            }
            let steps = (0..<layout.weightsPerBlock).map(stepAndOffset)
            guard steps.allSatisfy({ $0.step != 0 }) else { continue }   // a zero scale hides its codes
            let recovered: [Int] = steps.enumerated().map { k, so in
                let q = Int(((w[block * layout.weightsPerBlock + k] - so.offset) / so.step).rounded())
                return type == .q8_0 ? Int(UInt8(bitPattern: Int8(q))) : q
            }
            #expect(recovered.sorted() == list.codes.sorted(), "\(type.name) block \(block)")
        }
    }

    @Test(arguments: [SymbolLayout.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K, .f16, .int8PerTensor])
    func codesAndScalesAccountForEveryStoredBit(layout: SymbolLayout) {
        let scaleBits = layout.scaleFields.reduce(0) { $0 + $1.width * $1.perBlock }
        #expect(layout.weightsPerBlock * layout.codeWidth + scaleBits == layout.bytesPerBlock * 8)
        #expect(layout.scaleMask.filter { $0 }.count * 8 == scaleBits)
    }

    @Test func regroupPutsScaleBytesApartAndInterleaveRestores() {
        let layout = SymbolLayout.q6_K
        let bytes = (0..<(3 * layout.bytesPerBlock)).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
        let (codes, scales) = layout.regroup(bytes)
        #expect(codes.count == 3 * 192 && scales.count == 3 * 18)
        #expect(Array(scales[0..<18]) == Array(bytes[192..<210]))
        #expect(layout.interleave(codes: codes, scales: scales) == bytes)
    }
}

@Suite struct CompressibilityCodecTests {
    static let repetitive = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 % 37) }
    static let noisy: [UInt8] = {
        var random = SplitMix64(seed: 3)
        return (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }()

    static var codecs: [any LosslessCodec] { CodecCatalog(zlibLevels: [1, 9], zstdLevels: [3], includeLZ4: true).codecs }

    @Test func everyAvailableCodecRoundTrips() throws {
        let codecs = Self.codecs
        #expect(codecs.count >= 2)   // zlib is always there
        for codec in codecs {
            for data in [Self.repetitive, Self.noisy, []] {
                let compressed = try codec.compress(data)
                #expect(try codec.decompress(compressed, originalCount: data.count) == data, "\(codec.name)")
            }
            #expect(try codec.compress(Self.repetitive).count * 10 < Self.repetitive.count, "\(codec.name) should find the repeats")
        }
    }

    @Test func missingLibraryIsANoteNotAnError() {
        var failure = ""
        #expect(SharedLibrary(["libdoes-not-exist-quantlab.so.9"], failure: &failure) == nil)
        #expect(!failure.isEmpty)
    }

    @Test func benchRatioAndVerifiedTimings() throws {
        let m = try CompressionBench.measure(ZlibCodec(level: 6), Self.repetitive, repetitions: 3)
        #expect(m.decompressSeconds.samples.count == 3)
        #expect(m.ratio > 10 && m.decompressGBps > 0)
    }
}

@Suite struct CompressibilityLoadModelTests {
    @Test func sequentialBreakEvenIsWhereTheTimesMeet() {
        let r = 1.25, d = 2.0
        let b = LoadTimeModel.sequentialBreakEven(ratio: r, decompression: d)
        #expect(abs(b - 0.4) < 1e-12)   // 2 · (1 − 1/1.25)
        let plain = LoadTimeModel.plainSeconds(bytes: 1e9, bandwidth: b)
        #expect(abs(LoadTimeModel.sequentialSeconds(bytes: 1e9, ratio: r, bandwidth: b, decompression: d) - plain) < 1e-9)
        #expect(LoadTimeModel.sequentialSaving(ratio: r, bandwidth: b / 2, decompression: d) > 0)
        #expect(LoadTimeModel.sequentialSaving(ratio: r, bandwidth: b * 2, decompression: d) < 0)
    }

    @Test func pipelinedBreakEvenIsTheDecompressionSpeed() {
        #expect(LoadTimeModel.pipelinedBreakEven(ratio: 1.1, decompression: 3) == 3)
        let atBreakEven = LoadTimeModel.pipelinedSeconds(bytes: 1, ratio: 1.1, bandwidth: 3, decompression: 3)
        #expect(abs(atBreakEven - LoadTimeModel.plainSeconds(bytes: 1, bandwidth: 3)) < 1e-12)
    }

    @Test func noGainWithoutCompression() {
        #expect(LoadTimeModel.sequentialBreakEven(ratio: 1, decompression: 5) == 0)
        #expect(LoadTimeModel.pipelinedBreakEven(ratio: 0.98, decompression: 5) == 0)
    }
}

@Suite struct CompressibilityDataTests {
    @Test func int8PerTensorMapsTheLargestWeightTo127() {
        let x: [Float] = [0.5, -2, 1, 0.01]
        let q = Int8PerTensor.quantize(x)
        #expect(Int8(bitPattern: q.codes[1]) == -127)
        let restored = Int8PerTensor.dequantize(q.codes, scale: q.scale)
        #expect(zip(x, restored).allSatisfy { abs($0 - $1) <= q.scale / 2 + 1e-7 })
    }

    @Test func sampleTakesWholeBlocksSpreadOverTheStream() {
        let bytes = (0..<(250 * 20)).map { UInt8($0 / 20) }                          // block b holds byte b
        let sample = RealModelDatasets.evenlySpacedSample(bytes, blockBytes: 20, capBytes: 200)
        #expect(sample.count == 200)
        let blocks = stride(from: 0, to: sample.count, by: 20).map { Int(sample[$0]) }
        #expect(blocks == Array(stride(from: 0, to: 250, by: 25)))                  // 10 whole blocks, spread to the end
        #expect(sample[20..<40].allSatisfy { $0 == 25 })
        #expect(RealModelDatasets.evenlySpacedSample(bytes, blockBytes: 20, capBytes: 1 << 20) == bytes)
    }

    @Test func gaussianDatasetsCoverEveryFormatWithKnownError() {
        let datasets = GaussianDatasets.make(weightCount: 512, seed: 1)
        #expect(datasets.map(\.layout.name) == GaussianDatasets.formats.map(\.name) + ["int8/tensor"])
        for d in datasets {
            #expect(d.weightCount == 512, "\(d.label)")
            #expect(d.nmse! > 0 && d.nmse! < 0.05, "\(d.label)")
        }
    }
}

@Suite struct CompressibilityExperimentTests {
    @Test(.enabled(if: ModelChecks.smolLM2Path != nil, "needs SmolLM2-135M (.ci/fetch-smollm2.sh)"))
    func quickRunWritesNotebookChartsAndData() throws {
        let out = NSTemporaryDirectory() + "compressibility-test-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let status = QuantLabCommandLine.run(["experiment", "compressibility", "--quick", "--out", out],
                                             console: Console(capture: true), extraCommands: [ExperimentCommand.self])
        #expect(status == 0)
        let notebook = try String(contentsOfFile: out + "/compressibility.md", encoding: .utf8)
        #expect(notebook.contains("## Conclusion"))
        for chart in ["entropy", "ratio", "break-even", "quality"] {
            #expect(FileManager.default.fileExists(atPath: out + "/charts/compressibility-\(chart).svg"), "\(chart)")
        }
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/data/compressibility.json"))) as! [String: Any]
        let labels = (data["datasets"] as! [[String: Any]]).map { $0["label"] as! String }
        #expect(labels.contains("q4_0 · Gaussian") && labels.contains("int8/tensor · Gaussian"))
        #expect(labels.contains { $0.hasPrefix("q4_1 · ") && $0.contains("SmolLM2") })
        #expect(labels.contains { $0.hasPrefix("q8_0 · ") && $0.contains("token_embd") })
    }
}
