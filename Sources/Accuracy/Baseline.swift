import Foundation

/// The committed record of each (variant, case) error, so a change that makes a kernel worse fails even while it
/// stays inside the format's tolerance.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public let variant: String
        public let format: String
        public let `case`: String
        public let shape: String
        public let nmse: Double
        public let max_abs: Double
    }

    /// Keyed by `key(variant:case:)`.
    public var entries: [String: Entry]

    public init(entries: [Entry] = []) {
        self.entries = Dictionary(entries.map { (Self.key(variant: $0.variant, case: $0.case), $0) }, uniquingKeysWith: { $1 })
    }

    public static func key(variant: String, case name: String) -> String { "\(variant) \(name)" }

    public func entry(variant: String, case name: String) -> Entry? { entries[Self.key(variant: variant, case: name)] }

    /// The repository's Tests/Support/Fixtures/check-baseline.json, found from this source file's path.
    public static var defaultPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Support/Fixtures/check-baseline.json").path
    }

    struct File: Codable {
        var note: String
        var entries: [Entry]
    }

    /// Reads a baseline file; a missing file is an empty baseline (every case is new), a malformed one an error.
    public static func load(_ path: String) throws -> Baseline {
        guard FileManager.default.fileExists(atPath: path) else { return Baseline() }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AccuracyError("cannot read baseline \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return Baseline(entries: try decoder.decode(File.self, from: data).entries)
        } catch {
            throw AccuracyError("baseline \(path) is not a valid check baseline (\(describe(error))); fix it or rewrite it with 'quantlab check --update-baseline'")
        }
    }

    /// Writes the entries sorted by variant and case, so a rewrite diffs line by line.
    public func save(_ path: String) throws {
        let sorted = entries.values.sorted { ($0.variant, $0.case) < ($1.variant, $1.case) }
        let file = File(note: "kernel errors against the f64 reference, per variant and case; written by 'quantlab check --update-baseline'",
                        entries: sorted)
        // One entry per line: thousands of entries stay readable, and a rewrite diffs entry by entry.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let note = String(decoding: try encoder.encode(file.note), as: UTF8.self)
            let lines = try file.entries.map { "    " + String(decoding: try encoder.encode($0), as: UTF8.self) }
            let text = "{\n  \"note\": \(note),\n  \"entries\": [\n" + lines.joined(separator: ",\n") + "\n  ]\n}\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AccuracyError("cannot write baseline \(path): \(error.localizedDescription)")
        }
    }

    /// This baseline with the entries of `results` added or replaced (entries of other variants and cases kept).
    public func updated(with results: [CaseResult]) -> Baseline {
        var copy = self
        for r in results {
            copy.entries[Self.key(variant: r.variant, case: r.case)] =
                Entry(variant: r.variant, format: r.format, case: r.case, shape: r.shape, nmse: r.nmse, max_abs: r.max_abs)
        }
        return copy
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return "corrupt JSON: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }
}
