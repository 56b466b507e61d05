import Foundation
import QuantFormats

/// The unpacking notebook's headline and conclusion, decided by the measured data (every figure from this run).
struct UnpackingFindings {
    let headline: String
    let conclusion: String
    /// Cases (tier, N, residency) where q4_0 is faster than q4_K, of `cases`.
    let q4_0Wins: Int, cases: Int
    /// Decode at the widest tier: where q4_0 and q4_K differ (nil when not both were timed in L2 and DRAM).
    let gap: Gap?
    /// Decode at the widest tier against Song et al. (q4_0 faster than q4_K).
    let paper: PaperAgreement

    struct Gap: Equatable {
        /// The formats differ beyond the tie band with the weights in L2, and in DRAM. In cache only: unpacking.
        var inCache: Bool, inDRAM: Bool
    }

    enum PaperAgreement: Equatable {
        /// q4_0 faster in most residencies; q4_K faster in most; neither.
        case agrees, reverses, doesNotReproduce
    }

    /// A kernel streaming at least this fraction of the read bandwidth counts as bandwidth-bound.
    static let boundFraction = 0.6

    static let text = NotebookText(experiment: "unpacking")

    init(_ a: UnpackingAnalysis, measurements m: UnpackingMeasurements, tiers: [String]) {
        let s = m.settings
        let widest = s.tiers.last ?? "portable"
        let ns = [s.decodeN, s.prefillN]
        let all = a.ratios("q4_0", over: "q4_K", tiers: tiers, ns: ns)
        let wins = all.filter { $0.winner == "q4_0" }, losses = all.filter { $0.winner == "q4_K" }
        let ties = all.count - wins.count - losses.count
        q4_0Wins = wins.count
        cases = all.count
        gap = Self.gap(a, widest: widest, n: s.decodeN)
        paper = Self.agreement(a, widest: widest, n: s.decodeN)

        func byResidency(_ n: Int) -> String {
            Residency.allCases.map { r in a.ratio(widest, r, n: n, "q4_0", over: "q4_K").map { Cell.ratio($0.ratio) } ?? "-" }
                .joined(separator: " / ")
        }
        headline = Self.text("headline", [
            "tier": widest, "residencies": Residency.allCases.map(\.rawValue).joined(separator: " / "),
            "decode_ratios": byResidency(s.decodeN), "decode_n": String(s.decodeN),
            "prefill_ratios": byResidency(s.prefillN), "prefill_n": String(s.prefillN),
            "wins": String(wins.count), "cases": String(all.count), "losses": String(losses.count), "ties": String(ties),
            "tie": Cell.percent(FormatRatio.tieBand),
        ])

        conclusion = [
            Self.verdict(wins: wins, losses: losses, ties: ties, total: all.count),
            Self.source(a, widest: widest, n: s.decodeN, readGBps: m.readGBps),
            Self.bytes(a, widest: widest, n: s.decodeN),
            Self.prefill(a, widest: widest, n: s.prefillN),
            Self.tierTrend(a, tiers: tiers, simdTiers: s.tiers, n: s.decodeN),
            Self.paper(a, widest: widest, n: s.decodeN, prefillN: s.prefillN),
        ].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    static func describe(_ r: FormatRatio) -> String { "\(r.tier) N = \(r.n) \(r.residency.rawValue) (\(Cell.ratio(r.ratio)))" }

    /// Plainly: where q4_0 beats q4_K and by how much.
    static func verdict(wins: [FormatRatio], losses: [FormatRatio], ties: Int, total: Int) -> String {
        var findings: [String] = []
        if let best = wins.max(by: { $0.ratio < $1.ratio }) {
            findings.append(text("verdict.some", ["wins": String(wins.count), "cases": String(total), "list": wins.map(describe).joined(separator: ", "),
                                                  "best": Cell.ratio(best.ratio), "tier": best.tier, "n": String(best.n),
                                                  "residency": best.residency.rawValue]))
        } else {
            findings.append(text("verdict.none", ["cases": String(total)]))
        }
        if let worst = losses.min(by: { $0.ratio < $1.ratio }) {
            findings.append(text("verdict.losses", ["losses": String(losses.count), "list": losses.map(describe).joined(separator: ", "),
                                                    "worst": Cell.ratio(1 / worst.ratio)]))
        }
        if ties > 0 { findings.append(text(ties == 1 ? "verdict.tie" : "verdict.ties", ["ties": String(ties), "tie": Cell.percent(FormatRatio.tieBand)])) }
        return text("verdict", ["findings": findings.joined(separator: " ")])
    }

    /// Decode at the widest tier: does the gap show in cache (unpacking) or in DRAM (bytes)?
    static func source(_ a: UnpackingAnalysis, widest: String, n: Int, readGBps: Double?) -> String {
        func section(_ findings: [String]) -> String { text("source", ["tier": widest, "n": String(n), "findings": findings.joined(separator: " ")]) }
        guard let gap = gap(a, widest: widest, n: n), let inCache = a.ratio(widest, .l2, n: n, "q4_0", over: "q4_K"),
              let dram = a.ratio(widest, .dram, n: n, "q4_0", over: "q4_K"),
              let q40 = a.lookup(widest, "q4_0", .dram, n: n), let q4K = a.lookup(widest, "q4_K", .dram, n: n) else {
            return section([text("source.missing")])
        }
        let l3 = a.ratio(widest, .l3, n: n, "q4_0", over: "q4_K")
        var findings = [text("source.ratios", ["l2": Cell.ratio(inCache.ratio), "dram": Cell.ratio(dram.ratio),
                                               "l3": l3.map { text("source.l3", ["ratio": Cell.ratio($0.ratio)]) } ?? ""])]
        var bound: (Bool, Bool)?
        if let readGBps {
            let f0 = q40.weightGBps / readGBps, fK = q4K.weightGBps / readGBps
            bound = (f0 >= boundFraction, fK >= boundFraction)
            findings.append(text("source.streams", [
                "q4_0_gbps": Cell.fixed(q40.weightGBps), "q4_K_gbps": Cell.fixed(q4K.weightGBps), "q4_0_fraction": Cell.percent(f0),
                "q4_K_fraction": Cell.percent(fK), "gbps": Cell.fixed(readGBps), "probe": max(f0, fK) > 1.1 ? " " + text("source.probe-below") : "",
            ]))
        }
        let slower = dram.ratio > 1 ? "q4_K" : "q4_0", percent = Cell.percent(boundFraction)
        switch (gap.inCache, gap.inDRAM) {
        case (true, false): findings.append(text("source.cacheOnly"))
        case (false, false): findings.append(text("source.none"))
        case (true, true):
            if let bound, bound.0 && bound.1 {
                findings.append(text("source.both.bound", ["bound": percent, "slower": slower]))
            } else {
                findings.append(text("source.both", ["slower": slower, "below": bound == nil ? "" : " " + text("source.both.below", ["bound": percent])]))
            }
        case (false, true): findings.append(text("source.dramOnly"))
        }
        return section(findings)
    }

    /// q4_0 against q8_0: fewer bytes against simpler unpacking.
    static func bytes(_ a: UnpackingAnalysis, widest: String, n: Int) -> String {
        guard let dram = a.ratio(widest, .dram, n: n, "q4_0", over: "q8_0"), let inCache = a.ratio(widest, .l2, n: n, "q4_0", over: "q8_0") else { return "" }
        let byteRatio = GGMLType.q8_0.bitsPerWeight / GGMLType.q4_0.bitsPerWeight
        var findings: [String] = []
        if dram.ratio > byteRatio * (1 + FormatRatio.tieBand), let q8 = a.lookup(widest, "q8_0", .dram, n: n) {
            findings.append(text("bytes.q8-slow", ["gbps": Cell.fixed(q8.weightGBps)]))
        }
        findings.append(text(inCache.ratio < dram.ratio - FormatRatio.tieBand ? "bytes.cache-wins-back" : "bytes.lead-holds"))
        return text("bytes", ["tier": widest, "n": String(n), "dram": Cell.ratio(dram.ratio), "bytes": Cell.ratio(byteRatio),
                              "l2": Cell.ratio(inCache.ratio), "findings": findings.joined(separator: " ")])
    }

    /// Prefill at the widest tier: compute-bound, so does the residency still matter?
    static func prefill(_ a: UnpackingAnalysis, widest: String, n: Int) -> String {
        let cells = Residency.allCases.compactMap { r in a.ratio(widest, r, n: n, "q4_0", over: "q4_K").map { "\(r.rawValue) \(Cell.ratio($0.ratio))" } }
        guard !cells.isEmpty else { return "" }
        var findings: [String] = []
        let methods = ["q4_0", "q4_K"].compactMap { f in a.lookup(widest, f, .l3, n: n).map { "\(f) \($0.method)" } }
        if !methods.isEmpty { findings.append(text("prefill.methods", ["methods": methods.joined(separator: ", ")])) }
        if let l2 = a.lookup(widest, "q4_0", .l2, n: n)?.gflops, let dram = a.lookup(widest, "q4_0", .dram, n: n)?.gflops, l2 > 0, dram > 0 {
            let spread = max(l2, dram) / min(l2, dram) - 1
            let name = l2 * (1 + 3 * FormatRatio.tieBand) < dram ? "prefill.l2-slower" : spread < 3 * FormatRatio.tieBand ? "prefill.same" : "prefill.l2-faster"
            findings.append(text(name, ["spread": Cell.percent(spread), "n": String(n)]))
        }
        return text("prefill", ["tier": widest, "n": String(n), "ratios": cells.joined(separator: ", "), "findings": findings.joined(separator: " ")])
    }

    /// How the q4_0 / q4_K gap (weights in L2) changes from the narrowest tier to the widest.
    static func tierTrend(_ a: UnpackingAnalysis, tiers: [String], simdTiers: [String], n: Int) -> String {
        let ratios = tiers.compactMap { a.ratio($0, .l2, n: n, "q4_0", over: "q4_K") }
        let simd = ratios.filter { simdTiers.contains($0.tier) }
        guard let first = simd.first, let last = simd.last, simd.count > 1 else { return "" }
        let name = abs(last.ratio - 1) + FormatRatio.tieBand < abs(first.ratio - 1) ? "tiers.narrows"
            : abs(last.ratio - 1) > abs(first.ratio - 1) + FormatRatio.tieBand ? "tiers.grows" : "tiers.same"
        return text("tiers.trend", ["n": String(n), "ratios": ratios.map { "\($0.tier) \(Cell.ratio($0.ratio))" }.joined(separator: ", "),
                                    "finding": text(name, ["first": first.tier, "last": last.tier])])
    }

    static func gap(_ a: UnpackingAnalysis, widest: String, n: Int) -> Gap? {
        guard let inCache = a.ratio(widest, .l2, n: n, "q4_0", over: "q4_K"), let dram = a.ratio(widest, .dram, n: n, "q4_0", over: "q4_K") else {
            return nil
        }
        return Gap(inCache: inCache.winner != nil, inDRAM: dram.winner != nil)
    }

    static func agreement(_ a: UnpackingAnalysis, widest: String, n: Int) -> PaperAgreement {
        let ratios = Residency.allCases.compactMap { a.ratio(widest, $0, n: n, "q4_0", over: "q4_K") }
        let faster = ratios.filter { $0.winner == "q4_0" }.count, slower = ratios.filter { $0.winner == "q4_K" }.count
        return faster > ratios.count / 2 ? .agrees : slower > ratios.count / 2 ? .reverses : .doesNotReproduce
    }

    /// Agreement with Song et al. on decode at the widest tier.
    static func paper(_ a: UnpackingAnalysis, widest: String, n: Int, prefillN: Int) -> String {
        let ratios = Residency.allCases.compactMap { a.ratio(widest, $0, n: n, "q4_0", over: "q4_K") }
        let faster = ratios.filter { $0.winner == "q4_0" }.count, slower = ratios.filter { $0.winner == "q4_K" }.count
        let verdict = text("paper.\(agreement(a, widest: widest, n: n))", ["tier": widest, "n": String(n), "faster": String(faster),
                                                                         "slower": String(slower), "count": String(ratios.count)])
        var prefillText = ""
        let prefill = Residency.allCases.compactMap { a.ratio(widest, $0, n: prefillN, "q4_0", over: "q4_K") }
        if !prefill.isEmpty {
            let pf = prefill.filter { $0.winner == "q4_0" }.count, ps = prefill.filter { $0.winner == "q4_K" }.count
            prefillText = " " + text("paper.prefill", ["n": String(prefillN), "count": String(prefill.count), "faster": String(pf),
                                                       "slower": String(ps), "ties": String(prefill.count - pf - ps)])
        }
        return text("paper", ["verdict": verdict, "prefill": prefillText])
    }
}
