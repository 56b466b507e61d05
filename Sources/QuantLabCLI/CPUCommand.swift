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

func formatBytes(_ bytes: Int) -> String {
    if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) B"
}
