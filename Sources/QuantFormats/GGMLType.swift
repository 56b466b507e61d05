/// Every tensor type that GGUF files may carry, with ggml's type ids and block geometry.
///
/// The reader needs the geometry of *all* types (to check tensor extents in files that use formats the lab does not
/// compute with); `FormatTraits` covers the subset the lab quantizes and multiplies.
public enum GGMLType: UInt32, Sendable, CaseIterable, Codable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39

    /// ggml's name (`ggml_type_name`), also used on the command line: `q4_K`, `f16`, ...
    public var name: String { "\(self)" }

    /// Looks a type up by its ggml name; case-sensitive except that `Q4_K` style upper case is accepted too.
    public init?(name: String) {
        if let exact = GGMLType.allCases.first(where: { $0.name == name }) { self = exact; return }
        guard let folded = GGMLType.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = folded
    }

    /// Elements per block and bytes per block, as in ggml's `type_traits`.
    @inlinable public var geometry: (blockSize: Int, bytesPerBlock: Int) {
        switch self {
        case .f32: (1, 4)
        case .f16, .bf16: (1, 2)
        case .q4_0: (32, 18)
        case .q4_1: (32, 20)
        case .q5_0: (32, 22)
        case .q5_1: (32, 24)
        case .q8_0: (32, 34)
        case .q8_1: (32, 36)
        case .q2_K: (256, 84)
        case .q3_K: (256, 110)
        case .q4_K: (256, 144)
        case .q5_K: (256, 176)
        case .q6_K: (256, 210)
        case .q8_K: (256, 292)
        case .iq2_xxs: (256, 66)
        case .iq2_xs: (256, 74)
        case .iq3_xxs: (256, 98)
        case .iq1_s: (256, 50)
        case .iq4_nl: (32, 18)
        case .iq3_s: (256, 110)
        case .iq2_s: (256, 82)
        case .iq4_xs: (256, 136)
        case .i8: (1, 1)
        case .i16: (1, 2)
        case .i32: (1, 4)
        case .i64, .f64: (1, 8)
        case .iq1_m: (256, 56)
        case .tq1_0: (256, 54)
        case .tq2_0: (256, 66)
        case .mxfp4: (32, 17)
        }
    }

    @inlinable public var blockSize: Int { geometry.blockSize }
    @inlinable public var bytesPerBlock: Int { geometry.bytesPerBlock }

    /// Bytes of a row of `count` elements, or nil when `count` is not a whole number of blocks or overflows.
    public func rowBytes(count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    /// Bits per weight, scales included.
    public var bitsPerWeight: Double { Double(bytesPerBlock * 8) / Double(blockSize) }
}
