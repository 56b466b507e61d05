import Foundation
import Tuner

enum TuningDatabaseFuzz {
    /// A database the loader accepts must answer lookups and survive encoding and decoding again.
    static func run(_ bytes: [UInt8]) {
        guard let database = try? TuningDatabase.decode(Data(bytes), source: "fuzz input") else { return }
        for entry in database.entries {
            for n in [1, 7, 512] { _ = database.lookup(format: entry.format, m: 4096, k: 4096, n: n, threads: 1, key: entry.key) }
        }
        guard let again = try? JSONEncoder().encode(database) else { fatalError("an accepted database must encode") }
        do {
            _ = try TuningDatabase.decode(again, source: "re-encoded fuzz input")
        } catch {
            fatalError("an accepted database failed to reload after encoding: \(error)")
        }
    }
}
