import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much CPU other processes took while we measured. A timing at T threads on a machine with fewer than T cores
/// free is biased, not merely noisy: a thread that shares its core with a spinning process stalls every barrier, so
/// a single-threaded kernel "wins" at two threads. Repeating the default cannot see that (the bias repeats), so the
/// tuner and the end-to-end verification read the machine's busy time directly (Linux `/proc/stat`, less this
/// process's own CPU time) and decide nothing at a thread count the others left no room for.
public enum MachineLoad {
    public struct Snapshot: Sendable {
        /// Busy CPU seconds of the whole machine (user, nice, system, irq, softirq, steal), this process's own CPU
        /// seconds, and the wall clock.
        var machineBusy: Double, own: Double, wall: Double
    }

    /// Now; nil where the machine's busy time cannot be read (not Linux).
    public static func now() -> Snapshot? {
        guard let busy = machineBusySeconds() else { return nil }
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Snapshot(machineBusy: busy, own: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                        wall: Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
    }

    /// The cores other processes kept busy, on average, between two snapshots (0 when unknown or too short to tell).
    public static func otherCores(from a: Snapshot?, to b: Snapshot?) -> Double {
        guard let a, let b, b.wall - a.wall > 0.05 else { return 0 }
        return max(0, ((b.machineBusy - a.machineBusy) - (b.own - a.own)) / (b.wall - a.wall))
    }

    /// True when the others left fewer free cores than `threads` needs; a quarter of a core is background noise
    /// (and the tick-sampled accounting's error).
    public static func isBusy(otherCores: Double, threads: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Bool {
        otherCores > Double(cores - threads) + 0.25
    }

    /// A sentence for a busy measurement, with what to do.
    public static func describe(otherCores: Double, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> String {
        String(format: "other processes kept %.1f of %d cores busy", otherCores, cores)
    }

    private static func machineBusySeconds() -> Double? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal: everything but idle and iowait is someone's work.
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
        #else
        return nil
        #endif
    }
}
