import Foundation
import KernelCore
import QuantFormats

/// Where a matrix's weights live while a kernel streams them, set by their size against the host's caches.
enum Residency: String, Codable, CaseIterable, Comparable {
    case l2 = "L2", l3 = "L3", dram = "DRAM"

    static func < (a: Residency, b: Residency) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// What the unpacking experiment sweeps: six weight formats, three residencies, N = 1 and a prefill N, each ISA tier.
struct UnpackingSettings: Equatable {
    var formats: [GGMLType]
    /// Row length: a multiple of 256 so every format (the K-quants' 256-weight super-blocks included) applies.
    var k: Int
    /// Weight bytes to aim for, per residency.
    var targetBytes: [Residency: Int]
    var decodeN: Int, prefillN: Int
    /// Instruction-set tiers, narrowest first; the scalar reference is timed apart (see `referenceCases`).
    var tiers: [String]
    var repetitions: Int, minSeconds: Double

    static let formats: [GGMLType] = FormatTraits.quantizedWeightFormats.map(\.type)
    static let allTiers = ["portable", "avx2", "avx512"]

    /// Half of L2, half of L3, and 4x L3, from the host's cache sizes.
    static func full(caches: HostCacheSizes = HostCacheSizes(.current)) -> UnpackingSettings {
        let l2 = caches.level2 > 0 ? caches.level2 : 1 << 20
        let l3 = caches.lastLevel > 0 ? caches.lastLevel : 32 << 20
        return UnpackingSettings(formats: formats, k: 4096, targetBytes: [.l2: l2 / 2, .l3: l3 / 2, .dram: 4 * l3],
                                 decodeN: 1, prefillN: 512, tiers: availableTiers(), repetitions: 9, minSeconds: 0.3)
    }

    /// Small matrices (all in cache) and N = 16: every step in seconds; the residency labels do not hold.
    static func quick() -> UnpackingSettings {
        UnpackingSettings(formats: formats, k: 1024, targetBytes: [.l2: 32 << 10, .l3: 128 << 10, .dram: 512 << 10],
                          decodeN: 1, prefillN: 16, tiers: availableTiers(), repetitions: 1, minSeconds: 0)
    }

    /// The tiers with a row kernel this CPU runs.
    static func availableTiers() -> [String] {
        allTiers.filter { tier in formats.contains { VariantChoice.variant($0, instructionSet: tier, method: "rows") != nil } }
    }

    /// Rows (a multiple of 16, at least 16) whose weights in `format` come closest to `bytes` at row length `k`.
    static func rows(for format: GGMLType, bytes: Int, k: Int) -> Int {
        let rowBytes = Double(format.rowBytes(count: k) ?? k)
        return max(16, Int((Double(bytes) / rowBytes / 16).rounded()) * 16)
    }

    func m(_ format: GGMLType, _ residency: Residency) -> Int {
        Self.rows(for: format, bytes: targetBytes[residency] ?? 0, k: k)
    }

    /// Only one timed run (after the warm-up) where a single run takes seconds: prefill over weights in DRAM.
    func repetitions(_ residency: Residency, n: Int) -> Int { residency == .dram && n == prefillN ? 1 : repetitions }
}
