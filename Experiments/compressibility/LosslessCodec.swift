import CZlib

/// A general-purpose lossless compressor at one setting (`zlib-6`, `zstd-19`, `lz4`).
///
/// Decompression writes into a buffer the caller owns, so a timing loop measures the codec and not the allocator.
protocol LosslessCodec {
    /// Family and level, as the notebook names it.
    var name: String { get }
    func compress(_ input: [UInt8]) throws -> [UInt8]
    /// Decompresses `input` into `output`, which has room for exactly the original bytes; returns the bytes written.
    func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int
}

extension LosslessCodec {
    /// Decompresses into a new array of `originalCount` bytes, and checks that exactly that many came out.
    func decompress(_ input: [UInt8], originalCount: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: originalCount)
        let written = try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { try decompress(source, into: $0) }
        }
        guard written == originalCount else { throw CodecError("\(name): decompressed \(written) bytes, expected \(originalCount)") }
        return output
    }
}

/// A codec call that failed (a bad status from the library, or output of the wrong size).
struct CodecError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Deflate through the system zlib (`compress2` / `uncompress`: the zlib container, whose Adler-32 check is part of
/// the decompression cost, as it would be for a loader).
struct ZlibCodec: LosslessCodec {
    /// 1 (fastest) to 9 (smallest).
    let level: Int32
    var name: String { "zlib-\(level)" }

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                compress2(destination.baseAddress!.assumingMemoryBound(to: Bytef.self), &capacity,
                          source.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(input.count), level)
            }
        }
        guard status == Z_OK else { throw CodecError("\(name): compress2 returned \(status)") }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = uLong(output.count)
        let status = uncompress(output.baseAddress?.assumingMemoryBound(to: Bytef.self), &written,
                                input.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(input.count))
        guard status == Z_OK else { throw CodecError("\(name): uncompress returned \(status)") }
        return Int(written)
    }
}
