import KernelCore

/// `quantlab roofline`: the machine's read bandwidth and int8 peak, the two limits bench rows are measured against.
enum RooflineCommand: Command {
    static let name = "roofline"
    static let summary = "measure this machine's read bandwidth and int8 dot-product peak"
    static let usage = """
        quantlab roofline [--threads 1,2] [--buffer-mib N] [--json]

        Bandwidth: reading a buffer of at least 1 GiB and 8x the last-level cache. Int8 peak: independent chains
        of 512-bit vpdpbusd (AVX-512 VNNI) or portable SIMD products where that is missing. Medians of repeats.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ThreadCounts.add(to: &s)
        s.option("--buffer-mib", value: "N", "read-bandwidth buffer in MiB (default max(1024, 8 x LLC))")
        s.flag("--json", "print one JSON object")
        return s
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let threads = try ThreadCounts.parse(arguments)
        let mib = try arguments.value("--buffer-mib").map { _ in try arguments.int("--buffer-mib", default: 1024, in: 1...65536) }
        let limits = MachineLimits.measure(threads: threads, bufferBytes: mib.map { $0 << 20 }, pool: KernelContext.shared.pool) {
            console.printError("roofline: \($0)")
        }
        if arguments.has("--json") {
            struct Report: Encodable { let cpu: HostCPU; let limits: MachineLimits }
            return try console.printJSON(Report(cpu: .current, limits: limits))
        }
        console.print("probe: \(limits.probe), buffer \(formatBytes(limits.bufferBytes))")
        console.print(formatTable(header: ["threads", "read GB/s", "int8 Gop/s"], rows: threads.map {
            [String($0), String(format: "%.1f", limits.readGBps[$0] ?? 0), String(format: "%.0f", limits.int8Gops[$0] ?? 0)]
        }))
    }
}

/// "1,2,4" to [1, 2, 4]; every entry a positive integer.
func parseIntList(_ text: String, option: String) throws -> [Int] {
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw UsageError("\(option) expects comma-separated positive integers, got '\(text)'")
    }
    return values.map { $0! }
}
