/// Time to bring S bytes of weights from storage into memory, stored plain or compressed, and the storage bandwidth
/// below which the compressed copy loads faster.
///
/// With storage bandwidth B, compression ratio r (original / compressed bytes) and decompression speed D (bytes of
/// *output* per second):
/// - plain: S / B;
/// - compressed, read then decompress (one thread, no overlap): S / (r·B) + S / D. It is faster when
///   1/D < (1/B)(1 − 1/r), that is when B < B*seq = D·(1 − 1/r);
/// - compressed, reading overlapped with decompressing (a pipeline of chunks on two resources): max(S / (r·B), S / D).
///   Since r > 1 makes S / (r·B) < S / B, it is faster exactly when S / D < S / B: B < B*pipe = D (which is
///   D_in·r in terms of the compressed input speed D_in = D / r). Without r > 1 compression never wins.
/// B*seq is the conservative figure (what a simple loader gets); B*pipe the bound for a perfect pipeline.
enum LoadTimeModel {
    static func plainSeconds(bytes: Double, bandwidth: Double) -> Double { bytes / bandwidth }

    static func sequentialSeconds(bytes: Double, ratio: Double, bandwidth: Double, decompression: Double) -> Double {
        bytes / (ratio * bandwidth) + bytes / decompression
    }

    static func pipelinedSeconds(bytes: Double, ratio: Double, bandwidth: Double, decompression: Double) -> Double {
        max(bytes / (ratio * bandwidth), bytes / decompression)
    }

    /// B*seq = D·(1 − 1/r); 0 when r ≤ 1 (compression never pays).
    static func sequentialBreakEven(ratio: Double, decompression: Double) -> Double {
        ratio > 1 ? decompression * (1 - 1 / ratio) : 0
    }

    /// B*pipe = D; 0 when r ≤ 1.
    static func pipelinedBreakEven(ratio: Double, decompression: Double) -> Double {
        ratio > 1 ? decompression : 0
    }

    /// The fraction of the plain load time that compression saves (negative when it costs time), read then decompress.
    static func sequentialSaving(ratio: Double, bandwidth: Double, decompression: Double) -> Double {
        1 - sequentialSeconds(bytes: 1, ratio: ratio, bandwidth: bandwidth, decompression: decompression)
            / plainSeconds(bytes: 1, bandwidth: bandwidth)
    }
}

/// Storage bandwidths quoted as typical for device classes: labels for the charts, not measurements.
struct TypicalStorage: Codable, Equatable {
    let name: String
    let gigabytesPerSecond: Double

    static let all = [
        TypicalStorage(name: "eMMC", gigabytesPerSecond: 0.3),
        TypicalStorage(name: "SATA SSD", gigabytesPerSecond: 0.5),
        TypicalStorage(name: "NVMe SSD", gigabytesPerSecond: 3),
    ]
}
