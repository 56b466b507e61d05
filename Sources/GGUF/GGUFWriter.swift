import QuantFormats

/// Builds a GGUF v3 file laid out exactly as llama.cpp's `gguf_write_to_file` does:
///
///     "GGUF" | u32 version 3 | i64 tensor count | i64 kv count
///     kv pairs, in order:  u64 key length, key, i32 type, value
///                          (arrays: i32 `arr`, i32 element type, u64 count, elements; strings: u64 length, bytes)
///     tensor infos, in order: u64 name length, name, u32 n_dims, i64 ne[n_dims], i32 ggml type, u64 offset
///     zero padding to `alignment`
///     tensor data, in order, each followed by zero padding to `alignment`
///
/// Offsets are relative to the data section; each tensor starts at the previous one's offset plus its size rounded up
/// to the alignment (the first at 0), which is what llama.cpp's reader requires. `general.alignment` is written only
/// when it is in the metadata (set it with `setAlignment` for a non-default alignment, as llama.cpp's and gguf-py's
/// writers do); the alignment used is that key's value, or 32.
///
/// Everything is validated as it is added (`setMetadata`, `addTensor` throw), so `serialized()` and the layout
/// cannot fail.
public struct GGUFWriter: Sendable {
    /// A tensor to be written.
    public struct Tensor: Sendable {
        public let name: String
        public let type: GGMLType
        /// ne0 first, 1 to 4 dimensions, written as given (n_dims = shape.count).
        public let shape: [Int]
        /// Bytes of data (checked against the shape when added).
        public let byteCount: Int
        let source: Source

        enum Source: Sendable {
            /// Bytes owned by the writer.
            case bytes([UInt8])
            /// A tensor of a mapped file, read when the file is written (the file object is kept alive; it is immutable).
            case file(GGUFFile, GGUFTensorInfo)
        }

        /// Calls `body` with the tensor's bytes, without copying.
        public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            switch source {
            case .bytes(let b): try b.withUnsafeBytes(body)
            case .file(let f, let info): try body(f.bytes(of: info))
            }
        }

