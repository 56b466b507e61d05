/// One GGUF metadata value, keeping its exact type so that writing it back produces the same type id and bytes.
///
/// Equality compares floats by bit pattern and strings by their UTF-8 bytes ("would these write the same bytes").
public enum GGUFValue: Sendable, Equatable, CustomStringConvertible {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    public var type: GGUFValueType {
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
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The type as a loader would print it: `u32`, `str`, `arr[str]`.
    public var typeDescription: String {
        if case .array(let a) = self { return "arr[\(a.elementType)]" }
        return type.description
    }

    /// The value as an `Int` when it is an integer of any width that fits; nil otherwise.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// The value as a `Double` when it is a float32 or float64; nil otherwise.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: GGUFArray? { if case .array(let a) = self { a } else { nil } }

    public static func == (lhs: GGUFValue, rhs: GGUFValue) -> Bool {
        switch (lhs, rhs) {
        case (.uint8(let a), .uint8(let b)): a == b
        case (.int8(let a), .int8(let b)): a == b
        case (.uint16(let a), .uint16(let b)): a == b
        case (.int16(let a), .int16(let b)): a == b
        case (.uint32(let a), .uint32(let b)): a == b
        case (.int32(let a), .int32(let b)): a == b
        case (.float32(let a), .float32(let b)): a.bitPattern == b.bitPattern
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): a == b
        case (.uint64(let a), .uint64(let b)): a == b
        case (.int64(let a), .int64(let b)): a == b
        case (.float64(let a), .float64(let b)): a.bitPattern == b.bitPattern
        default: false
        }
    }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let s): "\"\(s)\""
        case .array(let a): a.description
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float64(let v): "\(v)"
        }
    }
}
