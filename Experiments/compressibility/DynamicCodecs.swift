/// zstd through `libzstd` loaded at run time (`ZSTD_compress`, `ZSTD_decompress`: one-shot frames).
struct ZstdCodec: LosslessCodec {
    typealias Compress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
    typealias Decompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    typealias Bound = @convention(c) (Int) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32

    static let libraryNames = ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"]

    let level: Int32
    let library: SharedLibrary
    private let compressFrame: Compress, decompressFrame: Decompress, bound: Bound, isError: IsError
    var name: String { "zstd-\(level)" }

    init(level: Int32, library: SharedLibrary) throws {
        self.level = level
        self.library = library
        compressFrame = try library.function("ZSTD_compress", as: Compress.self)
        decompressFrame = try library.function("ZSTD_decompress", as: Decompress.self)
        bound = try library.function("ZSTD_compressBound", as: Bound.self)
        isError = try library.function("ZSTD_isError", as: IsError.self)
    }

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: bound(input.count))
        let size = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { compressFrame($0.baseAddress, $0.count, source.baseAddress, source.count, level) }
        }
        guard isError(size) == 0 else { throw CodecError("\(name): ZSTD_compress failed (code \(size))") }
        output.removeSubrange(size...)
        return output
    }

    func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        let size = decompressFrame(output.baseAddress, output.count, input.baseAddress, input.count)
        guard isError(size) == 0 else { throw CodecError("\(name): ZSTD_decompress failed (code \(size))") }
        return size
    }
}

/// LZ4 through `liblz4` loaded at run time (`LZ4_compress_default`, `LZ4_decompress_safe`: one block, sizes under
/// 2 GiB, which every stream here is).
struct LZ4Codec: LosslessCodec {
    typealias Compress = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias Decompress = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias Bound = @convention(c) (Int32) -> Int32

    static let libraryNames = ["liblz4.so.1", "liblz4.so", "liblz4.1.dylib", "liblz4.dylib"]

    let library: SharedLibrary
    private let compressBlock: Compress, decompressBlock: Decompress, bound: Bound
    var name: String { "lz4" }

    init(library: SharedLibrary) throws {
        self.library = library
        compressBlock = try library.function("LZ4_compress_default", as: Compress.self)
        decompressBlock = try library.function("LZ4_decompress_safe", as: Decompress.self)
        bound = try library.function("LZ4_compressBound", as: Bound.self)
    }

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        guard input.count < Int(Int32.max) / 2 else { throw CodecError("lz4: \(input.count) bytes is too large for one block") }
        var output = [UInt8](repeating: 0, count: Int(bound(Int32(input.count))))
        let size = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes {
                compressBlock(source.baseAddress, $0.baseAddress, Int32(source.count), Int32($0.count))
            }
        }
        guard size > 0 || input.isEmpty else { throw CodecError("lz4: LZ4_compress_default failed") }
        output.removeSubrange(Int(size)...)
        return output
    }

    func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        let size = decompressBlock(input.baseAddress, output.baseAddress, Int32(input.count), Int32(output.count))
        guard size >= 0 else { throw CodecError("lz4: LZ4_decompress_safe failed (\(size))") }
        return Int(size)
    }
}

/// The codecs this host can run: zlib always (linked), zstd and lz4 when their libraries load, with a note for
/// each one that does not.
struct CodecCatalog {
    var codecs: [any LosslessCodec] = []
    var notes: [String] = []

    init(zlibLevels: [Int32], zstdLevels: [Int32], includeLZ4: Bool) {
        codecs += zlibLevels.map { ZlibCodec(level: $0) }
        var failure = ""
        if !zstdLevels.isEmpty {
            if let library = SharedLibrary(ZstdCodec.libraryNames, failure: &failure) {
                do { codecs += try zstdLevels.map { try ZstdCodec(level: $0, library: library) } }
                catch { notes.append("zstd skipped: \(error)") }
            } else {
                notes.append("zstd skipped: no libzstd on this host (\(failure))")
            }
        }
        if includeLZ4 {
            if let library = SharedLibrary(LZ4Codec.libraryNames, failure: &failure) {
                do { codecs.append(try LZ4Codec(library: library)) }
                catch { notes.append("lz4 skipped: \(error)") }
            } else {
                notes.append("lz4 skipped: no liblz4 on this host (\(failure))")
            }
        }
    }
}
