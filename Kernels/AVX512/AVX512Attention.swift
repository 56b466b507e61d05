import KernelCore

extension AVX512Kernels {
    /// Attention compiled with AVX-512 and FMA: 16-float vectors are single registers and multiply-adds fuse.
    public static var attention: [AttentionKernel] {
        #if arch(x86_64)
        [AttentionKernel(id: "avx512", requiredFeatures: [.avx512f, .fma]) { q, k, v, last, headDim, scores, out in
            AttentionMath.attend(query: q, keyBlocks: k, valueRows: v, last: last, headDim: headDim, scores: scores, out: out)
        }]
        #else
        []
        #endif
    }
}
