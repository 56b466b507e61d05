import Foundation

/// A markdown notebook under construction: prose, tables and SVG charts, in the order they are added, plus the
/// data they were made from. `NotebookWriter` adds the header (machine, command, date) and writes the files.
public struct Notebook {
    public let name: String
    public var title: String
    /// The finding in one sentence: the notebook's first line under the title and its row in the notebooks' index.
    public var headline = ""
    var blocks: [String] = []
    var charts: [(file: String, svg: String)] = []
    var data: Data?

    public init(name: String, title: String) {
        self.name = name
        self.title = title
    }

    public mutating func heading(_ text: String) { blocks.append("## \(text)") }

    public mutating func text(_ markdown: String) { blocks.append(markdown) }

    /// A markdown table; cells may hold markdown. Pipes in cells are escaped.
    public mutating func table(_ header: [String], _ rows: [[String]]) {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        blocks.append(([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n"))
    }

    /// An SVG chart, written beside the notebook as `charts/NAME-ID.svg` and shown inline.
    public mutating func chart(_ svg: String, id: String, caption: String) {
        let file = "charts/\(name)-\(id).svg"
        charts.append((file, svg))
        blocks.append("![\(caption)](\(file))\n\n*\(caption)*")
    }

    /// The measurements behind the notebook, written as `data/NAME.json` and printed by `--json`.
    public mutating func attach<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        data = try encoder.encode(value)
    }

    var body: String { blocks.joined(separator: "\n\n") }
}

/// Number formatting for notebook cells.
public enum Cell {
    /// `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int = 1) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "-"
    }

    /// Three significant digits in scientific notation: errors and tiny quantities.
    public static func sci(_ value: Double) -> String { value.isFinite ? String(format: "%.2e", value) : "-" }

    public static func percent(_ fraction: Double, _ digits: Int = 0) -> String {
        fraction.isFinite ? String(format: "%.\(digits)f%%", fraction * 100) : "-"
    }

    public static func ratio(_ value: Double) -> String { value.isFinite ? String(format: "%.2fx", value) : "-" }

    /// Bytes in the largest binary unit that keeps the number at or above 1.
    public static func bytes(_ count: Double) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where count >= Double(1 << shift) {
            return String(format: "%.1f %@", count / Double(1 << shift), unit)
        }
        return String(format: "%.0f B", count)
    }
}
