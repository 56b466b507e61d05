#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared library opened at run time, so the package needs no build-time dependency on codecs that a host may
/// not have (zstd, lz4); closed when the last codec using it goes.
final class SharedLibrary {
    let path: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of `candidates` that loads, or returns nil (with the loader's last message in `failure`).
    init?(_ candidates: [String], failure: inout String) {
        for candidate in candidates {
            if let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) {
                self.handle = handle
                self.path = candidate
                return
            }
            failure = dlerror().map { String(cString: $0) } ?? "\(candidate) did not load"
        }
        return nil
    }

    deinit { dlclose(handle) }

    /// The C function `name`, cast to the function type `T` (a `@convention(c)` type matching its prototype).
    func function<T>(_ name: String, as type: T.Type) throws -> T {
        guard let symbol = dlsym(handle, name) else { throw CodecError("\(path) has no symbol \(name)") }
        return unsafeBitCast(symbol, to: T.self)
    }
}
