import KernelCore
#if arch(x86_64)
import QuantFormats
#endif

/// The variants this target contributes to the registry: repacked, register-tiled AVX-512 VNNI kernels for prefill
/// (many activation columns), single-threaded and threaded, for q4_0, q8_0, q4_K and q6_K weights.
public enum AVX512TiledKernels {
    public static var all: [KernelVariant] {
        #if arch(x86_64)
        variants(Q4_0Tiled.self) + variants(Q8_0Tiled.self) + variants(Q4_KTiled.self) + variants(Q6_KTiled.self)
        #else
        []  // this instruction set does not exist here
        #endif
    }

    #if arch(x86_64)
    /// What every variant here executes: AVX-512 foundation, byte/word and vector-length forms, and VNNI.
    static let features: Set<CPUFeature> = [.avx512f, .avx512bw, .avx512vl, .avx512_vnni]

    /// `FMTxACT.avx512.tiled` and `FMTxACT.avx512.tiled-threaded` for format `F`.
    static func variants<F: TiledFormat>(_ format: F.Type) -> [KernelVariant] {
        let activation = F.blockSize == Q8_K.blockSize ? GGMLType.q8_K : GGMLType.q8_0
        let kernel = RowKernel(activationType: activation, quantizeColumn: F.quantizeActivations,
                               rowAlignment: TileLayout.rowsPerGroup) { weights, xq, n, y, rows, parameters in
            TiledDriver.computeRows(F.self, weights, xq, n, y, rows, parameters)
        }
        // The repack ignores the tile parameters: one copy serves them all.
        return KernelVariant.singleAndThreaded(.avx512, .tiled, weightType: F.weightType, requiredFeatures: features,
                                               parameters: F.defaultShape.parameters(), summary: F.summary,
                                               prepare: TiledWeights.prepare(F.self), preparedBy: [], kernel: kernel)
    }
    #endif
}
