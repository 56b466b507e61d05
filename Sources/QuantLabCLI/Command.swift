import Foundation

/// Where a command writes: standard output for results, standard error for progress and errors. Tests capture both.
public final class Console: @unchecked Sendable {
    public private(set) var output = ""
    public private(set) var errors = ""
    let capture: Bool
    /// With `capture`, still send errors (progress) to standard error: a command run inside another one.
    let streamErrors: Bool

    public init(capture: Bool, streamErrors: Bool = false) {
        self.capture = capture
        self.streamErrors = streamErrors
    }

    public func print(_ text: String) {
        if capture { output += text + "\n" } else { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    /// Text without a line break, flushed at once: streamed tokens.
    public func write(_ text: String) {
        if capture { output += text } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    public func printError(_ text: String) {
        if capture { errors += text + "\n" }
        if !capture || streamErrors { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// Pretty, key-sorted JSON of any Encodable value, on standard output.
    public func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// One `quantlab` subcommand. Public so that targets above the CLI (the experiments) can add theirs.
public protocol Command {
    static var name: String { get }
    static var summary: String { get }
    /// Usage line(s) and notes shown by `--help` above the option list.
    static var usage: String { get }
    static var spec: ArgumentSpec { get }
    static func run(_ arguments: ParsedArguments, _ console: Console) throws
}

extension Command {
    public static func help() -> String {
        var lines = ["\(summary)", "", "usage: \(usage)"]
        if !spec.positionals.isEmpty {
            lines.append("\narguments:")
            for p in spec.positionals { lines.append("  \(p.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(p.help)") }
        }
        lines.append("\noptions:")
        var rows = spec.options.map { ("\($0.key) \($0.value.value)", $0.value.help) } + spec.flags.map { ($0.key, $0.value) }
        rows.append(("--help", "show this help"))
        for (name, help) in rows.sorted(by: { $0.0 < $1.0 }) {
            lines.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(help)")
        }
        return lines.joined(separator: "\n")
    }
}