        /// A copy of the tensor's bytes.
        public var data: [UInt8] { withBytes { [UInt8]($0) } }
    }

    /// Metadata in the order it will be written.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    /// Tensors in the order they will be written.
    public private(set) var tensors: [Tensor] = []
    private var keyIndex: [String: Int] = [:]
    private var tensorIndex: [String: Int] = [:]

    public init() {}

    /// A writer holding `file`'s metadata, in order and with exact types (including `general.alignment` when the file
    /// has it), and no tensors.
    public init(metadataFrom file: GGUFFile) {
        metadata = file.metadata
        for (i, kv) in metadata.enumerated() { keyIndex[kv.key] = i }
    }

    /// A writer holding `file`'s metadata and every tensor, in order (tensor bytes are read from `file` when writing,
    /// not copied): for a file laid out as llama.cpp lays files out, `serialized()` reproduces it byte for byte.
    public init(copying file: GGUFFile) throws {
        self.init(metadataFrom: file)
        tensors.reserveCapacity(file.tensors.count)
        for t in file.tensors { try addTensor(t, from: file) }
    }

    // MARK: Metadata

    /// `general.alignment` when set, else 32.
    public var alignment: Int {
        if let i = keyIndex[GGUFConstants.alignmentKey], case .uint32(let a) = metadata[i].value { return Int(a) }
        return GGUFConstants.defaultAlignment
    }

    /// Sets the data alignment: a power of two that fits in u32. 32 (the default) removes `general.alignment`, any
    /// other value sets it as u32.
    public mutating func setAlignment(_ alignment: Int) throws {
        guard alignment > 0, alignment <= Int(UInt32.max), alignment & (alignment - 1) == 0 else {
            throw GGUFError(.invalidAlignment, "alignment \(alignment) is not a power of two that fits in u32",
                            key: GGUFConstants.alignmentKey)
        }
        if alignment == GGUFConstants.defaultAlignment {
            removeMetadata(GGUFConstants.alignmentKey)
        } else {
            try setMetadata(GGUFConstants.alignmentKey, .uint32(UInt32(alignment)))
        }
    }

    /// The value of `key`, or nil.
    public func value(_ key: String) -> GGUFValue? { keyIndex[key].map { metadata[$0].value } }

    /// Sets `key` to `value`: replaced in place when the key exists (keeping the order), appended otherwise.
    /// Throws for an empty key or one with a NUL byte, strings or arrays beyond llama.cpp's 2^30 limits, and a
    /// `general.alignment` that is not a u32 power of two.
    public mutating func setMetadata(_ key: String, _ value: GGUFValue) throws {
        guard !key.isEmpty else { throw GGUFError(.invalidName, "metadata keys must not be empty") }
        guard !key.utf8.contains(0) else { throw GGUFError(.invalidName, "key contains a NUL byte", key: key) }
        guard key.utf8.count <= GGUFConstants.maxStringLength else {
            throw GGUFError(.countTooLarge, "key is longer than \(GGUFConstants.maxStringLength) bytes")
        }
        if key == GGUFConstants.alignmentKey {
            guard case .uint32(let a) = value else {
                throw GGUFError(.invalidAlignment, "must be of type u32 but is \(value.typeDescription)", key: key)
            }
            guard a != 0, a & (a - 1) == 0 else {
                throw GGUFError(.invalidAlignment, "alignment \(a) is not a non-zero power of two", key: key)
            }
        }
        try Self.checkLimits(value, key: key)
        if let i = keyIndex[key] {
            metadata[i].value = value
        } else {
            keyIndex[key] = metadata.count
            metadata.append((key, value))
        }
    }

    /// Removes `key`; returns its value, or nil when absent.
    @discardableResult
    public mutating func removeMetadata(_ key: String) -> GGUFValue? {
        guard let i = keyIndex.removeValue(forKey: key) else { return nil }
        let old = metadata.remove(at: i).value
        for j in i..<metadata.count { keyIndex[metadata[j].key] = j }
        return old
    }

    private static func checkLimits(_ value: GGUFValue, key: String) throws {
        let maxLen = GGUFConstants.maxStringLength
        switch value {
        case .string(let s) where s.utf8.count > maxLen:
            throw GGUFError(.countTooLarge, "string of \(s.utf8.count) bytes is beyond llama.cpp's limit of \(maxLen)", key: key)
        case .array(let a):
            guard a.count <= GGUFConstants.maxArrayElements else {
                throw GGUFError(.countTooLarge,
                                "array of \(a.count) elements is beyond llama.cpp's limit of \(GGUFConstants.maxArrayElements)", key: key)
            }
            if case .string(let xs) = a, let j = xs.firstIndex(where: { $0.utf8.count > maxLen }) {
                throw GGUFError(.countTooLarge, "array element \(j) is longer than llama.cpp's limit of \(maxLen) bytes", key: key)
            }
        default: break
        }
    }

    // MARK: Tensors

    /// Adds a tensor after the others. Throws for a duplicate or over-long (≥ 64 bytes) name, a shape of other than
    /// 1 to 4 non-negative dimensions, a row length that is not a whole number of blocks, or `bytes` of another size
    /// than the shape needs.
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], bytes: [UInt8]) throws {
        try add(name: name, type: type, shape: shape, count: bytes.count, source: .bytes(bytes))
    }

    /// Adds a tensor from raw bytes (copied).
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], bytes: UnsafeRawBufferPointer) throws {
        try addTensor(name: name, type: type, shape: shape, bytes: [UInt8](bytes))
    }

    /// Adds `info`'s tensor from `file` under the same name, type and shape. The bytes are not copied: the writer keeps
    /// `file` alive and reads them from its mapping when writing.
    public mutating func addTensor(_ info: GGUFTensorInfo, from file: GGUFFile) throws {
        guard file.tensor(named: info.name) == info else {
            throw GGUFError(.missingTensor, "is not a tensor of the source file", tensor: info.name, path: file.path)
        }
        try add(name: info.name, type: info.type, shape: info.shape, count: info.byteCount, source: .file(file, info))
    }

    private mutating func add(name: String, type: GGMLType, shape: [Int], count: Int, source: Tensor.Source) throws {
        guard name.utf8.count < GGUFConstants.maxTensorNameBytes else {
            throw GGUFError(.tensorNameTooLong,
                            "name is \(name.utf8.count) bytes; ggml allows at most \(GGUFConstants.maxTensorNameBytes - 1) (GGML_MAX_NAME)",
                            tensor: name)
        }
        guard !name.utf8.contains(0) else { throw GGUFError(.invalidName, "name contains a NUL byte", tensor: name) }
        guard tensorIndex[name] == nil else { throw GGUFError(.duplicateTensor, "duplicate tensor name", tensor: name) }
        let expected: Int
        switch GGUFTensorInfo.sizes(type: type, shape: shape) {
        case .success(let s): expected = s.bytes
        case .failure(let e): throw GGUFError(e.kind, e.message, tensor: name)
        }
        guard count == expected else {
            throw GGUFError(.invalidShape, "shape \(shape) of type \(type.name) needs \(expected) bytes, got \(count)",
                            tensor: name)
        }
        tensorIndex[name] = tensors.count
        tensors.append(Tensor(name: name, type: type, shape: shape, byteCount: count, source: source))
    }

    /// The tensor infos as they will be written (offsets relative to the data section).
    public var tensorInfos: [GGUFTensorInfo] {
        let a = alignment
        var offset = 0
        return tensors.map { t in
            let info = GGUFTensorInfo(name: t.name, type: t.type, shape: t.shape, offset: offset, byteCount: t.byteCount)
            offset += Self.padded(t.byteCount, a)
            return info
        }
    }

    // MARK: Output

    /// Header, metadata, tensor infos and the padding after them: everything before the data section.
    public func serializedHeader() -> [UInt8] {
        var w = ByteWriter()
        w.put(bytes: GGUFConstants.magic)
        w.put(GGUFConstants.writeVersion)
        w.put(Int64(tensors.count))
        w.put(Int64(metadata.count))
        for kv in metadata {
            w.put(string: kv.key)
            w.put(value: kv.value)
        }
        for info in tensorInfos {
            w.put(string: info.name)
            w.put(UInt32(info.shape.count))
            for ne in info.shape { w.put(Int64(ne)) }
            w.put(info.type.rawValue)
            w.put(UInt64(info.offset))
        }
        w.pad(to: alignment)
        return w.bytes
    }

    /// The whole file.
    public func serialized() -> [UInt8] {
        let a = alignment
        var w = ByteWriter()
        let header = serializedHeader()
        w.reserve(header.count + tensors.reduce(0) { $0 + Self.padded($1.byteCount, a) })
        w.put(bytes: header)
        for t in tensors {
            t.withBytes { w.put(bytes: $0) }
            w.pad(to: a)
        }
        return w.bytes
    }

    /// Size in bytes of the file `serialized()` / `write(to:)` produce.
    public var fileSize: Int {
        let a = alignment
        return serializedHeader().count + tensors.reduce(0) { $0 + Self.padded($1.byteCount, a) }
    }

    static func padded(_ n: Int, _ alignment: Int) -> Int { (n + alignment - 1) / alignment * alignment }
}
