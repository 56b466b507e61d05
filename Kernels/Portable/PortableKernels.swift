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
            + PortableFloatRows.variants(PortableF32.self, summary: "f32 x f32, Swift SIMD: register tiles of rows x columns, one 4-lane accumulator per pair")
            + PortableFloatRows.variants(PortableF16.self, summary: "f16 x f16, Swift SIMD: halves widened by integer ops, register tiles of rows x columns")
    }
}
