#if arch(x86_64)
import KernelCore
import QuantFormats

/// Registry entries for the row kernels: `FMTxACT.avx512.rows` (one thread) and `FMTxACT.avx512.threaded`.
enum AVX512RowVariants {
    static let features: Set<CPUFeature> = [.avx512f, .avx512bw, .avx512vl, .avx512dq, .avx512_vnni, .f16c, .fma]

    static func pair(_ weightType: GGMLType, _ kernel: RowKernel, summary: String) -> [KernelVariant] {
        KernelVariant.singleAndThreaded(.avx512, .rows, weightType: weightType, requiredFeatures: features,
                                        parameters: [RowColumns.parameter, Prefetch.parameter], summary: summary, kernel: kernel)
    }

    static var all: [KernelVariant] {
        pair(.q4_0, NibbleQuadRows<Q4_0Rows>.kernel(quantize: AVX512Quantize.q8_0),
             summary: "AVX-512 VNNI q4_0 rows: 4 blocks per step, word-permuted nibbles and scales, vpdpbusd on a -8*sum(a) panel")
            + pair(.q4_1, NibbleQuadRows<Q4_1Rows>.kernel(quantize: AVX512Quantize.q8_1),
                   summary: "AVX-512 VNNI q4_1 rows: as q4_0 without offset, plus m*s per block from q8_1's sums")
            + pair(.q5_0, NibbleQuadRows<Q5_0Rows>.kernel(quantize: AVX512Quantize.q8_0),
                   summary: "AVX-512 VNNI q5_0 rows: as q4_0, fifth bits turned into byte masks (vpshufb + vptestmb) and added as 16")
            + pair(.q8_0, Q8_0Rows.kernel, summary: "AVX-512 VNNI q8_0 rows: 2 blocks per step, codes + 128 via xor, vpdpbusd on a -128*sum(a) panel")
            + pair(.q4_K, Q4_KRows.kernel, summary: "AVX-512 VNNI q4_K rows: vpmaddubsw + vpdpwssds with vpermd-dealt 6-bit scales, minimums via bsums")
            + pair(.q6_K, Q6_KRows.kernel, summary: "AVX-512 VNNI q6_K rows: high bits by per-half variable shifts, vpmaddubsw + vpdpwssds, offset via bsums")
            + FloatRows.variants(F32Rows.self, summary: "AVX-512 f32 rows: register tiles of rows x columns, one FMA accumulator per pair")
            + FloatRows.variants(F16Rows.self, summary: "AVX-512 f16 rows: vcvtph2ps-widened halves, register tiles of rows x columns")
    }
}
#endif
