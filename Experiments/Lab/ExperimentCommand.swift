import Foundation
import QuantLabCLI

/// `quantlab experiment NAME`: runs one experiment (or all of them) and writes its notebook.
public enum ExperimentCommand: Command {
    public static let name = "experiment"
    public static let summary = "run an experiment and write its markdown notebook with SVG charts"
    public static var usage: String {
        """
        quantlab experiment NAME|all|list [--out DIR] [--model PATH] [--quick] [--json]

        Writes DIR/NAME.md (default DIR: notebooks-md), its charts as DIR/charts/NAME-*.svg and the measurements
        as DIR/data/NAME.json, and sets the notebook's one-sentence finding in DIR/README.md. Timings are medians
        over repetitions: run on an otherwise idle machine. --quick runs the smallest settings (the notebook says
        its figures are not findings).

        experiments:
        \(ExperimentCatalog.all.map { "  \($0.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0.summary) (\($0.duration))" }.joined(separator: "\n"))
        """
    }

    public static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.positional("NAME", "an experiment, 'all', or 'list'")
        s.option("--out", value: "DIR", "where notebooks go (default notebooks-md)")
        s.option("--model", value: "PATH", "the GGUF model for the experiments that take one (bottleneck, bits-vs-quality)")
        s.flag("--quick", "smallest settings: checks the experiment runs; figures are not findings")
        s.flag("--json", "print the measurements as JSON on standard output")
        return s
    }

    public static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let name = arguments.positional(0)!
        if name == "list" {
            for e in ExperimentCatalog.all { console.print("\(e.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(e.summary) (\(e.duration))") }
            return
        }
        let chosen: [ExperimentEntry]
        if name == "all" {
            chosen = ExperimentCatalog.all
        } else if let e = ExperimentCatalog.named(name) {
            chosen = [e]
        } else {
            throw UsageError("no experiment '\(name)'; experiments: \(ExperimentCatalog.all.map(\.name).joined(separator: ", "))")
        }
        let out = arguments.value("--out") ?? "notebooks-md"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw InputError("--out \(out) is a file, not a directory")
        }
        if let model = arguments.value("--model"), !FileManager.default.isReadableFile(atPath: model) {
            throw InputError("cannot read model \(model)")
        }
        var reports: [String] = []
        for experiment in chosen {
            let lab = Lab(quick: arguments.has("--quick"), modelPath: arguments.value("--model"), outputDirectory: out, console: console)
            lab.progress("\(experiment.name): \(experiment.summary) (\(lab.quick ? "quick run" : experiment.duration))")
            let notebook = try experiment.run(lab)
            var command = "quantlab experiment \(experiment.name)"
            if let model = arguments.value("--model") { command += " --model \(Lab.shellQuoted(model))" }
            if lab.quick { command += " --quick" }
            if out != "notebooks-md" { command += " --out \(Lab.shellQuoted(out))" }
            let path = try NotebookWriter.write(notebook, lab: lab, command: command)
            lab.progress("wrote \(path): \(notebook.headline)")
            reports.append(notebook.data.map { String(decoding: $0, as: UTF8.self) } ?? "null")
        }
        if arguments.has("--json") {
            console.print(chosen.count == 1 ? reports[0]
                : "{\n" + zip(chosen, reports).map { "\"\($0.name)\": \($1)" }.joined(separator: ",\n") + "\n}")
        } else {
            for e in chosen { console.print("\(out)/\(e.name).md") }
        }
    }
}
