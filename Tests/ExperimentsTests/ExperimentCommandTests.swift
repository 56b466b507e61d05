import Foundation
import Testing
@testable import Experiments
import QuantLabCLI

@Suite struct ExperimentCommandTests {
    func run(_ arguments: [String]) -> (status: Int32, console: Console) {
        let console = Console(capture: true)
        let status = QuantLabCommandLine.run(arguments, console: console, extraCommands: [ExperimentCommand.self])
        return (status, console)
    }

    @Test func listsEveryExperimentAndRejectsUnknownOnes() {
        let listed = run(["experiment", "list"])
        #expect(listed.status == 0)
        for name in ["roofline", "unpacking", "bottleneck", "bits-vs-quality", "compressibility", "tuning"] {
            #expect(listed.console.output.contains(name))
        }
        let unknown = run(["experiment", "rooflin"])
        #expect(unknown.status == 2)
        #expect(unknown.console.errors.contains("no experiment 'rooflin'"))
        #expect(run(["experiment"]).status == 2)
        #expect(run(["experiment", "roofline", "--speed"]).status == 2)
    }

    @Test func refusesAFileAsOutputDirectoryAndAMissingModel() throws {
        let file = NSTemporaryDirectory() + "experiment-out-\(UUID().uuidString)"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = run(["experiment", "bits-vs-quality", "--quick", "--out", file])
        #expect(result.status == 1)
        #expect(result.console.errors.contains("is a file, not a directory"))
        let missing = run(["experiment", "bits-vs-quality", "--model", "/nonexistent.gguf"])
        #expect(missing.status == 1)
        #expect(missing.console.errors.contains("cannot read model /nonexistent.gguf"))
    }

    @Test func indexRowIsReplacedNotDuplicated() throws {
        let path = NSTemporaryDirectory() + "index-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("# Notebooks\n\n| notebook | headline |\n|---|---|\n| [other.md](other.md) | kept |\n".utf8).write(to: URL(fileURLWithPath: path))
        var notebook = Notebook(name: "demo", title: "Demo")
        notebook.headline = "first | finding"
        try NotebookWriter.updateIndex(path, notebook: notebook)
        notebook.headline = "second finding"
        try NotebookWriter.updateIndex(path, notebook: notebook)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("| [other.md](other.md) | kept |"))
        #expect(text.contains("| [demo.md](demo.md) | second finding |"))
        #expect(!text.contains("first"))
        #expect(text.components(separatedBy: "[demo.md]").count == 2)
    }
}
