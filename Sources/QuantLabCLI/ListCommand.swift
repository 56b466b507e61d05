import KernelCore
import KernelCatalog

/// `quantlab list`: the kernel registry and what this CPU can run.
enum ListCommand: Command {
    static let name = "list"
    static let summary = "list the kernel variants and whether this CPU can run each"
    static let usage = "quantlab list [--json] [--format T]"
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.flag("--json", "print {\"variants\": [...], \"withheld_targets\": [...]}")
        s.option("--format", value: "T", "only variants for weight format T (q4_0, q4_K, ...)")
        return s
    }

    struct Row: Encodable {
        let id: String, format: String, activations: String, kind: String
        let instruction_set: String, method: String, threading: String
        let features: [String], parameters: [Parameter]
        let supported: Bool, reason: String?, summary: String
    }

    struct Parameter: Encodable {
        let name: String, values: [Int], default_value: Int, summary: String
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let format = try arguments.value("--format").map(parseType)
        let registry = KernelCatalog.registry
        let rows = registry.variants.filter { format == nil || $0.weightType == format }.map { v in
            let a = registry.availability(of: v)
            return Row(id: v.id, format: v.weightType.name, activations: v.activationType.name, kind: v.identity.label,
                       instruction_set: v.instructionSet.rawValue, method: v.method.rawValue, threading: v.threading.rawValue,
                       features: v.requiredFeatures.sorted().map(\.rawValue),
                       parameters: v.parameters.map { Parameter(name: $0.name.name, values: $0.values, default_value: $0.defaultValue, summary: $0.summary) },
                       supported: a.supported, reason: a.reason, summary: v.summary)
        }
        if arguments.has("--json") {
            struct Withheld: Encodable { let target: String, missing_features: [String] }
            struct Listing: Encodable { let variants: [Row], withheld_targets: [Withheld] }
            return try console.printJSON(Listing(variants: rows, withheld_targets: KernelCatalog.withheld.map {
                Withheld(target: $0.target, missing_features: $0.missing.map(\.rawValue))
            }))
        }
        let table = rows.map { r in
            [r.id, r.kind, r.features.isEmpty ? "-" : r.features.joined(separator: ","),
             r.parameters.isEmpty ? "-" : r.parameters.map { "\($0.name)∈{\($0.values.map(String.init).joined(separator: ","))}" }.joined(separator: " "),
             r.supported ? "yes" : "no: \(r.reason ?? "")"]
        }
        console.print(formatTable(header: ["variant", "kind", "needs", "parameters", "runs here"], rows: table))
        console.print("\n\(rows.filter(\.supported).count) of \(rows.count) variants run on this CPU")
        for w in KernelCatalog.withheld {
            console.print("\(w.target): not registered, this CPU lacks \(w.missing.map(\.rawValue).joined(separator: ", "))")
        }
    }
}
