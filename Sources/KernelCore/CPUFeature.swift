/// Instruction-set features a kernel variant may need. Raw values are the names Linux uses in `/proc/cpuinfo`.
public enum CPUFeature: String, Sendable, CaseIterable, Codable, Comparable {
    // x86-64
    case sse4_2, avx, avx2, fma, f16c, bmi2
    case avx512f, avx512bw, avx512vl, avx512dq, avx512_vnni, avx512_bf16, avx_vnni, avx512vbmi
    // arm64
    case neon = "asimd", dotprod = "asimddp", i8mm, sve, fphp, bf16

    public static func < (a: CPUFeature, b: CPUFeature) -> Bool { a.rawValue < b.rawValue }
}
