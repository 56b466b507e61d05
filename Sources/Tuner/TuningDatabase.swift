import Foundation
import KernelCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tuning database: versioned JSON holding decisions per key (CPU and build fingerprints) and format, and the
/// end-to-end verifications of the decisions tuned for a model. Loading validates everything before any of it is
/// used; a file that fails is refused whole. Writers hold a lock and merge into what is on disk, so concurrent
/// runs lose nothing, and write atomically, so a killed run leaves the previous file intact.
public struct TuningDatabase: Codable, Sendable {
    /// 2: N classes are the dispatcher's, decisions carry a verdict, margin and measured noise, verifications.
    /// 3: keys are snake_case, parameter names too (`decode_rows`, `row_tile`).
    public static let currentVersion = 3

    public struct Entry: Codable, Sendable {
        public var key: TuningKey
        public var format: String
        public var decisions: [TuningDecision]
    }

    public var version: Int
    public var entries: [Entry]
    public var verifications: [EndToEndVerification]

    public init() {
        version = Self.currentVersion
        entries = []
        verifications = []
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
        // The version first: another version's records have other keys, and "corrupt" would be the wrong advice.
        struct Header: Decodable { let version: Int }
        if let version = try? JSONDecoder().decode(Header.self, from: data).version, version != currentVersion {
            throw TunerError("tuning database \(source) has version \(version); this build reads version \(currentVersion): "
                             + "delete it and run quantlab tune again, or pass --db to use another file")
        }
        let database: TuningDatabase
        do { database = try JSONDecoder().decode(TuningDatabase.self, from: data) } catch {
            throw TunerError("tuning database \(source) is corrupt (\(describe(error))); delete it or pass --db to use another file")
        }
        try database.validate(source: source)
        return database
    }

    /// Structural checks JSON decoding cannot make.
    func validate(source: String) throws {
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
                guard BatchClass(rawValue: d.bucket.nClass) != nil, d.bucket.threads > 0 else {
                    throw TunerError("\(where_): N class \(d.bucket.nClass) is not one of \(BatchClass.allCases.map(\.rawValue))")
                }
                guard d.noise.isFinite, d.noise >= 0, d.margin.isFinite, d.otherCores.map({ $0.isFinite && $0 >= 0 }) ?? true else {
                    throw TunerError("\(where_): noise, margin and load must be finite")
                }
                guard !d.keepsDefault || d.winner == d.defaultCandidate else {
                    throw TunerError("\(where_): verdict \(d.verdict.rawValue) keeps the default, but the winner is \(d.winner)")
                }
            }
        }
        for v in verifications {
            guard v.threads > 0, v.gain.isFinite, v.gain > 0, v.noise.isFinite, v.noise >= 0, v.otherCores.map({ $0.isFinite && $0 >= 0 }) ?? true,
                  v.decisionsTested >= 0, v.defaultSeconds.isEmpty == (v.decisionsTested == 0), v.defaultSeconds.count == v.tunedSeconds.count,
                  (v.defaultSeconds + v.tunedSeconds).allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw TunerError("\(source): verification \(v.workload) \(v.test) t\(v.threads) has invalid samples or figures")
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

    /// Reads the file at `path` under an exclusive lock (`path.lock`), lets `change` edit it and writes it back
    /// atomically before releasing the lock: two runs on one database each merge into the other's latest file.
    @discardableResult
    public static func update(_ path: String, _ change: (inout TuningDatabase) throws -> Void) throws -> TuningDatabase {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw TunerError("cannot open the lock file \(path).lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw TunerError("cannot lock \(path).lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        var database = try load(path)
        try change(&database)
        try database.save(path)
        return database
    }

    /// The decision for exactly this bucket under `key`.
    public func decision(for bucket: ShapeBucket, key: TuningKey) -> TuningDecision? {
        entries.first { $0.key == key && $0.format == bucket.format }?.decisions.first { $0.bucket == bucket }
    }

    /// The tuned choice for a shape: the decision of its bucket, or of the nearest tuned bucket of the same format,
    /// N class and thread count under the same key (a decode decision never answers a prefill, where the default
    /// rule itself changes kernels). Results under another key are never used.
    public func lookup(format: String, m: Int, k: Int, n: Int, threads: Int, key: TuningKey) -> (decision: TuningDecision, exact: Bool)? {
        let target = ShapeBucket(format: format, m: m, k: k, n: n, threads: threads)
        guard let entry = entries.first(where: { $0.key == key && $0.format == format }),
              let nearest = entry.decisions.filter({ $0.bucket.nClass == target.nClass && $0.bucket.threads == threads })
                .min(by: { $0.bucket.distance(to: target) < $1.bucket.distance(to: target) }) else { return nil }
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

    /// Merges another database's decisions and verifications (all keys); its replace ours for the same key and
    /// bucket (or workload, test and threads).
    public mutating func merge(_ other: TuningDatabase) {
        for entry in other.entries { for d in entry.decisions { record(d, key: entry.key) } }
        for v in other.verifications { record(v) }
    }

    /// Adds or replaces the verification of one workload, test and thread count under its key.
    public mutating func record(_ verification: EndToEndVerification) {
        verifications.removeAll { $0.sameCell(as: verification) }
        verifications.append(verification)
    }

    /// The verifications of a workload under a key.
    public func verifications(of workload: String, key: TuningKey) -> [EndToEndVerification] {
        verifications.filter { $0.key == key && $0.workload == workload }.sorted { ($0.threads, $0.test) < ($1.threads, $1.test) }
    }

    /// Keys present, with how many decisions each holds.
    public var keys: [(TuningKey, Int)] {
        var counts: [TuningKey: Int] = [:]
        for e in entries { counts[e.key, default: 0] += e.decisions.count }
        return counts.sorted { $0.key.description < $1.key.description }
    }
}
