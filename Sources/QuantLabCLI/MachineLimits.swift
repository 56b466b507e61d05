import KernelCore
import X86Probes

/// The two limits a kernel is judged against: streaming read bandwidth (decode) and int8 dot-product throughput
/// (prefill), measured here, per thread count, with the widest probe this CPU runs.
struct MachineLimits: Codable {
    /// GB/s read from a buffer larger than the last-level cache, by thread count.
    var readGBps: [Int: Double]
    /// Giga int8 operations (multiply and add counted separately) per second, by thread count.
    var int8Gops: [Int: Double]
    var probe: String
    var bufferBytes: Int

    enum CodingKeys: String, CodingKey {
        case probe
        case readGBps = "read_gbps", int8Gops = "int8_gops", bufferBytes = "buffer_bytes"
    }

    static func measure(threads: [Int], bufferBytes requested: Int? = nil, pool: ThreadPool,
                        progress: (String) -> Void = { _ in }) -> MachineLimits {
        let cpu = HostCPU.current
        let avx512 = cpu.features.isSuperset(of: CPUFeature.avx512Target)  // the Probes target's compile flags
        // At least 1 GiB and 8x the last-level cache, so the reads come from memory.
        let bytes = (requested ?? max(1 << 30, 8 * cpu.lastLevelCacheBytes)) / 4096 * 4096
        let buffer = AlignedBuffer(count: bytes)
        var limits = MachineLimits(readGBps: [:], int8Gops: [:], probe: avx512 ? "avx512" : "portable", bufferBytes: bytes)
        for t in Set(threads).sorted() {
            progress("measuring read bandwidth and int8 peak with \(t) thread(s)")
            limits.readGBps[t] = readBandwidth(buffer, threads: t, avx512: avx512, pool: pool)
            limits.int8Gops[t] = int8Peak(threads: t, avx512: avx512, pool: pool)
        }
        return limits
    }

    /// Median over five passes; each thread reads its own contiguous slice.
    static func readBandwidth(_ buffer: AlignedBuffer, threads: Int, avx512: Bool, pool: ThreadPool) -> Double {
        let slice = buffer.count / threads / 256 * 256
        let base = UnsafeRawPointer(buffer.base)
        let sink = SumSink(count: threads)
        let times = (0..<6).map { _ in
            Stopwatch.seconds {
                pool.run(tasks: threads, threads: threads) { t in
                    let start = base + t * slice
                    #if arch(x86_64)
                    sink.values[t] = avx512 ? AVX512Probes.read(start, bytes: slice) : PortableProbes.read(start, bytes: slice)
                    #else
                    sink.values[t] = PortableProbes.read(start, bytes: slice)
                    #endif
                }
            }
        }
        return Double(slice * threads) / TimingSummary(Array(times.dropFirst())).median / 1e9
    }

    static func int8Peak(threads: Int, avx512: Bool, pool: ThreadPool) -> Double {
        let iterations = avx512 ? 20_000_000 : 2_000_000
        let perIteration = avx512 ? avx512OperationsPerIteration : PortableProbes.int8OperationsPerIteration
        let sink = SumSink(count: threads)
        let times = (0..<4).map { round in
            Stopwatch.seconds {
                pool.run(tasks: threads, threads: threads) { t in
                    #if arch(x86_64)
                    let value = avx512 ? AVX512Probes.int8DotProducts(iterations: iterations, seed: Int32(t + round))
                        : PortableProbes.int8DotProducts(iterations: iterations, seed: Int32(t + round))
                    #else
                    let value = PortableProbes.int8DotProducts(iterations: iterations, seed: Int32(t + round))
                    #endif
                    sink.values[t] = UInt64(UInt32(bitPattern: value))
                }
            }
        }
        return Double(iterations * perIteration * threads) / TimingSummary(Array(times.dropFirst())).median / 1e9
    }

    static var avx512OperationsPerIteration: Int {
        #if arch(x86_64)
        AVX512Probes.int8OperationsPerIteration
        #else
        0
        #endif
    }

    /// Bandwidth for `threads`, falling back to the nearest measured count.
    func bandwidth(threads: Int) -> Double? { nearest(readGBps, threads) }
    func int8Peak(threads: Int) -> Double? { nearest(int8Gops, threads) }

    private func nearest(_ table: [Int: Double], _ threads: Int) -> Double? {
        table[threads] ?? table.min { abs($0.key - threads) < abs($1.key - threads) }?.value
    }
}

/// Per-thread checksums, kept so the probes' reads are not optimised away. Raw storage, one slot per thread: a
/// Swift array mutated from several threads at once would be an exclusivity violation.
final class SumSink: @unchecked Sendable {
    let values: UnsafeMutablePointer<UInt64>
    init(count: Int) {
        values = .allocate(capacity: count)
        values.initialize(repeating: 0, count: count)
    }
    deinit { values.deallocate() }
}
