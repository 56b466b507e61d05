import Foundation
import KernelCore

/// One codec on one byte stream: the compressed size, and the decompression speed over repeated runs, each run's
/// output checked byte for byte against the original.
struct CodecMeasurement: Codable {
    let codec: String
    let originalBytes: Int
    let compressedBytes: Int
    let compressSeconds: Double
    /// Seconds per decompression of the whole stream, from memory to memory, on one thread.
    let decompressSeconds: TimingSummary

    /// Original over compressed bytes.
    var ratio: Double { Double(originalBytes) / Double(max(compressedBytes, 1)) }
    /// Decompression speed in GB/s (10⁹ bytes) of output: the D of `LoadTimeModel`.
    var decompressGBps: Double { Double(originalBytes) / decompressSeconds.median / 1e9 }
    var compressGBps: Double { Double(originalBytes) / compressSeconds / 1e9 }
}

enum CompressionBench {
    /// Compresses `bytes` once, then decompresses `repetitions` times into one preallocated buffer (already touched,
    /// so page faults are not timed). Throws when any round trip differs from the original.
    static func measure(_ codec: any LosslessCodec, _ bytes: [UInt8], repetitions: Int) throws -> CodecMeasurement {
        precondition(repetitions > 0, "at least one decompression")
        var compressed: [UInt8] = []
        let compressSeconds = try seconds { compressed = try codec.compress(bytes) }
        var output = [UInt8](repeating: 0, count: bytes.count)
        var samples: [Double] = []
        for repetition in 0..<repetitions {
            var written = 0
            let elapsed = try compressed.withUnsafeBytes { source in
                try output.withUnsafeMutableBytes { destination in
                    try seconds { written = try codec.decompress(source, into: destination) }
                }
            }
            guard written == bytes.count, output == bytes else {
                throw ExperimentError("\(codec.name): round trip \(repetition + 1) gave \(written) bytes that differ from the \(bytes.count) compressed")
            }
            samples.append(elapsed)
            output.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        }
        return CodecMeasurement(codec: codec.name, originalBytes: bytes.count, compressedBytes: compressed.count,
                                compressSeconds: compressSeconds, decompressSeconds: TimingSummary(samples))
    }

    /// Wall-clock seconds of `body` (which may throw).
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Stopwatch.now()
        try body()
        return max(Double(Stopwatch.now() - start) / 1e9, 1e-9)
    }
}
