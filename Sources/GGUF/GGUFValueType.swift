/// The 13 GGUF metadata value type ids (`enum gguf_type` in gguf.h).
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Encoded size of a fixed-size value; nil for string and array.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value of this type can take in a file (a string is at least its u64 length;
    /// an array at least its element type and count). Used to bound counts by the bytes that remain.
    var minEncodedSize: Int {
        switch self {
        case .string: 8
        case .array: 4 + 8
        default: fixedSize!
        }
    }

    /// gguf.cpp's short names (`gguf_type_name`): u8, i8, ..., str, arr.
    public var description: String {
        switch self {
        case .uint8: "u8"
        case .int8: "i8"
        case .uint16: "u16"
        case .int16: "i16"
        case .uint32: "u32"
        case .int32: "i32"
        case .float32: "f32"
        case .bool: "bool"
        case .string: "str"
        case .array: "arr"
        case .uint64: "u64"
        case .int64: "i64"
        case .float64: "f64"
        }
    }
}
