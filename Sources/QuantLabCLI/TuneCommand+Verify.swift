import Foundation
import KernelCore
import Model
import Tuner

extension TuneCommand {
    /// Runs the end-to-end verification per thread count and drops (back to the default) every group of decisions
    /// that did not make the model faster; verifications and dropped decisions are saved as they are made. A
    /// verification already in the database for the same decisions is reused unless `fresh`.
    static func verify(_ outcomes: [Tuner.Outcome], with verifier: TuningVerifier, threads: [Int], database path: String,
                       fresh: Bool, console: Console) throws -> ([Tuner.Outcome], [EndToEndVerification]) {
        var outcomes = outcomes
        var results: [EndToEndVerification] = []
        let stored = try TuningDatabase.load(path).verifications(of: verifier.workload.id, key: verifier.key)
        for t in threads {
            let reusable = !fresh && outcomes.allSatisfy(\.reused)
            let previous = stored.filter { $0.threads == t }
            if reusable && previous.count == verifier.tests.count && !previous.contains(where: \.busy) {
                results += previous
                continue
            }
            let checked = try verifier.verify(outcomes.map(\.decision), threads: t) { console.printError("tune: \($0)") }
            for v in checked {
                let verdict = v.decisionsTested == 0 ? "nothing to verify (every decision kept the default)"
                    : v.busy ? MachineLoad.describe(otherCores: v.otherCores ?? 0) + "; dropped, the defaults stay (tune again on an idle machine)"
                    : String(format: "%.3fx, noise %.1f%%: %@", v.gain, v.noise * 100, v.kept ? "kept" : "dropped, the defaults stay")
                console.printError("tune: \(v.test) at \(t) thread(s): \(verdict)")
                var dropped: [TuningDecision] = []
                if v.decisionsTested > 0 && !v.kept {
                    for i in outcomes.indices where outcomes[i].decision.bucket.threads == t && outcomes[i].decision.bucket.batch == v.batch
                        && !outcomes[i].decision.keepsDefault {
                        var d = outcomes[i].decision
                        d.verdict = .dropped
                        d.winner = d.defaultCandidate
                        d.winnerSeconds = d.defaultSeconds
                        outcomes[i].decision = d
                        dropped.append(d)
                    }
                }
                try TuningDatabase.update(path) { db in
                    for d in dropped { db.record(d, key: verifier.key) }
                    db.record(v)
                }
            }
            results += checked
        }
        return (outcomes, results)
    }

    static func printVerifications(_ verifications: [EndToEndVerification], console: Console) {
        console.print("\nend-to-end verification (the model with each group of decisions against the defaults, interleaved):")
        console.print(formatTable(header: ["threads", "test", "decisions", "default ms", "tuned ms", "gain", "noise", "kept"], rows: verifications.map { v in
            guard v.decisionsTested > 0 else { return [String(v.threads), v.test, "0", "-", "-", "-", "-", "defaults (nothing won)"] }
            return [String(v.threads), v.test, String(v.decisionsTested),
                    String(format: "%.1f", TimingSummary(v.defaultSeconds).median * 1e3), String(format: "%.1f", TimingSummary(v.tunedSeconds).median * 1e3),
                    String(format: "%.3fx", v.gain), String(format: "%.1f%%", v.noise * 100), v.kept ? "yes" : v.busy ? "no: machine busy" : "no: dropped"]
        }))
    }
}
