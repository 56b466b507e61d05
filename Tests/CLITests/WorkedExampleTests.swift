import Foundation
import Testing
import QuantLabCLI

/// The worked example of adding a kernel variant (Kernels/Examples, README "Add a kernel variant in one file"): its
/// one registration makes it appear in `list`, pass `check`, get timed by `bench` and measured by `tune`; the README
/// shows the file as it is compiled.
@Suite(.serialized) struct WorkedExampleTests {
    static let ids = ["q8_0xq8_0.portable.rows.example", "q8_0xq8_0.portable.threaded.example"]
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The README's Swift code blocks, each the text between a ```swift line and the next ``` line.
    static func swiftBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = [], current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" { current = [] } else if line == "```", let lines = current {
                blocks.append(lines.joined(separator: "\n") + "\n")
                current = nil
            } else { current?.append(line) }
        }
        return blocks
    }

    @Test func everyReadmeSwiftBlockIsACompiledExampleFile() throws {
        let readme = try String(contentsOf: Self.root.appending(path: "README.md"), encoding: .utf8)
        let folder = Self.root.appending(path: "Kernels/Examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: folder.appending(path: $0), encoding: .utf8) }
        let blocks = Self.swiftBlocks(readme)
        #expect(!blocks.isEmpty, "the README shows the worked example")
        for block in blocks {
            #expect(files.contains(block), "a README Swift block is not the text of a file in Kernels/Examples (which the build compiles):\n\(block.prefix(200))")
        }
    }

    @Test func listShowsBothForms() throws {
        let result = quantlab("list", "--json")
        try #require(result.status == 0, "\(result.errors)")
        let variants = try #require(try json(result.output)["variants"] as? [[String: Any]])
        let listed = variants.filter { Self.ids.contains($0["id"] as? String ?? "") }
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["supported"] as? Bool == true })
    }

    @Test(arguments: ids) func passesCheck(_ id: String) throws {
        let result = quantlab("check", "--variant", id, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.count >= 50 && cases.allSatisfy { $0["variant"] as? String == id })
        #expect(report["failures"] as? Int == 0)
    }

    @Test func benchTimesIt() throws {
        let result = quantlab("bench", "--variant", Self.ids[0], "--shape", "64x256", "--n", "1,3", "--threads", "1",
                              "--repetitions", "2", "--min-seconds", "0", "--no-roofline", "--json")
        try #require(result.status == 0, "\(result.errors)")
        let rows = try #require(try json(result.output)["rows"] as? [[String: Any]])
        #expect(rows.map { $0["n"] as? Int } == [1, 3])
        #expect(rows.allSatisfy { $0["variant"] as? String == Self.ids[0] && ($0["seconds"] as? Double ?? 0) > 0 })
    }

    /// The exhaustive strategy times every candidate, so the example's presence among the samples shows the tuner
    /// measured it as a choice for its bucket (TunerTests hold that it wins when it is fastest).
    @Test func tuneMeasuresItAsACandidate() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("example-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: db) }
        let result = quantlab("tune", "--format", "q8_0", "--shape", "64x256", "--n", "1", "--threads", "1", "--no-heldout",
                              "--strategy", "exhaustive", "--max-candidates", "6", "--option", "repetitions=2", "--db", db, "--json")
        try #require(result.status == 0, "\(result.errors)")
        let decisions = try #require(try json(result.output)["decisions"] as? [[String: Any]])
        let sampled = (decisions.first?["samples"] as? [[String: Any]] ?? []).compactMap { ($0["candidate"] as? [String: Any])?["variant"] as? String }
        #expect(sampled.contains(Self.ids[0]), "timed: \(sampled)")
    }
}
