import KernelCore

extension AVX2Kernels {
    /// Attention compiled with AVX2 and FMA: 16-float vectors are two registers and multiply-adds fuse.
    public static var attention: [AttentionKernel] {
        #if arch(x86_64)
        [AttentionKernel(id: "avx2", requiredFeatures: [.avx2, .fma]) { q, k, v, last, headDim, scores, out in
            AttentionMath.attend(query: q, keyBlocks: k, valueRows: v, last: last, headDim: headDim, scores: scores, out: out)
        }]
        #else
        []
        #endif
    }
}
