/// The sizes and codec settings of a run: the full one for findings, the quick one for tests and smoke runs.
struct CompressibilitySettings {
    /// Gaussian weights per format (a multiple of 256).
    let gaussianWeights: Int
    /// The most bytes taken from the real model per tensor type (evenly spaced whole blocks).
    let realSampleBytes: Int
    /// Decompressions timed per codec and dataset (the median is reported).
    let repetitions: Int
    let zlibLevels: [Int32]
    let zstdLevels: [Int32]
    let seed: UInt64 = 0x5eed_c0de

    /// About 4 M Gaussian weights per format and 16 MiB per real tensor type: entropies within a few thousandths of
    /// a bit of their limit and decompression timed over megabytes (far above timer resolution).
    static let full = CompressibilitySettings(gaussianWeights: 1 << 22, realSampleBytes: 16 << 20, repetitions: 7,
                                              zlibLevels: [1, 6, 9], zstdLevels: [3, 19])
    static let quick = CompressibilitySettings(gaussianWeights: 1 << 15, realSampleBytes: 128 << 10, repetitions: 3,
                                               zlibLevels: [1, 6, 9], zstdLevels: [3, 19])

    /// The codec for the regrouped streams: the strongest one available.
    static let regroupPreference = ["zstd-19", "zlib-9"]
}
