/// Little-endian encoding of GGUF fields into a growing byte array.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }

    mutating func put<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func put(bytes b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }

    /// u64 length then the UTF-8 bytes.
    mutating func put(string s: String) {
        put(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func put(type: GGUFValueType) { put(type.rawValue) }

    /// The value's type id then its payload, as gguf.cpp writes a kv (arrays: `arr`, element type, u64 count, elements).
    mutating func put(value: GGUFValue) {
        put(type: value.type)
        switch value {
        case .uint8(let v): put(v)
        case .int8(let v): put(v)
        case .uint16(let v): put(v)
        case .int16(let v): put(v)
        case .uint32(let v): put(v)
        case .int32(let v): put(v)
        case .float32(let v): put(v.bitPattern)
        case .bool(let v): put(UInt8(v ? 1 : 0))
        case .string(let s): put(string: s)
        case .uint64(let v): put(v)
        case .int64(let v): put(v)
        case .float64(let v): put(v.bitPattern)
        case .array(let a):
            put(type: a.elementType)
            put(UInt64(a.count))
            switch a {
            case .uint8(let xs): bytes.append(contentsOf: xs)
            case .int8(let xs): for x in xs { put(x) }
            case .uint16(let xs): for x in xs { put(x) }
            case .int16(let xs): for x in xs { put(x) }
            case .uint32(let xs): for x in xs { put(x) }
            case .int32(let xs): for x in xs { put(x) }
            case .float32(let xs): for x in xs { put(x.bitPattern) }
            case .bool(let xs): for x in xs { put(UInt8(x ? 1 : 0)) }
            case .string(let xs): for x in xs { put(string: x) }
            case .uint64(let xs): for x in xs { put(x) }
            case .int64(let xs): for x in xs { put(x) }
            case .float64(let xs): for x in xs { put(x.bitPattern) }
            }
        }
    }

    /// Zero bytes up to the next multiple of `alignment`, counting from `base` bytes already written elsewhere.
    mutating func pad(to alignment: Int, base: Int = 0) {
        let total = base + bytes.count
        let padded = (total + alignment - 1) / alignment * alignment
        bytes.append(contentsOf: repeatElement(0, count: padded - total))
    }
}
