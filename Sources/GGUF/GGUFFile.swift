import QuantFormats

/// A GGUF v2/v3 file, memory-mapped read-only (or copied from bytes), with its header fully parsed and validated.
///
/// The mapping lives as long as this object; tensor bytes returned by `bytes(of:)` stay valid while it lives.
/// Immutable, hence `Sendable`.
public final class GGUFFile: Sendable {
    /// Path the file was opened from; nil for `init(bytes:)`.
    public let path: String?
    /// 2 or 3.
    public let version: UInt32
    /// Every metadata entry, in file order, with its exact value type.
    public let metadata: [(key: String, value: GGUFValue)]
    /// `general.alignment`, or 32 when absent. A non-zero power of two.
    public let alignment: Int
    /// Byte offset of the tensor data section from the start of the file (aligned when there are tensors).
    public let dataOffset: Int
    /// Every tensor, in file order (which is also data order).
    public let tensors: [GGUFTensorInfo]

    private let storage: MappedFile
    private let keyIndex: [String: Int]
    private let tensorIndex: [String: Int]
    /// Byte position of each metadata entry in the file, for error messages.
    let metadataOffsets: [Int]

    /// Maps the file at `path` and parses it. Errors carry the path.
    public convenience init(path: String) throws {
        let storage = try MappedFile(path: path)
        let parsed: GGUFParser.Parsed
        do {
            parsed = try GGUFParser.parse(storage.buffer)
        } catch let e as GGUFError {
            throw e.with(path: path)
        }
        self.init(storage: storage, parsed: parsed, path: path)
    }

    /// Parses a private copy of `bytes` (for tests and small in-memory files).
    public convenience init(bytes: [UInt8]) throws {
        let storage = MappedFile(bytes: bytes)
        let parsed = try GGUFParser.parse(storage.buffer)
        self.init(storage: storage, parsed: parsed, path: nil)
    }

    private init(storage: MappedFile, parsed: GGUFParser.Parsed, path: String?) {
        self.storage = storage
        self.path = path
        self.version = parsed.version
        self.metadata = parsed.metadata
        self.metadataOffsets = parsed.metadataOffsets
        self.keyIndex = parsed.keyIndex
        self.alignment = parsed.alignment
        self.dataOffset = parsed.dataOffset
        self.tensors = parsed.tensors
        self.tensorIndex = parsed.tensorIndex
    }

    /// Size of the file in bytes.
    public var fileSize: Int { storage.count }

    /// The whole file's bytes, valid while this object lives.
    public var rawBytes: UnsafeRawBufferPointer { storage.buffer }

    // MARK: Tensors

    /// The tensor named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor named `name`, or an error naming it.
    public func requireTensor(_ name: String) throws -> GGUFTensorInfo {
        guard let t = tensor(named: name) else {
            throw GGUFError(.missingTensor, "no tensor of that name among \(tensors.count)", tensor: name, path: path)
        }
        return t
    }

    /// Absolute byte offset of `tensor`'s data in the file.
    public func fileOffset(of tensor: GGUFTensorInfo) -> Int { dataOffset + tensor.offset }

    /// The bytes of `tensor` (one of `tensors`), valid while this object lives. The parser has checked that every
    /// tensor of this file lies inside it; passing a tensor info that does not fit this file is a programming error.
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let (start, o1) = dataOffset.addingReportingOverflow(tensor.offset)
        let (end, o2) = start.addingReportingOverflow(tensor.byteCount)
        precondition(!o1 && !o2 && tensor.offset >= 0 && tensor.byteCount >= 0 && end <= storage.count,
                     "GGUF: tensor '\(tensor.name)' [\(tensor.offset), +\(tensor.byteCount)) is not inside this file")
        return UnsafeRawBufferPointer(rebasing: storage.buffer[start ..< end])
    }

    /// The bytes of the tensor named `name`, or an error naming it.
    public func bytes(ofTensorNamed name: String) throws -> UnsafeRawBufferPointer {
        bytes(of: try requireTensor(name))
    }

    // MARK: Metadata lookup

    /// The value of `key`, or nil.
    public subscript(key: String) -> GGUFValue? { keyIndex[key].map { metadata[$0].value } }

    /// The value of `key`, or nil.
    public func value(_ key: String) -> GGUFValue? { self[key] }

    public func contains(_ key: String) -> Bool { keyIndex[key] != nil }

    /// All keys, in file order.
    public var keys: [String] { metadata.map(\.key) }

    /// `general.architecture`, when present and a string.
    public var architecture: String? { self["general.architecture"]?.stringValue }

    /// The value of `key`, or an error naming it.
    public func require(_ key: String) throws -> GGUFValue {
        guard let i = keyIndex[key] else {
            throw GGUFError(.missingKey, "required metadata key is missing", key: key, path: path)
        }
        return metadata[i].value
    }

    /// An error saying that `key` is not of the `expected` type.
    func mismatch(_ key: String, expected: String, detail: String? = nil) -> GGUFError {
        let i = keyIndex[key]
        let actual = i.map { metadata[$0].value.typeDescription } ?? "missing"
        return GGUFError(.typeMismatch, detail ?? "has type \(actual), expected \(expected)",
                         key: key, offset: i.map { metadataOffsets[$0] }, path: path)
    }
}
