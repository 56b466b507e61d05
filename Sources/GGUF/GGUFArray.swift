/// A GGUF array value: its element type and its elements. Arrays of arrays are not representable (llama.cpp's
/// reader refuses them, so this package neither reads nor writes them).
///
/// Equality compares floats by bit pattern, so NaNs with the same payload are equal and 0.0 differs from -0.0:
/// the question it answers is "would these write the same bytes".
public enum GGUFArray: Sendable, Equatable, CustomStringConvertible {
    case uint8([UInt8])
    case int8([Int8])
    case uint16([UInt16])
    case int16([Int16])
    case uint32([UInt32])
    case int32([Int32])
    case float32([Float])
    case bool([Bool])
    case string([String])
    case uint64([UInt64])
    case int64([Int64])
    case float64([Double])

    /// The element type (never `.array`).
    public var elementType: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    public var count: Int {
        switch self {
        case .uint8(let a): a.count
        case .int8(let a): a.count
        case .uint16(let a): a.count
        case .int16(let a): a.count
        case .uint32(let a): a.count
        case .int32(let a): a.count
        case .float32(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        case .uint64(let a): a.count
        case .int64(let a): a.count
        case .float64(let a): a.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Every element as an `Int` when the elements are integers that all fit; nil otherwise.
    public var intValues: [Int]? {
        func conv<T: BinaryInteger>(_ a: [T]) -> [Int]? {
            var out = [Int](); out.reserveCapacity(a.count)
            for v in a { guard let i = Int(exactly: v) else { return nil }; out.append(i) }
            return out
        }
        switch self {
        case .uint8(let a): return conv(a)
        case .int8(let a): return conv(a)
        case .uint16(let a): return conv(a)
        case .int16(let a): return conv(a)
        case .uint32(let a): return conv(a)
        case .int32(let a): return conv(a)
        case .uint64(let a): return conv(a)
        case .int64(let a): return conv(a)
        default: return nil
        }
    }

    public static func == (lhs: GGUFArray, rhs: GGUFArray) -> Bool {
        switch (lhs, rhs) {
        case (.uint8(let a), .uint8(let b)): a == b
        case (.int8(let a), .int8(let b)): a == b
        case (.uint16(let a), .uint16(let b)): a == b
        case (.int16(let a), .int16(let b)): a == b
        case (.uint32(let a), .uint32(let b)): a == b
        case (.int32(let a), .int32(let b)): a == b
        case (.float32(let a), .float32(let b)): a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a.elementsEqual(b) { $0.utf8.elementsEqual($1.utf8) }
        case (.uint64(let a), .uint64(let b)): a == b
        case (.int64(let a), .int64(let b)): a == b
        case (.float64(let a), .float64(let b)): a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }
        default: false
        }
    }

    public var description: String {
        let n = count
        return "[\(elementType); \(n) element\(n == 1 ? "" : "s")]"
    }
}
