import Foundation
import KernelCore

/// `quantlab cpu`: what the lab detects about this machine.
enum CPUCommand: Command {
    static let name = "cpu"
    static let summary = "show this CPU: model, features, cores, caches"
    static let usage = "quantlab cpu [--json]"
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.flag("--json", "print one JSON object")
        return s
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let cpu = HostCPU.current
        if arguments.has("--json") { return try console.printJSON(cpu) }
        console.print("model:     \(cpu.model)")
        console.print("arch:      \(cpu.architecture)")
        console.print("cores:     \(cpu.logicalCores) logical")
        console.print("features:  \(cpu.features.sorted().map(\.rawValue).joined(separator: " "))")
        for cache in cpu.caches.sorted(by: { ($0.level, $0.kind) < ($1.level, $1.kind) }) {
            console.print("cache:     L\(cache.level) \(cache.kind.lowercased()) \(formatBytes(cache.bytes)), shared by \(cache.sharedBy) CPU(s)")
        }
    }
}

/// Human-readable size: exact units when the size is a whole number of them, else one decimal.
func formatBytes(_ bytes: Int) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
        let value = Double(bytes) / Double(1 << shift)
        return bytes % (1 << shift) == 0 ? "\(bytes >> shift) \(unit)" : String(format: "%.1f %@", value, unit)
    }
    return "\(bytes) B"
}
