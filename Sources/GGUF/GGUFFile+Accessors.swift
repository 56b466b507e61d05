/// Typed metadata accessors. Each throws `GGUFError` naming the key when it is missing (`.missingKey`) or of another
/// type (`.typeMismatch`). The exact-type accessors (`uint32`, `float32`, ...) accept only that type; `int`, `float`
/// and `double` and the `...Array` conversions accept any type that converts exactly (integers) or any float width.
extension GGUFFile {
    private func get<T>(_ key: String, _ expected: String, _ extract: (GGUFValue) -> T?) throws -> T {
        let v = try require(key)
        guard let x = extract(v) else { throw mismatch(key, expected: expected) }
        return x
    }

    private func getArray<T>(_ key: String, _ expected: String, _ extract: (GGUFArray) -> T?) throws -> T {
        try get(key, expected) { v in v.arrayValue.flatMap(extract) }
    }

    // MARK: Exact types

    public func uint8(_ key: String) throws -> UInt8 { try get(key, "u8") { if case .uint8(let x) = $0 { x } else { nil } } }
    public func int8(_ key: String) throws -> Int8 { try get(key, "i8") { if case .int8(let x) = $0 { x } else { nil } } }
    public func uint16(_ key: String) throws -> UInt16 { try get(key, "u16") { if case .uint16(let x) = $0 { x } else { nil } } }
    public func int16(_ key: String) throws -> Int16 { try get(key, "i16") { if case .int16(let x) = $0 { x } else { nil } } }
    public func uint32(_ key: String) throws -> UInt32 { try get(key, "u32") { if case .uint32(let x) = $0 { x } else { nil } } }
    public func int32(_ key: String) throws -> Int32 { try get(key, "i32") { if case .int32(let x) = $0 { x } else { nil } } }
    public func uint64(_ key: String) throws -> UInt64 { try get(key, "u64") { if case .uint64(let x) = $0 { x } else { nil } } }
    public func int64(_ key: String) throws -> Int64 { try get(key, "i64") { if case .int64(let x) = $0 { x } else { nil } } }
    public func float32(_ key: String) throws -> Float { try get(key, "f32") { if case .float32(let x) = $0 { x } else { nil } } }
    public func float64(_ key: String) throws -> Double { try get(key, "f64") { if case .float64(let x) = $0 { x } else { nil } } }
    public func bool(_ key: String) throws -> Bool { try get(key, "bool") { $0.boolValue } }
    public func string(_ key: String) throws -> String { try get(key, "str") { $0.stringValue } }
    public func array(_ key: String) throws -> GGUFArray { try get(key, "arr") { $0.arrayValue } }

    // MARK: Converting

    /// Any integer type whose value fits in `Int` (u64 above `Int.max` is a type mismatch).
    public func int(_ key: String) throws -> Int { try get(key, "an integer that fits in Int") { $0.intValue } }

    /// f32, or f64 rounded to the nearest `Float`.
    public func float(_ key: String) throws -> Float { try get(key, "f32 or f64") { $0.doubleValue.map(Float.init) } }

    /// f32 or f64.
    public func double(_ key: String) throws -> Double { try get(key, "f32 or f64") { $0.doubleValue } }

    // MARK: Optional keys: the default when absent, an error when present with another type

    public func int(_ key: String, default fallback: Int) throws -> Int { contains(key) ? try int(key) : fallback }
    public func float(_ key: String, default fallback: Float) throws -> Float { contains(key) ? try float(key) : fallback }
    public func double(_ key: String, default fallback: Double) throws -> Double { contains(key) ? try double(key) : fallback }
    public func bool(_ key: String, default fallback: Bool) throws -> Bool { contains(key) ? try bool(key) : fallback }
    public func string(_ key: String, default fallback: String) throws -> String { contains(key) ? try string(key) : fallback }

    // MARK: Arrays

    public func stringArray(_ key: String) throws -> [String] {
        try getArray(key, "arr[str]") { if case .string(let a) = $0 { a } else { nil } }
    }
    public func float32Array(_ key: String) throws -> [Float] {
        try getArray(key, "arr[f32]") { if case .float32(let a) = $0 { a } else { nil } }
    }
    public func int32Array(_ key: String) throws -> [Int32] {
        try getArray(key, "arr[i32]") { if case .int32(let a) = $0 { a } else { nil } }
    }
    public func uint32Array(_ key: String) throws -> [UInt32] {
        try getArray(key, "arr[u32]") { if case .uint32(let a) = $0 { a } else { nil } }
    }
    public func uint8Array(_ key: String) throws -> [UInt8] {
        try getArray(key, "arr[u8]") { if case .uint8(let a) = $0 { a } else { nil } }
    }
    /// Any integer element type whose values all fit in `Int`.
    public func intArray(_ key: String) throws -> [Int] {
        try getArray(key, "an array of integers that fit in Int") { $0.intValues }
    }
    /// f32 elements, or f64 elements rounded to `Float`.
    public func floatArray(_ key: String) throws -> [Float] {
        try getArray(key, "arr[f32] or arr[f64]") {
            switch $0 {
            case .float32(let a): a
            case .float64(let a): a.map(Float.init)
            default: nil
            }
        }
    }

    /// An integer that is either a scalar (the same for every layer) or an array with one value per layer, as llama.cpp
    /// allows for per-layer hyperparameters such as `llama.attention.head_count_kv`. Returns `count` values.
    public func perLayerInts(_ key: String, count: Int) throws -> [Int] {
        let v = try require(key)
        if let i = v.intValue { return Array(repeating: i, count: max(count, 0)) }
        guard let a = v.arrayValue, let ints = a.intValues else {
            throw mismatch(key, expected: "an integer or an array of integers")
        }
        guard ints.count == count else {
            throw mismatch(key, expected: "", detail: "has \(ints.count) per-layer values, expected \(count)")
        }
        return ints
    }
}
