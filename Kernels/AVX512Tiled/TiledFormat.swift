#if arch(x86_64)
import KernelCore
import QuantFormats

/// What the register-tiled micro-kernel needs to know about one weight format, as compile-time constants: the
/// kernel is generic over a `TiledFormat` so that every format gets its own fully unrolled specialisation.
///
/// Every format is reduced to the same arithmetic, chosen so that one `vpdpbusd` (unsigned bytes times signed bytes)
/// does 64 multiply-adds of 16 rows by 4 values of K with no sign fix-up in the loop:
///
///     y[r, c] = sum over blocks b of dx[c, b] * sum over sub-blocks s of
///               ( scale[r, b, s] * (sum_k w[r, k] * x[c, k] + bias[c, b, s])  -  minimum[r, b, s] * xsum[c, b, s] )
///
/// where w are the unsigned weight codes (q4: 0...15, q8_0: q + 128, q6_K: 0...63), x the signed int8 activations,
/// and `bias` the integer that turns the unsigned codes back into the format's signed values (-8 * sum(x) for q4_0,
/// -128 * sum(x) for q8_0, -32 * sum(x) for q6_K); it starts the integer accumulator, so the block sums are exactly
/// the scalar reference's. Only q4_K has minimums. (Summing q4_K's minimum terms as integers, 4 `vpdpwssd` of
/// int16 pairs per block instead of 8 float multiply-adds, measured 15% slower on Zen 5.)
protocol TiledFormat: SendableMetatype {
    static var weightType: GGMLType { get }
    /// Values of K per block of the weight (and activation) format.
    static var blockSize: Int { get }
    /// Values of K that share one scale: the integer accumulator is converted to float once per sub-block.
    static var subBlockSize: Int { get }
    /// True when the packed codes are 4 bits, two K-groups per byte vector (low and high nibbles).
    static var nibbleCodes: Bool { get }
    /// The integer that starts each sub-block's accumulator per activation value sum (-8, -128, -32), or 0 for none.
    static var biasPerActivationSum: Int32 { get }
    /// True when the format subtracts minimum[r, s] * xsum[c, s] (q4_K).
    static var hasMinimums: Bool { get }

    /// The tile shape and slice measured fastest for prefill (see `TileShape.rowChoices`).
    static var defaultShape: TileShape { get }
    /// The activation format's vectorised quantizer (exactly the scalar `quantizeActivations` bytes).
    static var quantizeActivations: QuantizeRow { get }
    /// One line for the registry: what the repacked layout and the loop do.
    static var summary: String { get }

    /// Writes row group `group` (rows 16 * group ..< 16 * group + 16, zeros past the matrix) in the packed layout.
    static func repack(_ matrix: QuantizedMatrix, group: Int, into destination: UnsafeMutableRawPointer)
}

extension TiledFormat {
    static var subBlocks: Int { blockSize / subBlockSize }
    /// 64-byte code vectors per sub-block: each covers 16 rows x 4 values of K (two K-groups when 4-bit).
    static var vectorsPerSubBlock: Int { nibbleCodes ? subBlockSize / 8 : subBlockSize / 4 }
    /// Packed code bytes of one row group's block.
    static var codeBytes: Int { blockSize * TileLayout.rowsPerGroup / (nibbleCodes ? 2 : 1) }
    /// Offset of the f32 scales [sub-block][row] in a row group's block (after the codes).
    static var scalesOffset: Int { codeBytes }
    /// Offset of the f32 minimums dmin * min [sub-block][row], when the format has them.
    static var minimumsOffset: Int { scalesOffset + subBlocks * TileLayout.vectorBytes }
    /// Bytes of one row group's block.
    static var groupBlockBytes: Int { minimumsOffset + (hasMinimums ? subBlocks * TileLayout.vectorBytes : 0) }
    /// Bytes of one column tile's block of packed activations (see `ActivationPacker`).
    static func activationBlockBytes(columns: Int) -> Int {
        columns * (blockSize + 4 + (biasPerActivationSum != 0 ? 4 * subBlocks : 0) + (hasMinimums ? 4 * subBlocks : 0))
    }
}

/// Sizes shared by every tiled layout.
enum TileLayout {
    /// Rows interleaved in one packed group: one zmm register holds 16 int32 or f32 lanes, one per row.
    static let rowsPerGroup = 16
    /// Bytes of one zmm vector.
    static let vectorBytes = 64
    /// Values of K one `vpdpbusd` lane consumes (4 bytes per dword).
    static let valuesPerLane = 4
}
#endif
