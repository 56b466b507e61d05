import Foundation

/// What the lab knows about the CPU it runs on: read once from Linux's `/proc/cpuinfo` and `/sys`, which report only
/// the features the kernel has enabled (AVX-512 state saving included), so a listed feature is safe to use.
public struct HostCPU: Sendable, Codable, Equatable {
    public struct Cache: Sendable, Codable, Equatable {
        public var level: Int
        public var kind: String      // Data, Instruction, Unified
        public var bytes: Int
        public var sharedBy: Int     // logical CPUs sharing one instance

        enum CodingKeys: String, CodingKey {
            case level, kind, bytes
            case sharedBy = "shared_by"
        }
    }

    public var architecture: String
    public var model: String
    public var features: Set<CPUFeature>
    public var logicalCores: Int
    public var caches: [Cache]

    enum CodingKeys: String, CodingKey {
        case architecture, model, features, caches
        case logicalCores = "logical_cores"
    }

    public init(architecture: String, model: String, features: Set<CPUFeature>, logicalCores: Int, caches: [Cache]) {
        self.architecture = architecture
        self.model = model
        self.features = features
        self.logicalCores = logicalCores
        self.caches = caches
    }

    /// The machine this process runs on.
    public static let current: HostCPU = detect()

    /// Bytes of the largest cache level (the last-level cache), 0 when unknown.
    public var lastLevelCacheBytes: Int { caches.max { $0.level < $1.level }?.bytes ?? 0 }

    static func detect() -> HostCPU {
        #if arch(x86_64)
        let architecture = "x86_64"
        #elseif arch(arm64)
        let architecture = "arm64"
        #else
        let architecture = "unknown"
        #endif
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return HostCPU(architecture: architecture,
                       model: modelName(cpuinfo) ?? "unknown",
                       features: features(cpuinfo),
                       logicalCores: ProcessInfo.processInfo.activeProcessorCount,
                       caches: caches())
    }

    /// Value of the first `key : value` line of `/proc/cpuinfo` whose key is one of `keys`.
    static func field(_ cpuinfo: String, _ keys: Set<String>) -> String? {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, keys.contains(parts[0].trimmingCharacters(in: .whitespaces)) {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func modelName(_ cpuinfo: String) -> String? {
        field(cpuinfo, ["model name", "Model", "CPU part"])
    }

    /// Parses the flag list (`flags` on x86, `Features` on arm64) into the features the lab cares about.
    public static func features(_ cpuinfo: String) -> Set<CPUFeature> {
        let flags = Set((field(cpuinfo, ["flags", "Features"]) ?? "").split(separator: " ").map(String.init))
        var found = Set(CPUFeature.allCases.filter { flags.contains($0.rawValue) })
        if flags.contains("sse4_2") || flags.contains("avx") { found.insert(.sse4_2) }
        return found
    }

    static func caches() -> [Cache] {
        var result: [Cache] = []
        for index in 0..<8 {
            let dir = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: dir + name, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let level = read("level").flatMap(Int.init), let kind = read("type"),
                  let size = read("size").flatMap(parseSize) else { continue }
            result.append(Cache(level: level, kind: kind, bytes: size, sharedBy: read("shared_cpu_list").map(cpuCount) ?? 1))
        }
        return result
    }

    /// "32K", "2048K", "32M" to bytes.
    static func parseSize(_ text: String) -> Int? {
        let scale: Int
        var digits = Substring(text)
        switch text.last {
        case "K": scale = 1 << 10; digits = digits.dropLast()
        case "M": scale = 1 << 20; digits = digits.dropLast()
        case "G": scale = 1 << 30; digits = digits.dropLast()
        default: scale = 1
        }
        return Int(digits).map { $0 * scale }
    }

    /// Count of CPUs in a list such as "0-3,8".
    static func cpuCount(_ list: String) -> Int {
        list.split(separator: ",").reduce(0) { total, part in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
        }
    }
}
