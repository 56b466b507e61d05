import KernelCore

/// The variants this target contributes to the registry: row kernels written with Swift's SIMD types only, so they
/// compile with no instruction-set flags and run on any x86-64 (SSE2) and on arm64 (NEON). They show what vector
/// width alone buys over the scalar reference, and what intrinsics buy over portable code.
public enum PortableKernels {
    public static var all: [KernelVariant] {
        PortableRows.variants(PortableQ4_0.self, summary: "q4_0 x q8_0, Swift SIMD: 16-bit products of nibble codes, quads of blocks, batches of columns")
            + PortableRows.variants(PortableQ8_0.self, summary: "q8_0 x q8_0, Swift SIMD: 16-bit products widened per vector, quads of blocks, batches of columns")
            + PortableRows.variants(PortableQ4_K.self, summary: "q4_K x q8_K, Swift SIMD: quads of sub-blocks, scales and minimums once per quad, batches of columns")
            + PortableRows.variants(PortableQ4_1.self, summary: "q4_1 x q8_1, Swift SIMD: q4_0's machinery plus the q8_1 sum term")
            + PortableRows.variants(PortableQ5_0.self, summary: "q5_0 x q8_0, Swift SIMD: q4_0's machinery plus the fifth bit by mask and compare")
            + PortableRows.variants(PortableQ6_K.self, summary: "q6_K x q8_K, Swift SIMD: 6-bit codes by mask and merge, quads of 16-value sub-blocks")
            + PortableRows.variants(PortableQ5_1.self, summary: "q5_1 x q8_1, Swift SIMD: q5_0's five-bit codes with q4_1's minimum term")
            + PortableRows.variants(PortableQ5_K.self, summary: "q5_K x q8_K, Swift SIMD: q4_K's machinery plus the fifth bit per sub-block")
            + PortableRows.variants(PortableIQ4_NL.self, summary: "iq4_nl x q8_0, Swift SIMD: grid values by lookup, two products per 16-bit lane")
            + PortableRows.variants(PortableIQ4_XS.self, summary: "iq4_xs x q8_K, Swift SIMD: iq4_nl's lookups in sub-blocks of 32 with 6-bit scales")
            + PortableRows.variants(PortableQ3_K.self, summary: "q3_K x q8_K, Swift SIMD: 2 low bits and the hmask bit by mask and merge, quads of 16-value sub-blocks")
            + PortableRows.variants(PortableQ2_K.self, summary: "q2_K x q8_K, Swift SIMD: 2-bit codes by shift and mask, 4-bit scales and minimums per 16 values")
            + PortableFloatRows.variants(PortableF32.self, summary: "f32 x f32, Swift SIMD: register tiles of rows x columns, one 4-lane accumulator per pair")
            + PortableFloatRows.variants(PortableF16.self, summary: "f16 x f16, Swift SIMD: halves widened by integer ops, register tiles of rows x columns")
    }
}
