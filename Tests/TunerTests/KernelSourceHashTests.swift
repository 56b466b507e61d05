import Foundation
import Testing
import Tuner

/// The build fingerprint must change whenever kernel, format or kernel-core code does, or old tuning would be reused
/// silently. The build generates the hash (Plugins/KernelSourceHashPlugin); this recomputes it from the repository.
@Suite struct KernelSourceHashTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Sorted relative paths of the hashed sources.
    static func sources() throws -> [String] {
        var paths: [String] = []
        for folder in ["Kernels", "Sources/QuantFormats", "Sources/KernelCore"] {
            let base = repository.appendingPathComponent(folder)
            let enumerator = FileManager.default.enumerator(atPath: base.path)
            while let item = enumerator?.nextObject() as? String {
                if item.hasSuffix(".swift") { paths.append(folder + "/" + item) }
            }
        }
        return paths.sorted()
    }

    static func currentHash() throws -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for path in try sources() {
            hash = FNV1a.hash(Array(path.utf8), seed: hash)
            hash = FNV1a.hash(Array(try Data(contentsOf: repository.appendingPathComponent(path))), seed: hash)
        }
        return String(hash, radix: 16)
    }

    @Test func kernelSourceHashIsCurrent() throws {
        #expect(try Self.sources().count > 10)
        let hash = try Self.currentHash()
        #expect(KernelSourceHash.value == hash, "the build's kernel source hash does not cover the same sources as this test")
    }
}
