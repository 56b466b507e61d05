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
        headline = "q4_0 over q4_K in weights per ns with \(widest), 1 thread, weights in \(Residency.allCases.map(\.rawValue).joined(separator: " / ")): "
            + "\(byResidency(s.decodeN)) at N = \(s.decodeN), \(byResidency(s.prefillN)) at N = \(s.prefillN); over every tier, N and residency q4_0 is faster in \(wins.count) of "
            + "\(all.count) cases, q4_K in \(losses.count), and \(ties) are ties within \(Cell.percent(FormatRatio.tieBand))."

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
        var text = "**Does q4_0 beat q4_K?** "
        if wins.isEmpty {
            text += "In none of the \(total) cases. "
        } else {
            let best = wins.max { $0.ratio < $1.ratio }!
            text += "In \(wins.count) of \(total) cases: \(wins.map(describe).joined(separator: ", ")); the largest lead is \(Cell.ratio(best.ratio)) (\(best.tier), N = \(best.n), weights in \(best.residency.rawValue)). "
        }
        if !losses.isEmpty {
            let worst = losses.min { $0.ratio < $1.ratio }!
            text += "q4_K is faster in \(losses.count): \(losses.map(describe).joined(separator: ", ")), by up to \(Cell.ratio(1 / worst.ratio)). "
        }
        if ties > 0 { text += "\(ties == 1 ? "The other case is" : "The other \(ties) are") within \(Cell.percent(FormatRatio.tieBand)) (a tie)." }
        return text
    }

    /// Decode at the widest tier: does the gap show in cache (unpacking) or in DRAM (bytes)?
    static func source(_ a: UnpackingAnalysis, widest: String, n: Int, readGBps: Double?) -> String {
        var text = "**Unpacking or bytes (\(widest), N = \(n)).** "
        guard let inCache = a.ratio(widest, .l2, n: n, "q4_0", over: "q4_K"), let dram = a.ratio(widest, .dram, n: n, "q4_0", over: "q4_K"),
              let q40 = a.lookup(widest, "q4_0", .dram, n: n), let q4K = a.lookup(widest, "q4_K", .dram, n: n) else {
            return text + "q4_0 and q4_K were not both timed in L2 and DRAM."
        }
        let l3 = a.ratio(widest, .l3, n: n, "q4_0", over: "q4_K")
        text += "With the weights in L2 q4_0 runs \(Cell.ratio(inCache.ratio)) q4_K's rate\(l3.map { ", in L3 \(Cell.ratio($0.ratio))" } ?? ""), in DRAM \(Cell.ratio(dram.ratio)). "
        var bound: (Bool, Bool)?
        if let readGBps {
            let f0 = q40.weightGBps / readGBps, fK = q4K.weightGBps / readGBps
            bound = (f0 >= boundFraction, fK >= boundFraction)
            text += "In DRAM q4_0 streams \(Cell.fixed(q40.weightGBps)) GB/s and q4_K \(Cell.fixed(q4K.weightGBps)) GB/s of weights, \(Cell.percent(f0)) and \(Cell.percent(fK)) of the \(Cell.fixed(readGBps)) GB/s read bandwidth"
                + (max(f0, fK) > 1.1 ? " (more than the probe measured: it ran at another moment on a shared machine, or its single stream reads less efficiently than the kernels). " : ". ")
        }
        switch (inCache.winner != nil, dram.winner != nil) {
        case (true, false):
            text += "The gap shows in cache, where the kernels are compute-bound, and closes in DRAM, where both formats move the same 4.5 bits per weight: it is the cost of unpacking, which memory traffic hides once the weights come from DRAM."
        case (false, false):
            text += "There is no gap in cache or in DRAM: with these kernels unpacking q4_K costs no more than unpacking q4_0, and in DRAM both move the same bytes."
        case (true, true):
            let slower = dram.ratio > 1 ? "q4_K" : "q4_0"
            if let bound, bound.0 && bound.1 {
                text += "The gap persists in DRAM although both stream at \(Cell.percent(boundFraction)) of the read bandwidth or more: with the same bytes to move, \(slower)'s kernel keeps less of the memory bus busy, so part of its unpacking cost still shows."
            } else {
                text += "The gap persists in DRAM: \(slower) does not keep up with memory\(bound == nil ? "" : " (below \(Cell.percent(boundFraction)) of the read bandwidth)"), so its unpacking is slower than the memory traffic even there."
            }
        case (false, true):
            text += "The formats tie in cache but not in DRAM: the unpacking costs the same, so the difference comes from how each kernel's memory accesses stream (prefetch, block layout), which this run cannot separate."
        }
        return text
    }

    /// q4_0 against q8_0: fewer bytes against simpler unpacking.
    static func bytes(_ a: UnpackingAnalysis, widest: String, n: Int) -> String {
        guard let dram = a.ratio(widest, .dram, n: n, "q4_0", over: "q8_0"), let inCache = a.ratio(widest, .l2, n: n, "q4_0", over: "q8_0") else { return "" }
        let byteRatio = GGMLType.q8_0.bitsPerWeight / GGMLType.q4_0.bitsPerWeight
        var text = "**q4_0 against q8_0 (\(widest), N = \(n)).** In DRAM q4_0 multiplies \(Cell.ratio(dram.ratio)) q8_0's weights per ns (bytes alone would give \(Cell.ratio(byteRatio))); with the weights in L2, \(Cell.ratio(inCache.ratio)). "
        if dram.ratio > byteRatio * (1 + FormatRatio.tieBand), let q8 = a.lookup(widest, "q8_0", .dram, n: n) {
            text += "In DRAM q4_0's lead is larger than the bytes explain: q8_0's kernel streams only \(Cell.fixed(q8.weightGBps)) GB/s of weights there, so it is not at the memory roof either. "
        }
        if inCache.ratio < dram.ratio - FormatRatio.tieBand {
            text += "Where the weights come from memory, fewer bytes win; in cache, q8_0's simpler unpacking (one byte per weight, no nibble split) wins part or all of that back."
        } else {
            text += "q4_0's lead does not shrink in cache: q8_0's extra bytes cost it time even from L2 (cache bandwidth is finite too), more than q4_0's nibble unpacking costs."
        }
        return text
    }

    /// Prefill at the widest tier: compute-bound, so does the residency still matter?
    static func prefill(_ a: UnpackingAnalysis, widest: String, n: Int) -> String {
        let cells = Residency.allCases.compactMap { r in a.ratio(widest, r, n: n, "q4_0", over: "q4_K").map { "\(r.rawValue) \(Cell.ratio($0.ratio))" } }
        guard !cells.isEmpty else { return "" }
        var text = "**Prefill (\(widest), N = \(n)).** q4_0 over q4_K: \(cells.joined(separator: ", ")). "
        let methods = ["q4_0", "q4_K"].compactMap { f in a.lookup(widest, f, .l3, n: n).map { "\(f) \($0.method)" } }
        if !methods.isEmpty { text += "Fastest kernels (weights in L3): \(methods.joined(separator: ", ")). " }
        if let l2 = a.lookup(widest, "q4_0", .l2, n: n)?.gflops, let dram = a.lookup(widest, "q4_0", .dram, n: n)?.gflops, l2 > 0, dram > 0 {
            let spread = max(l2, dram) / min(l2, dram) - 1
            if l2 * (1 + 3 * FormatRatio.tieBand) < dram {
                text += "q4_0 runs \(Cell.percent(spread)) slower with its weights in L2 than in DRAM: at N = \(n) every call quantizes K·N activations that only M rows share, and the L2-sized matrix has the fewest rows, so this is an effect of the matrix's size, not of where its weights live."
            } else if spread < 3 * FormatRatio.tieBand {
                text += "q4_0's GFLOP/s differs by only \(Cell.percent(spread)) between weights in L2 and in DRAM: with each weight reused for \(n) columns the kernels are compute-bound, and the format comparison is one of inner loops, not bytes."
            } else {
                text += "q4_0's GFLOP/s is \(Cell.percent(spread)) higher with its weights in L2 than in DRAM: even at this N the weights' residency matters to these kernels."
            }
        }
        return text
    }

    /// How the q4_0 / q4_K gap (weights in L2) changes from the narrowest tier to the widest.
    static func tierTrend(_ a: UnpackingAnalysis, tiers: [String], simdTiers: [String], n: Int) -> String {
        let ratios = tiers.compactMap { a.ratio($0, .l2, n: n, "q4_0", over: "q4_K") }
        let simd = ratios.filter { simdTiers.contains($0.tier) }
        guard let first = simd.first, let last = simd.last, simd.count > 1 else { return "" }
        var text = "**Tiers (weights in L2, N = \(n)).** q4_0 over q4_K: \(ratios.map { "\($0.tier) \(Cell.ratio($0.ratio))" }.joined(separator: ", ")). "
        if abs(last.ratio - 1) + FormatRatio.tieBand < abs(first.ratio - 1) {
            text += "The gap is widest in \(first.tier) code and narrows with wider vectors: the wide kernels hide q4_K's extra unpacking work that simpler code pays in full."
        } else if abs(last.ratio - 1) > abs(first.ratio - 1) + FormatRatio.tieBand {
            text += "The gap grows with wider vectors: q4_0's loop gains more from the width than q4_K's."
        } else {
            text += "The gap stays about the same from \(first.tier) to \(last.tier)."
        }
        return text
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
        var text = "**Against the paper.** Song et al. found q4_0 faster than q4_K on their CPUs because q4_K costs more to unpack, with llama.cpp's kernels. "
        switch agreement(a, widest: widest, n: n) {
        case .agrees:
            text += "This CPU agrees for decode: with \(widest) at N = \(n) q4_0 is faster in \(faster) of \(ratios.count) residencies."
        case .reverses:
            text += "This CPU reverses it for decode: with \(widest) at N = \(n) q4_K is faster in \(slower) of \(ratios.count) residencies. Our q4_K kernels are not llama.cpp's, so this says how these kernels compare on this CPU, not that the paper's measurement is wrong."
        case .doesNotReproduce:
            text += "This CPU does not reproduce it for decode: with \(widest) at N = \(n) q4_0 is faster in \(faster) and q4_K in \(slower) of \(ratios.count) residencies, the rest ties. The difference the paper saw depends on the kernels (ours are not llama.cpp's) and on the CPU, and neither is the paper's here."
        }
        let prefill = Residency.allCases.compactMap { a.ratio(widest, $0, n: prefillN, "q4_0", over: "q4_K") }
        if !prefill.isEmpty {
            let pf = prefill.filter { $0.winner == "q4_0" }.count, ps = prefill.filter { $0.winner == "q4_K" }.count
            text += " At N = \(prefillN), of \(prefill.count) residencies q4_0 is faster in \(pf), q4_K in \(ps), and \(prefill.count - pf - ps) tie; there our q4_K tiled kernel unpacks the scales once, when it repacks the weights, not in the loop."
        }
        return text
    }
}
