import Foundation

/// An experiment's words, from its markdown template (`Experiments/NAME/notebook.md`, embedded at build time by
/// Plugins/NotebookTemplatePlugin): named fragments, each introduced by a line `<!-- name -->`, with `{{key}}`
/// placeholders that the code fills with measured figures. The code decides which fragment a finding takes (by its
/// typed verdict); the template says it in words, so the prose is edited as prose.
struct NotebookText {
    let experiment: String
    let fragments: [String: String]

    init(experiment: String) {
        self.experiment = experiment
        let parsed = Self.parse(NotebookTemplates.text[experiment] ?? "")
        precondition(parsed.duplicates.isEmpty, "\(experiment)/notebook.md repeats the fragments \(parsed.duplicates)")
        fragments = parsed.fragments
    }

    /// The fragments of a template, and the names that appear more than once.
    static func parse(_ template: String) -> (fragments: [String: String], duplicates: [String]) {
        var fragments: [String: String] = [:], duplicates: [String] = []
        var name: String?, lines: [Substring] = []
        func close() {
            guard let name else { return }
            if fragments[name] != nil { duplicates.append(name) }
            fragments[name] = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("<!-- "), line.hasSuffix(" -->") {
                close()
                name = String(line.dropFirst(5).dropLast(4))
                lines = []
            } else {
                lines.append(line)
            }
        }
        close()
        return (fragments, duplicates)
    }

    /// The `{{key}}` placeholders of a fragment.
    static func placeholders(_ text: String) -> Set<String> {
        var keys: Set<String> = [], rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            keys.insert(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return keys
    }

    /// Fragment `name` with its placeholders filled; a missing fragment or an unfilled placeholder is a bug in the
    /// experiment, caught by its quick run.
    func callAsFunction(_ name: String, _ values: [String: String] = [:]) -> String {
        guard var text = fragments[name] else { preconditionFailure("\(experiment)/notebook.md has no fragment '\(name)'") }
        let missing = Self.placeholders(text).subtracting(values.keys)
        precondition(missing.isEmpty, "\(experiment)/notebook.md fragment '\(name)' needs \(missing.sorted())")
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }
}
