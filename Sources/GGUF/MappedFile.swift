#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes that live as long as this object: a private read-only `mmap` of a file, or a heap copy of bytes
/// given in memory. Immutable after init, hence `@unchecked Sendable`.
///
/// A file mapped here must not be truncated by another process while it is mapped (the kernel would deliver SIGBUS
/// on access to the vanished pages); that is the usual contract of memory-mapped model files.
final class MappedFile: @unchecked Sendable {
    private enum Owner { case none, mapped, heap }

    /// Start of the bytes; nil only when `count == 0`.
    let base: UnsafeRawPointer?
    let count: Int
    private let owner: Owner

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Maps `path` read-only.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GGUFError(.io, "cannot open: \(MappedFile.errnoText())", path: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw GGUFError(.io, "cannot stat: \(MappedFile.errnoText())", path: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw GGUFError(.io, "not a regular file", path: path) }
        guard st.st_size >= 0, let size = Int(exactly: st.st_size) else {
            throw GGUFError(.io, "invalid file size \(st.st_size)", path: path)
        }
        if size == 0 {
            base = nil; count = 0; owner = .none
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw GGUFError(.io, "cannot mmap \(size) bytes: \(MappedFile.errnoText())", path: path)
        }
        base = UnsafeRawPointer(p); count = size; owner = .mapped
    }

    /// A private copy of `bytes`.
    init(bytes: [UInt8]) {
        count = bytes.count
        if bytes.isEmpty {
            base = nil; owner = .none
            return
        }
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        base = UnsafeRawPointer(p); owner = .heap
    }

    deinit {
        guard let base else { return }
        switch owner {
        case .mapped: munmap(UnsafeMutableRawPointer(mutating: base), count)
        case .heap: UnsafeMutableRawPointer(mutating: base).deallocate()
        case .none: break
        }
    }

    static func errnoText() -> String {
        let e = errno
        return String(cString: strerror(e)) + " (errno \(e))"
    }
}
