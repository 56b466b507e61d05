/// Instruction-set features a kernel variant may need. Raw values are the names Linux uses in `/proc/cpuinfo`.
public enum CPUFeature: String, Sendable, CaseIterable, Codable, Comparable {
    // x86-64
    case sse4_2, avx, avx2, fma, f16c, bmi2
    case avx512f, avx512bw, avx512vl, avx512dq, avx512_vnni, avx512_bf16, avx_vnni, avx512vbmi
    // arm64
    case neon = "asimd", dotprod = "asimddp", i8mm, sve, fphp, bf16

    public static func < (a: CPUFeature, b: CPUFeature) -> Bool { a.rawValue < b.rawValue }
}

extension CPUFeature {
    /// What the AVX2 kernel target is compiled for (`avx2Flags` in Package.swift).
    public static let avx2Target: Set<CPUFeature> = [.avx2, .fma, .f16c, .bmi2]
    /// What the AVX-512 targets (row and tiled kernels, probes) are compiled for (`avx512Flags` in Package.swift).
    /// Code in those modules may use any of these anywhere, so a CPU must have all of them to enter one.
    public static let avx512Target: Set<CPUFeature> = avx2Target.union([.avx512f, .avx512bw, .avx512vl, .avx512dq, .avx512_vnni])
}
