import GGUF
import Model
import Tokenizer

enum GGUFFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let file = try? GGUFFile(bytes: bytes) else { return }
        // Every accepted extent must lie inside the file: touching each tensor's first and last byte proves it
        // (AddressSanitizer reports a read outside).
        var checksum: UInt8 = 0
        for tensor in file.tensors {
            let data = file.bytes(of: tensor)
            if let first = data.first, let last = data.last { checksum ^= first ^ last }
        }
        for (key, _) in file.metadata {
            _ = try? file.string(key)
            _ = try? file.stringArray(key)
            _ = try? file.intArray(key)
        }
        _ = try? ModelConfig(gguf: file)
        if let tokenizer = try? Tokenizer(gguf: file) {
            let ids = tokenizer.encode("Hello, world! <|endoftext|> 12345", parseSpecial: true)
            _ = tokenizer.decode(ids)
        }
        blackHole(checksum)
    }
}

/// Keeps a value alive so the reads that made it are not optimised away.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
