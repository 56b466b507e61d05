import KernelCore

/// What a tuning result is valid for. Results measured under one key are never used under another.
public struct TuningKey: Codable, Hashable, Sendable, CustomStringConvertible {
    /// CPU model, features, cores and caches, hashed, with the model kept readable.
    public var cpu: String
    /// Compiler version and the hash of the kernel and format sources.
    public var build: String

    public init(cpu: String, build: String) {
        self.cpu = cpu
        self.build = build
    }

    /// The key of this process on this machine.
    public static var current: TuningKey { TuningKey(cpu: cpuFingerprint(.current), build: buildFingerprint) }

    public static func cpuFingerprint(_ cpu: HostCPU) -> String {
        let caches = cpu.caches.sorted { ($0.level, $0.kind) < ($1.level, $1.kind) }
            .map { "L\($0.level)\($0.kind.prefix(1))\($0.bytes)/\($0.sharedBy)" }.joined(separator: ",")
        let text = "\(cpu.architecture)|\(cpu.model)|\(cpu.features.sorted().map(\.rawValue).joined(separator: ","))|\(cpu.logicalCores)|\(caches)"
        return "\(cpu.model) [\(cpu.logicalCores) cores] #\(FNV1a.hex(text))"
    }

    public static var buildFingerprint: String { "\(compilerVersion) kernels #\(KernelSourceHash.value)" }

    static var compilerVersion: String {
        #if compiler(>=6.4)
        "swift-6.4+"
        #elseif compiler(>=6.3)
        "swift-6.3"
        #elseif compiler(>=6.2)
        "swift-6.2"
        #else
        "swift-6.0"
        #endif
    }

    public var description: String { "cpu \(cpu), build \(build)" }
}

/// 64-bit FNV-1a: a stable, dependency-free hash for fingerprints (not for security).
public enum FNV1a {
    public static func hash<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    public static func hex(_ text: String) -> String { String(hash(text.utf8), radix: 16) }
}
