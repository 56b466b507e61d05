#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GGUFWriter {
    /// Writes the file to a temporary file next to `path`, flushes it to disk and renames it over `path`, so `path`
    /// holds either its old content or the whole new file. The data is streamed tensor by tensor (no whole-file copy).
    public func write(to path: String) throws {
        let dir: String = {
            guard let slash = path.lastIndex(of: "/") else { return "." }
            let d = String(path[..<slash])
            return d.isEmpty ? "/" : d
        }()
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let tmp = "\(dir)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GGUFError(.io, "cannot create temporary file: \(MappedFile.errnoText())", path: tmp) }
        var ok = false
        defer {
            if !ok { close(fd); unlink(tmp) }
        }
        let a = alignment
        try Self.writeAll(fd, serializedHeader(), path: tmp)
        let zeros = [UInt8](repeating: 0, count: a)
        for t in tensors {
            try t.withBytes { try Self.writeAll(fd, $0, path: tmp) }
            let pad = Self.padded(t.byteCount, a) - t.byteCount
            if pad > 0 { try Self.writeAll(fd, zeros[0..<pad], path: tmp) }
        }
        guard fsync(fd) == 0 else { throw GGUFError(.io, "fsync failed: \(MappedFile.errnoText())", path: tmp) }
        ok = true
        guard close(fd) == 0 else {
            unlink(tmp)
            throw GGUFError(.io, "close failed: \(MappedFile.errnoText())", path: tmp)
        }
        guard rename(tmp, path) == 0 else {
            let message = "cannot rename \(tmp) into place: \(MappedFile.errnoText())"
            unlink(tmp)
            throw GGUFError(.io, message, path: path)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: some ContiguousBytesCollection, path: String) throws {
        try bytes.withContiguousBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw GGUFError(.io, "write failed: \(MappedFile.errnoText())", path: path)
                }
                done += n
            }
        }
    }
}

/// `[UInt8]` and its slices, as contiguous bytes.
protocol ContiguousBytesCollection {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension UnsafeRawBufferPointer: ContiguousBytesCollection {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}

extension Array: ContiguousBytesCollection where Element == UInt8 {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}

extension ArraySlice: ContiguousBytesCollection where Element == UInt8 {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}
