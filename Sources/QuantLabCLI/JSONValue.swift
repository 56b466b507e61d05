import GGUF

/// A JSON value for reports whose shape is data-driven (GGUF metadata). Non-finite floats become strings, since
/// JSON has no NaN or infinity.
enum JSONValue: Encodable {
    case null, bool(Bool), int(Int64), uint(UInt64), double(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .uint(let v): try c.encode(v)
        case .double(let v): if v.isFinite { try c.encode(v) } else { try c.encode("\(v)") }
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    init(_ value: GGUFValue, arrayLimit: Int) {
        switch value {
        case .uint8(let v): self = .uint(UInt64(v))
        case .int8(let v): self = .int(Int64(v))
        case .uint16(let v): self = .uint(UInt64(v))
        case .int16(let v): self = .int(Int64(v))
        case .uint32(let v): self = .uint(UInt64(v))
        case .int32(let v): self = .int(Int64(v))
        case .uint64(let v): self = .uint(v)
        case .int64(let v): self = .int(v)
        case .float32(let v): self = .double(Double(v))
        case .float64(let v): self = .double(v)
        case .bool(let v): self = .bool(v)
        case .string(let v): self = .string(v)
        case .array(let a):
            let shown = JSONValue.elements(a, limit: arrayLimit)
            if shown.count == a.count {
                self = .array(shown)
            } else {
                // Long arrays (vocabularies, merges) are summarised: type, length and the first elements.
                self = .object(["type": .string("arr[\(a.elementType)]"), "count": .int(Int64(a.count)), "first": .array(shown)])
            }
        }
    }

    static func elements(_ a: GGUFArray, limit: Int) -> [JSONValue] {
        func take<T>(_ values: [T], _ wrap: (T) -> JSONValue) -> [JSONValue] { values.prefix(limit).map(wrap) }
        switch a {
        case .uint8(let v): return take(v) { .uint(UInt64($0)) }
        case .int8(let v): return take(v) { .int(Int64($0)) }
        case .uint16(let v): return take(v) { .uint(UInt64($0)) }
        case .int16(let v): return take(v) { .int(Int64($0)) }
        case .uint32(let v): return take(v) { .uint(UInt64($0)) }
        case .int32(let v): return take(v) { .int(Int64($0)) }
        case .uint64(let v): return take(v) { .uint($0) }
        case .int64(let v): return take(v) { .int($0) }
        case .float32(let v): return take(v) { .double(Double($0)) }
        case .float64(let v): return take(v) { .double($0) }
        case .bool(let v): return take(v) { .bool($0) }
        case .string(let v): return take(v) { .string($0) }
        }
    }

    /// Compact one-line rendering for text reports.
    var text: String {
        switch self {
        case .null: "null"
        case .bool(let v): "\(v)"
        case .int(let v): "\(v)"
        case .uint(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let v): v.debugDescription.count > 80 ? String(v.debugDescription.prefix(77)) + "...\"" : v.debugDescription
        case .array(let v): "[" + v.map(\.text).joined(separator: ", ") + "]"
        case .object(let o):
            if case .int(let count)? = o["count"], case .array(let first)? = o["first"], case .string(let type)? = o["type"] {
                "\(type) of \(count): [" + first.map(\.text).joined(separator: ", ") + ", ...]"
            } else {
                "{" + o.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
            }
        }
    }
}
