import Foundation
import Testing
import QuantLabCLI

/// Bad input to every subcommand: a missing or unreadable file, a file that is not GGUF, an unknown type, a shape
/// that does not fit a block, a bad value. Each must end in one error line that names the problem, with exit status
/// 1 (bad input) or 2 (bad usage); progress lines before it are allowed, a crash or a silent success is not.
@Suite struct ErrorMessageTests {
    struct Case: CustomStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        let mentions: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let notGGUF: String = {
        let path = NSTemporaryDirectory() + "quantlab-not-gguf.txt"
        try? Data("not a gguf file\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    static let corruptJSON: String = {
        let path = NSTemporaryDirectory() + "quantlab-corrupt.json"
        try? Data("{\"version\": 1, \"entries\": [".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    static let cases: [Case] = [
        Case(arguments: ["inspect", "/nonexistent.gguf"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["inspect", notGGUF], status: 1, mentions: "bad magic"),
        Case(arguments: ["inspect", NSTemporaryDirectory()], status: 1, mentions: "not a regular file"),
        Case(arguments: ["quantize", "/nonexistent.gguf", "/tmp/out.gguf", "--type", "q4_0"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["quantize", notGGUF, "/tmp/out.gguf", "--type", "q9_9"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["quantize", notGGUF, "/tmp/out.gguf", "--mix", "Q9_9"], status: 1, mentions: "unknown mix 'Q9_9'"),
        Case(arguments: ["quantize", notGGUF, "/tmp/out.gguf"], status: 2, mentions: "--type or --mix"),
        Case(arguments: ["matmul", "--type", "q4_K", "--shape", "4x100"], status: 1, mentions: "block of 256"),
        Case(arguments: ["matmul", "--type", "q9_9"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["bench", "--format", "q9_9", "--no-roofline"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["bench", "--format", "q4_K", "--shape", "4x100", "--n", "1", "--no-roofline"], status: 1, mentions: "no case could run"),
        Case(arguments: ["bench", "--n", "0"], status: 2, mentions: "--n"),
        Case(arguments: ["bench", "--variant", "nope", "--no-roofline"], status: 1, mentions: "no variant 'nope'"),
        Case(arguments: ["tune", "--format", "q9_9"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["tune", "--db", corruptJSON, "--format", "q4_0", "--shape", "64x256", "--n", "1", "--threads", "1"], status: 1, mentions: "corrupt"),
        Case(arguments: ["tune", "--format", "q4_K", "--shape", "64x100", "--db", "/tmp/quantlab-unused-db.json"], status: 1, mentions: "block sizes"),
        Case(arguments: ["roofline", "--threads", "0"], status: 2, mentions: "--threads"),
        Case(arguments: ["list", "--format", "q9_9"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["cpu", "extra"], status: 2, mentions: "unexpected argument 'extra'"),
        Case(arguments: ["compare", "/nonexistent.gguf"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["compare", notGGUF], status: 1, mentions: "bad magic"),
        Case(arguments: ["perplexity", "builtin"], status: 2, mentions: "--file"),
        Case(arguments: ["perplexity", "builtin", "--file", "/nonexistent.txt"], status: 1, mentions: "/nonexistent.txt"),
        Case(arguments: ["generate", "/nonexistent.gguf", "--prompt", "hi"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["generate", "builtin"], status: 2, mentions: "--prompt"),
        Case(arguments: ["bench-model", "/nonexistent.gguf"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["bench-model", "builtin", "--threads", "0"], status: 2, mentions: "--threads"),
        Case(arguments: ["tokenize", "/nonexistent.gguf", "--text", "hi"], status: 1, mentions: "/nonexistent.gguf"),
        Case(arguments: ["tokenize", "builtin"], status: 2, mentions: "--text"),
        Case(arguments: ["check", "--format", "q9_9"], status: 1, mentions: "unknown type 'q9_9'"),
        Case(arguments: ["check", "--baseline", corruptJSON, "--skip-models"], status: 1, mentions: "not a valid check baseline"),
    ]

    @Test(arguments: cases)
    func failsWithOneLineNamingTheProblem(_ c: Case) {
        let result = quantlab(c.arguments)
        #expect(result.status == c.status, "\(c): exit \(result.status), stderr: \(result.errors)")
        let last = result.errors.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("quantlab \(c.arguments[0]):"), "\(c): last line \(last)")
        #expect(last.contains(c.mentions), "\(c): '\(last)' does not mention \(c.mentions)")
    }

    /// Every subcommand is covered by at least one bad-input case above (besides --help and unknown flags).
    @Test func everySubcommandHasABadInputCase() {
        let covered = Set(Self.cases.map { $0.arguments[0] })
        #expect(Set(QuantLabCommandLine.commandNames).subtracting(covered).isEmpty,
                "no bad-input case for \(Set(QuantLabCommandLine.commandNames).subtracting(covered).sorted())")
    }
}
