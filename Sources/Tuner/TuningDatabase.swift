import Foundation

/// The tuning database: versioned JSON holding decisions per key (CPU and build fingerprints) and format.
/// Loading validates everything before any of it is used; a file that fails is refused whole.
public struct TuningDatabase: Codable, Sendable {
    public static let currentVersion = 1

    public struct Entry: Codable, Sendable {
        public var key: TuningKey
        public var format: String
        public var decisions: [TuningDecision]
    }

    public var version: Int
    public var entries: [Entry]

    public init() {
        version = Self.currentVersion
        entries = []
    }

    /// `$QUANTLAB_TUNING_DB`, else `~/.cache/quantlab/tuning.json`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["QUANTLAB_TUNING_DB"] ?? NSHomeDirectory() + "/.cache/quantlab/tuning.json"
    }

    /// Reads and validates `path`; a missing file is an empty database.
    public static func load(_ path: String) throws -> TuningDatabase {
        guard FileManager.default.fileExists(atPath: path) else { return TuningDatabase() }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TunerError("cannot read tuning database \(path): \(error.localizedDescription)")
        }
        return try decode(data, source: path)
    }

    public static func decode(_ data: Data, source: String) throws -> TuningDatabase {
        let database: TuningDatabase
        do { database = try JSONDecoder().decode(TuningDatabase.self, from: data) } catch {
            throw TunerError("tuning database \(source) is corrupt (\(describe(error))); delete it or pass --db to use another file")
        }
        try database.validate(source: source)
        return database
    }

    /// Structural checks JSON decoding cannot make.
    func validate(source: String) throws {
        guard version == Self.currentVersion else {
            throw TunerError("tuning database \(source) has version \(version); this build reads version \(Self.currentVersion)")
        }
        for entry in entries {
            for d in entry.decisions {
                let where_ = "\(source): \(entry.format) \(d.bucket)"
                guard d.bucket.format == entry.format, d.problem.format == entry.format else { throw TunerError("\(where_): format mismatch") }
                guard d.winnerSeconds.isFinite, d.winnerSeconds > 0, d.defaultSeconds.isFinite, d.defaultSeconds > 0 else {
                    throw TunerError("\(where_): times must be positive and finite")
                }
                guard let winnerSamples = d.samples(of: d.winner), !winnerSamples.isEmpty,
                      winnerSamples.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                    throw TunerError("\(where_): the winner's raw samples are missing or invalid")
                }
                guard d.problem.m > 0, d.problem.k > 0, d.problem.n > 0, d.problem.threads > 0 else {
                    throw TunerError("\(where_): shape must be positive")
                }
            }
        }
    }

    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let c)?: return "not valid JSON at \(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c)?: return "missing '\(key.stringValue)' at \(path(c.codingPath))"
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?: return "wrong type at \(path(c.codingPath)): \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// Writes atomically (temporary file and rename), creating the folder.
    public func save(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// The decision for exactly this bucket under `key`.
    public func decision(for bucket: ShapeBucket, key: TuningKey) -> TuningDecision? {
        entries.first { $0.key == key && $0.format == bucket.format }?.decisions.first { $0.bucket == bucket }
    }

    /// The tuned choice for a shape: the decision of its bucket, or of the nearest tuned bucket of the same format
    /// under the same key. Results under another key are never used.
    public func lookup(format: String, m: Int, k: Int, n: Int, threads: Int, key: TuningKey) -> (decision: TuningDecision, exact: Bool)? {
        guard let entry = entries.first(where: { $0.key == key && $0.format == format }), !entry.decisions.isEmpty else { return nil }
        let target = ShapeBucket(format: format, m: m, k: k, n: n, threads: threads)
        let nearest = entry.decisions.min { $0.bucket.distance(to: target) < $1.bucket.distance(to: target) }!
        return (nearest, nearest.bucket == target)
    }

    /// Adds or replaces a decision.
    public mutating func record(_ decision: TuningDecision, key: TuningKey) {
        if let e = entries.firstIndex(where: { $0.key == key && $0.format == decision.bucket.format }) {
            entries[e].decisions.removeAll { $0.bucket == decision.bucket }
            entries[e].decisions.append(decision)
            entries[e].decisions.sort { $0.bucket < $1.bucket }
        } else {
            entries.append(Entry(key: key, format: decision.bucket.format, decisions: [decision]))
        }
    }

    /// Merges another database's decisions (all keys); its decisions replace ours for the same key and bucket.
    public mutating func merge(_ other: TuningDatabase) {
        for entry in other.entries { for d in entry.decisions { record(d, key: entry.key) } }
    }

    /// Keys present, with how many decisions each holds.
    public var keys: [(TuningKey, Int)] {
        var counts: [TuningKey: Int] = [:]
        for e in entries { counts[e.key, default: 0] += e.decisions.count }
        return counts.sorted { $0.key.description < $1.key.description }
    }
}
