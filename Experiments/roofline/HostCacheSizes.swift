import KernelCore

/// The cache sizes the roofline and unpacking experiments size their matrices by, read from the host, not constants.
struct HostCacheSizes: Equatable {
    /// Bytes of one level-2 cache (per core here), 0 when unknown.
    let level2: Int
    /// Bytes of the last-level cache, 0 when unknown.
    let lastLevel: Int

    init(level2: Int, lastLevel: Int) {
        self.level2 = level2
        self.lastLevel = lastLevel
    }

    init(_ cpu: HostCPU) {
        level2 = cpu.caches.first { $0.level == 2 && $0.kind != "Instruction" }?.bytes ?? 0
        lastLevel = cpu.lastLevelCacheBytes
    }
}
