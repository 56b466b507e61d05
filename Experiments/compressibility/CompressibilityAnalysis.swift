/// Measures one dataset: the entropy of its codes and scales, every codec on its bytes, and one codec on its
/// regrouped streams.
enum CompressibilityAnalysis {
    static func analyze(_ dataset: WeightDataset, codecs: [any LosslessCodec], regroupCodec: (any LosslessCodec)?,
                        repetitions: Int) throws -> DatasetResult {
        let layout = dataset.layout
        let statistics = dataset.bytes.withUnsafeBytes { SymbolStatistics(layout, of: $0) }
        let weights = Double(dataset.weightCount)
        precondition(statistics.codes.total == dataset.weightCount, "\(dataset.label): one code per weight")
        precondition(statistics.codes.storedBits + statistics.scaleStoredBits == Double(dataset.bytes.count * 8),
                     "\(layout.name): codes and scales must account for every stored bit")
        var byteHistogram = SymbolHistogram(width: 8)
        for byte in dataset.bytes { byteHistogram.add(Int(byte)) }
        let codeBound = statistics.codes.entropyBoundBits / weights
        let scaleBound = statistics.scaleEntropyBoundBits / weights
        let compression = try codecs.map { codec in
            let m = try CompressionBench.measure(codec, dataset.bytes, repetitions: repetitions)
            let savings = Dictionary(uniqueKeysWithValues: TypicalStorage.all.map {
                ($0.name, LoadTimeModel.sequentialSaving(ratio: m.ratio, bandwidth: $0.gigabytesPerSecond, decompression: m.decompressGBps))
            })
            return CodecResult(codec: codec.name, measurement: m, ratio: m.ratio, decompressGBps: m.decompressGBps,
                               bitsPerWeight: Double(m.compressedBytes * 8) / weights,
                               breakEvenSequentialGBps: LoadTimeModel.sequentialBreakEven(ratio: m.ratio, decompression: m.decompressGBps),
                               breakEvenPipelinedGBps: LoadTimeModel.pipelinedBreakEven(ratio: m.ratio, decompression: m.decompressGBps),
                               savings: savings)
        }
        return DatasetResult(
            label: dataset.label, format: layout.name, source: dataset.source, provenance: dataset.provenance,
            weights: dataset.weightCount, bytes: dataset.bytes.count, storedBitsPerWeight: layout.storedBitsPerWeight,
            codeWidth: layout.codeWidth, codeEntropyBits: statistics.codes.entropyBits,
            codeDistinctValues: statistics.codes.distinctSymbols,
            codeStoredBitsPerWeight: statistics.codes.storedBits / weights, codeEntropyBitsPerWeight: codeBound,
            scaleStoredBitsPerWeight: statistics.scaleStoredBits / weights, scaleEntropyBitsPerWeight: scaleBound,
            scaleFields: zip(layout.scaleFields, statistics.scales).map {
                FieldEntropy(name: $0.name, width: $0.width, entropyBits: $1.entropyBits, distinctValues: $1.distinctSymbols)
            },
            entropyBoundBitsPerWeight: codeBound + scaleBound,
            idealRatio: layout.storedBitsPerWeight / max(codeBound + scaleBound, 1e-12),
            byteEntropyBits: byteHistogram.entropyBits, byteIdealRatio: 8 / max(byteHistogram.entropyBits, 1e-12),
            nmse: dataset.nmse, compression: compression,
            regrouped: try regroupCodec.map { try regrouped(dataset, $0) })
    }

    /// The codes and the scales compressed apart, each round trip checked. Nil ratios for a format without scales.
    static func regrouped(_ dataset: WeightDataset, _ codec: any LosslessCodec) throws -> RegroupedResult {
        let (codes, scales) = dataset.layout.regroup(dataset.bytes)
        func compressedCount(_ stream: [UInt8]) throws -> Int {
            let compressed = try codec.compress(stream)
            guard try codec.decompress(compressed, originalCount: stream.count) == stream else {
                throw ExperimentError("\(codec.name): the regrouped stream of \(dataset.label) did not round-trip")
            }
            return compressed.count
        }
        let codesCompressed = try compressedCount(codes)
        let scalesCompressed = scales.isEmpty ? 0 : try compressedCount(scales)
        return RegroupedResult(codec: codec.name, codesRatio: Double(codes.count) / Double(max(codesCompressed, 1)),
                               scalesRatio: scales.isEmpty ? nil : Double(scales.count) / Double(max(scalesCompressed, 1)),
                               totalRatio: Double(dataset.bytes.count) / Double(max(codesCompressed + scalesCompressed, 1)))
    }
}
