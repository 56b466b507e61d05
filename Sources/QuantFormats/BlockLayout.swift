/// One member of a format's block, as ggml's `block_*` struct declares it.
public struct BlockField: Sendable, Equatable, CustomStringConvertible {
    /// ggml's member name (`d`, `dmin`, `qs`, `qh`, `scales`, `bsums`, ...).
    public let name: String
    public let offset: Int
    public let bytes: Int

    public init(_ name: String, at offset: Int, bytes: Int) {
        self.name = name
        self.offset = offset
        self.bytes = bytes
    }

    public var description: String { "\(name) @\(offset) (\(bytes) bytes)" }
}

/// A block format's layout: where every field of its block sits. The field offsets are the format's `...Offset`
/// constants, which kernels read instead of declaring their own; `BlockLayoutTests` checks each layout against
/// ggml's struct as its `static_assert`s do (members in order, no padding, exactly `bytesPerBlock`).
public protocol BlockLayout {
    static var type: GGMLType { get }
    static var fields: [BlockField] { get }
}

extension BlockLayout {
    /// Values per block, from `GGMLType.geometry` (ggml's `type_traits`), the one place sizes are written.
    @inlinable public static var blockSize: Int { type.blockSize }
    @inlinable public static var bytesPerBlock: Int { type.bytesPerBlock }
    public static var bitsPerWeight: Double { Double(8 * bytesPerBlock) / Double(blockSize) }
}

/// Every block layout the lab implements (weights and activations), in `FormatTraits.all` order.
public let blockLayouts: [any BlockLayout.Type] = [
    Q4_0.self, Q4_1.self, Q5_0.self, Q5_1.self, Q8_0.self, Q2_K.self, Q3_K.self, Q4_K.self, Q5_K.self, Q6_K.self,
    IQ4_NL.self, IQ4_XS.self, Q8_1.self, Q8_K.self,
]
