import Foundation

/// Writes a notebook's files: `NAME.md` with its header (machine, command, date, run time), `charts/*.svg` and
/// `data/NAME.json`; and keeps the notebooks' index (`README.md`) row for it current.
enum NotebookWriter {
    static func write(_ notebook: Notebook, lab: Lab, command: String) throws -> String {
        let directory = lab.outputDirectory
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/charts", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        for chart in notebook.charts {
            try Data(chart.svg.utf8).write(to: URL(fileURLWithPath: directory + "/" + chart.file), options: .atomic)
        }
        let dataFile = "data/\(notebook.name).json"
        if let data = notebook.data {
            try data.write(to: URL(fileURLWithPath: directory + "/" + dataFile), options: .atomic)
        }
        let seconds = Date().timeIntervalSince(lab.started)
        var header = ["# \(notebook.title)", "", "**Finding:** \(notebook.headline)", ""]
        if lab.quick {
            header += ["> **Quick run** (`--quick`): the smallest settings, for checking that the experiment works. Its figures are not findings.", ""]
        }
        header += [
            "Regenerate: `\(command)` (this run took \(Cell.fixed(seconds / 60, 1)) min on \(Self.dateFormatter.string(from: lab.started)); raw data in [\(dataFile)](\(dataFile))).",
            "",
            "Machine: \(MachineDescription.current.markdown)",
        ]
        var text = (header + ["", notebook.body]).joined(separator: "\n")
        if !lab.commands.isEmpty {
            text += "\n\n## Commands\n\nWhat the experiment ran, in order (each `quantlab` line reproduces its table on its own):\n\n"
            text += lab.commands.map { "    \($0)" }.joined(separator: "\n")
        }
        let path = directory + "/\(notebook.name).md"
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try updateIndex(directory + "/README.md", notebook: notebook)
        return path
    }

    /// Replaces (or adds) the notebook's row in the index table: `| [NAME.md](NAME.md) | headline |`.
    static func updateIndex(_ path: String, notebook: Notebook) throws {
        let row = "| [\(notebook.name).md](\(notebook.name).md) | \(notebook.headline.replacingOccurrences(of: "|", with: "\\|")) |"
        var lines = (try? String(contentsOfFile: path, encoding: .utf8))?.components(separatedBy: "\n")
            ?? ["# Notebooks", "", "| notebook | headline |", "|---|---|", ""]
        if let i = lines.firstIndex(where: { $0.hasPrefix("| [\(notebook.name).md]") }) {
            lines[i] = row
        } else if let last = lines.lastIndex(where: { $0.hasPrefix("| [") || $0.hasPrefix("|---") }) {
            lines.insert(row, at: last + 1)
        } else {
            lines += ["| notebook | headline |", "|---|---|", row]
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    static let dateFormatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()
}
