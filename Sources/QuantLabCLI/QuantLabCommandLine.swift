import Foundation

/// The `quantlab` command: dispatches to subcommands and turns errors into messages and exit statuses
/// (0 success, 1 bad input, 2 bad usage).
public enum QuantLabCommandLine {
    nonisolated(unsafe) static let commands: [any Command.Type] = [
        CPUCommand.self, ListCommand.self, InspectCommand.self, QuantizeCommand.self, MatmulCommand.self,
        RooflineCommand.self, BenchCommand.self, TuneCommand.self, CompareCommand.self, PerplexityCommand.self,
        GenerateCommand.self, BenchModelCommand.self, TokenizeCommand.self, CheckCommand.self,
    ]

    /// The subcommands' names, in `--help` order.
    public static var commandNames: [String] { commands.map { $0.name } }
    /// The subcommands that print a report with `--json`.
    public static var jsonCommandNames: [String] { commands.filter { $0.spec.flags["--json"] != nil }.map { $0.name } }

    static func overview(_ commands: [any Command.Type]) -> String {
        var lines = ["quantlab: kernel research and autotuning for quantized LLM inference on CPUs", "",
                     "usage: quantlab COMMAND [options]   (quantlab COMMAND --help for details)", "", "commands:"]
        for c in commands { lines.append("  \(c.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.summary)") }
        return lines.joined(separator: "\n")
    }

    /// Runs one command line (without the program name) and returns the exit status. `extraCommands` come after
    /// the library's own (the executable adds `experiment`, which lives in a target above this one).
    public static func run(_ arguments: [String], console: Console, extraCommands: [any Command.Type] = []) -> Int32 {
        let commands = Self.commands + extraCommands
        guard let first = arguments.first else {
            console.printError(overview(commands))
            return 2
        }
        if first == "--help" || first == "-h" || first == "help" {
            console.print(overview(commands))
            return 0
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            console.printError("quantlab: unknown command '\(first)'; run 'quantlab --help' for the list")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.print(command.help())
            return 0
        }
        do {
            let parsed = try ParsedArguments(command: command.name, arguments: rest, spec: command.spec)
            try command.run(parsed, console)
            return 0
        } catch let error as UsageError {
            console.printError("quantlab \(command.name): \(error)")
            return 2
        } catch {
            console.printError("quantlab \(command.name): error: \(error)")
            return 1
        }
    }
}
