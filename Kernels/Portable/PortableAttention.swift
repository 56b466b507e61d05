import KernelCore

extension PortableKernels {
    /// Attention compiled with no instruction-set flags: any CPU.
    public static let attention = AttentionKernel(id: "portable", requiredFeatures: []) { q, k, v, last, headDim, scores, out in
        AttentionMath.attend(query: q, keyBlocks: k, valueRows: v, last: last, headDim: headDim, scores: scores, out: out)
    }
}
