/// Everything the notebook reports, as written to data/compressibility.json.
struct CompressibilityResults: Codable {
    let gaussianWeights: Int
    let realModel: String?
    let realSampleBytes: Int
    let repetitions: Int
    let codecs: [String]
    /// Codecs that could not run on this host, and why.
    let codecNotes: [String]
    /// The codec used on the regrouped (codes apart from scales) streams.
    let regroupCodec: String
    let typicalStorage: [TypicalStorage]
    let datasets: [DatasetResult]
}

/// Order-0 entropy of one scale field of a format.
struct FieldEntropy: Codable {
    let name: String
    let width: Int
    let entropyBits: Double
    let distinctValues: Int
}

/// One codec on one dataset, with the break-even bandwidths it implies.
struct CodecResult: Codable {
    let codec: String
    let measurement: CodecMeasurement
    /// Original over compressed bytes.
    let ratio: Double
    /// Decompression speed D, GB/s of output (median).
    let decompressGBps: Double
    let bitsPerWeight: Double
    /// B*seq and B*pipe of `LoadTimeModel`, GB/s.
    let breakEvenSequentialGBps: Double
    let breakEvenPipelinedGBps: Double
    /// Fraction of the plain load time saved at each typical storage bandwidth (read, then decompress), by name.
    let savings: [String: Double]
}

/// The codes and the scales compressed as two separate streams (see `SymbolLayout.regroup`).
struct RegroupedResult: Codable {
    let codec: String
    let codesRatio: Double
    let scalesRatio: Double?
    /// Original bytes over the two compressed streams together.
    let totalRatio: Double
}

struct DatasetResult: Codable {
    let label: String
    let format: String
    let source: WeightDataset.Source
    let provenance: String
    let weights: Int
    let bytes: Int
    let storedBitsPerWeight: Double
    let codeWidth: Int
    /// Order-0 entropy of the codes, bits per code (at most `codeWidth`).
    let codeEntropyBits: Double
    let codeDistinctValues: Int
    let codeStoredBitsPerWeight: Double
    let codeEntropyBitsPerWeight: Double
    let scaleStoredBitsPerWeight: Double
    let scaleEntropyBitsPerWeight: Double
    let scaleFields: [FieldEntropy]
    /// The order-0 bound on the whole stream: codes and scale fields each entropy-coded on their own.
    let entropyBoundBitsPerWeight: Double
    /// Stored over bound: the ratio an ideal order-0 coder would reach.
    let idealRatio: Double
    /// Order-0 entropy of the stored bytes as 8-bit symbols: what a byte-oriented entropy coder (deflate's and
    /// zstd's literal Huffman) can reach without matches, whatever the codes' own width.
    let byteEntropyBits: Double
    /// 8 / byteEntropyBits.
    let byteIdealRatio: Double
    let nmse: Double?
    let compression: [CodecResult]
    let regrouped: RegroupedResult?

    /// The codec with the highest ratio.
    var best: CodecResult? { compression.max { $0.ratio < $1.ratio } }
    func result(_ codec: String) -> CodecResult? { compression.first { $0.codec == codec } }
}
