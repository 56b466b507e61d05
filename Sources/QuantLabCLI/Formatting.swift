import Foundation
import QuantFormats

/// Left-aligned text table with a header rule.
func formatTable(header: [String], rows: [[String]]) -> String {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}

/// A GGML type named on the command line; unknown names list the known ones.
func parseType(_ name: String) throws -> GGMLType {
    guard let type = GGMLType(name: name) else {
        let known = FormatTraits.all.map(\.name).joined(separator: ", ")
        throw InputError("unknown type '\(name)'; the lab implements \(known)")
    }
    return type
}
