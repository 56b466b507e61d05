import Foundation
import FuzzHarness
import Testing

/// Every seed and every input the fuzzers once crashed on (Tests/Fuzz/Corpus/TARGET/, Tests/Fuzz/Regressions/TARGET/)
/// goes through its parser on each test run: a fixed crash that comes back fails here, without libFuzzer.
@Suite struct FuzzReplayTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedCorpusAndRegressionsReplayCleanly(_ target: FuzzTarget) throws {
        let corpus = Self.inputs("Corpus", target)
        #expect(corpus.count >= 4, "the seed corpus of \(target.rawValue) is missing: run quantlab-fuzz seeds Tests/Fuzz/Corpus")
        for url in corpus + Self.inputs("Regressions", target) {
            target.run([UInt8](try Data(contentsOf: url)))
        }
    }

    @Test func seedsAreRegeneratedIdentically() throws {
        let directory = NSTemporaryDirectory() + "seeds-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try SeedCorpus.write(to: directory) > 20)
        for target in FuzzTarget.allCases {
            for url in try FileManager.default.contentsOfDirectory(at: URL(fileURLWithPath: directory + "/" + target.rawValue), includingPropertiesForKeys: nil) {
                let committed = Self.fuzzRoot.appendingPathComponent("Corpus/\(target.rawValue)/\(url.lastPathComponent)")
                #expect(try Data(contentsOf: url) == Data(contentsOf: committed), "\(url.lastPathComponent) differs from the committed seed")
            }
        }
    }
}
