import Foundation
import KernelCore
import QuantFormats

/// What the roofline experiment sweeps: one shape, every weight format, N in powers of two, 1 and 2 threads.
struct RooflineSettings: Equatable {
    var formats: [GGMLType]
    var m: Int, k: Int
    var ns: [Int]
    var threadCounts: [Int]
    var repetitions: Int
    var minSeconds: Double

    /// Every quantized weight format, and f16 as the unquantized contrast.
    static let allFormats: [GGMLType] = FormatTraits.quantizedWeightFormats.map(\.type) + [.f16]

    /// Methods that run on one thread, and their multi-threaded counterparts (timed at the larger thread counts).
    static let singleThreadMethods = ["rows", "tiled"]
    static let multiThreadMethods = ["threaded", "tiled-threaded"]

    static func methods(threads: Int) -> [String] { threads == 1 ? singleThreadMethods : multiThreadMethods }

    /// K = 8192 and M rounded up to a power of two so that the 4-bit weights (q4_0, 4.5 bits) fill at least
    /// twice the last-level cache: every N = 1 run streams its weights from memory, not from L3.
    static func full(cpu: HostCPU = .current) -> RooflineSettings {
        let k = 8192
        return RooflineSettings(formats: allFormats, m: rowsFilling(cacheBytes: cpu.lastLevelCacheBytes, times: 2, k: k), k: k,
                         ns: (0...9).map { 1 << $0 }, threadCounts: threadCounts(cpu), repetitions: 5, minSeconds: 0.3)
    }

    /// A shape small enough to run from cache and three N: exercises every step in seconds; figures are not findings.
    static func quick(cpu: HostCPU = .current) -> RooflineSettings {
        RooflineSettings(formats: allFormats, m: 512, k: 1024, ns: [1, 2, 16], threadCounts: threadCounts(cpu),
                         repetitions: 1, minSeconds: 0)
    }

    /// 1 thread, and 2 where the machine has two cores or more.
    static func threadCounts(_ cpu: HostCPU) -> [Int] { cpu.logicalCores >= 2 ? [1, 2] : [1] }

    /// The smallest power-of-two row count (at least 8192) whose q4_0 weights of row length `k` take `times` x
    /// `cacheBytes` or more.
    static func rowsFilling(cacheBytes: Int, times: Int, k: Int) -> Int {
        let rowBytes = GGMLType.q4_0.rowBytes(count: k) ?? k
        var rows = 8192
        while rows * rowBytes < times * cacheBytes { rows *= 2 }
        return rows
    }
}
