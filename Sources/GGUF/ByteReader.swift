/// A bounds-checked little-endian cursor over the file's bytes. Every read checks the bytes that remain first and
/// throws `GGUFError(.truncated)` naming what it was reading and where; nothing here can read out of range or trap.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    /// Throws unless `n` more bytes can be read.
    func need(_ n: Int, for what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws {
        guard n >= 0, n <= remaining else {
            throw GGUFError(.truncated,
                            "file ends while reading \(what()): needs \(n) bytes, \(remaining) left (file size \(bytes.count))",
                            key: key, tensor: tensor, offset: position)
        }
    }

    private mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String,
                                                     key: String?, tensor: String?) throws -> T {
        let size = MemoryLayout<T>.size
        try need(size, for: what(), key: key, tensor: tensor)
        let v = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: v)
    }

    mutating func u8(_ what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws -> UInt8 {
        try load(UInt8.self, what(), key: key, tensor: tensor)
    }
    mutating func u16(_ what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws -> UInt16 {
        try load(UInt16.self, what(), key: key, tensor: tensor)
    }
    mutating func u32(_ what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws -> UInt32 {
        try load(UInt32.self, what(), key: key, tensor: tensor)
    }
    mutating func u64(_ what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws -> UInt64 {
        try load(UInt64.self, what(), key: key, tensor: tensor)
    }

    /// Bytes `[position, position + n)` without copying; `n` must have been checked with `need`.
    mutating func take(_ n: Int, _ what: @autoclosure () -> String, key: String? = nil,
                       tensor: String? = nil) throws -> UnsafeRawBufferPointer {
        try need(n, for: what(), key: key, tensor: tensor)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + n])
        position += n
        return slice
    }

    /// A GGUF string: u64 byte length then that many bytes, which must be UTF-8 (the spec says so; refusing
    /// anything else keeps every string we return exactly re-writable). Lengths beyond llama.cpp's
    /// `GGUF_MAX_STRING_LENGTH` or the bytes left are refused before anything is allocated.
    mutating func string(_ what: @autoclosure () -> String, key: String? = nil, tensor: String? = nil) throws -> String {
        let start = position
        let length = try u64("the length of \(what())", key: key, tensor: tensor)
        guard length <= UInt64(GGUFConstants.maxStringLength) else {
            throw GGUFError(.countTooLarge,
                            "\(what()) has length \(length), beyond llama.cpp's limit of \(GGUFConstants.maxStringLength) bytes",
                            key: key, tensor: tensor, offset: start)
        }
        let n = Int(length)
        guard n <= remaining else {
            throw GGUFError(.countTooLarge,
                            "\(what()) has length \(n) but only \(remaining) bytes remain (file size \(bytes.count))",
                            key: key, tensor: tensor, offset: start)
        }
        let raw = try take(n, what(), key: key, tensor: tensor)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw GGUFError(.invalidValue, "\(what()) is not valid UTF-8", key: key, tensor: tensor, offset: start)
        }
        return s
    }
}
