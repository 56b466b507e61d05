import Foundation

extension BottleneckExperiment {
    /// Elasticity at or above which decode time counts as following bytes "linearly" in the prose.
    static let linearElasticity = 0.8
    /// Drop in elasticity from the largest to the smallest rung that counts as the bottleneck moving.
    static let movedElasticity = 0.3

    static func elasticity(_ r: Results, _ model: String?, threads: Int) -> ByteElasticity? {
        r.byteElasticities.first { $0.model == model && $0.threads == threads }
    }

    static func headline(_ r: Results) -> String {
        guard let t = r.threads.first,
              let best = Analysis.closestToBandwidth(r.synthetic.filter { $0.phase == .decode && $0.threads == t },
                                                     cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens),
              let small = r.point(r.smallestRung ?? "", best.format, t, .decode) else {
            return "No decode measurement completed."
        }
        var text = "Decode on \(threadsLabel(t)) comes closest to the read-bandwidth limit at \(best.model) \(best.format) "
            + "(\(Cell.percent(best.share)) of \(Cell.fixed(best.limit)) GB/s), against \(Cell.percent(small.share)) at \(small.model)"
        if Analysis.fitsInCache(small, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) { text += " (in cache)" }
        if let large = elasticity(r, r.largestRung, threads: t), let little = elasticity(r, r.smallestRung, threads: t) {
            text += "; q8_0 against q4_0 decode time follows bytes with elasticity \(Cell.fixed(large.elasticity, 2)) at "
                + "\(large.model) and \(Cell.fixed(little.elasticity, 2)) at \(little.model)"
        }
        return text + "."
    }

    static func conclusion(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Conclusion")
        var paragraphs: [String] = []
        for t in r.threads { paragraphs.append(decodeLimitFinding(r, threads: t)) }
        paragraphs.append(linearityFinding(r))
        paragraphs.append(threadFinding(r))
        paragraphs.append(prefillFinding(r))
        if let p = profileFinding(r) { paragraphs.append(p) }
        paragraphs.append(paperComparison(r))
        nb.text(paragraphs.filter { !$0.isEmpty }.joined(separator: "\n\n"))
        nb.heading("What this cannot show")
        nb.text("""
            - One machine with \(r.threads.last ?? 1) cores, one run: the figures are medians of few repetitions \
            (spread in the tables); a second run on a busy machine moves them by the spreads shown.
            - The ladder is synthetic (random weights, one format for every matrix); llama.cpp's mixes keep some \
            tensors at more bits, and a real model's speed also depends on its exact shape (compare the real point).
            - The bandwidth limit is one streaming-read probe; the kernels also write outputs and read activations, \
            which is not counted. Above 100% a model reads from cache, not memory.
            - tg\(r.genTokens) and pp\(r.promptTokens) from an empty cache: long contexts, where attention's reads of \
            the cache grow with every token, are not measured.
            - The kernels are the default rule's, not the tuner's choices; tuning may move individual points.
            - Speeds here are this lab's Swift kernels, not llama.cpp's: agreement with the paper is about the shape \
            of the curves, not about absolute tokens/s.
            """)
    }

    static func threadFinding(_ r: Results) -> String {
        let decode = r.threadGains.filter { $0.phase == .decode }
        guard !decode.isEmpty else { return "" }
        let synthetic = decode.filter { r.ladder.contains($0.model) }
        func describe(_ model: String?) -> String {
            let gains = synthetic.filter { $0.model == model }
            guard let low = gains.min(by: { $0.speedup < $1.speedup }), let high = gains.max(by: { $0.speedup < $1.speedup }) else { return "-" }
            return "\(Cell.ratio(low.speedup)) to \(Cell.ratio(high.speedup))"
        }
        var text = "**Threads.** Two threads decode \(describe(r.smallestRung)) as fast as one at \(r.smallestRung ?? "-") and "
            + "\(describe(r.largestRung)) at \(r.largestRung ?? "-") (over the formats). "
        let losers = decode.filter { $0.speedup < 1 }
        if losers.isEmpty {
            text += "The second thread never slows decode down. "
        } else {
            let worst = losers.min { $0.speedup < $1.speedup }!
            let named = losers.count <= 4 ? losers.map { "\($0.model) \($0.format) (\(Cell.ratio($0.speedup)))" }.joined(separator: ", ")
                : "\(losers.count) of \(decode.count) model-format pairs (worst: \(worst.model) \(worst.format), \(Cell.ratio(worst.speedup)))"
            text += "The second thread slows decode down for " + named
                + ": each layer's products are split between the threads and joined again, and where the work per "
                + "product is small that synchronization costs more than the halved work saves. "
            if losers.contains(where: { $0.model == r.largestRung }) {
                text += "Here that holds even at \(r.largestRung ?? "-"), where the products are largest. "
            }
        }
        if let real = r.realModel {
            let gains = decode.filter { $0.model == real }
            if !gains.isEmpty {
                text += "\(real): " + gains.map { "\($0.format) \(Cell.ratio($0.speedup))" }.joined(separator: ", ") + ". "
            }
        }
        let bandwidthGain = (r.readGBps[2] ?? .nan) / (r.readGBps[1] ?? .nan)
        if bandwidthGain.isFinite {
            text += "For comparison, the read bandwidth at 2 threads is \(Cell.ratio(bandwidthGain)) that at 1, the most a bandwidth-bound decode could gain"
            text += bandwidthGain < 1
                ? "; a probe that reads less with two threads than with one means the second core was busy with other work during this run, so the 2-thread figures here understate the machine."
                : "."
        }
        return text
    }

    static func prefillFinding(_ r: Results) -> String {
        guard let t = r.threads.first else { return "" }
        let prefill = r.synthetic.filter { $0.phase == .prefill && $0.threads == t }
        guard let best = Analysis.closestToLimit(prefill) else { return "" }
        var text = "**Prefill, \(threadsLabel(t)).** The closest approach to the int8 peak (\(Cell.fixed(best.limit, 0)) Gop/s) is "
            + "\(best.model) \(best.format) at \(Cell.fixed(best.achieved, 0)) Gop/s (\(Cell.percent(best.share))). "
        if best.share > 1.05 {
            text += "No kernel can beat the int8 peak, so the peak measured for \(threadsLabel(t)) was lower than the "
                + "machine's (the probe ran at a busy moment, or reached less than the kernels): read these shares as relative. "
        }
        let byFormat = r.formats.compactMap { format -> String? in
            guard let s = prefill.first(where: { $0.model == r.smallestRung && $0.format == format }),
                  let l = prefill.first(where: { $0.model == r.largestRung && $0.format == format }) else { return nil }
            return "\(format) \(Cell.percent(s.share)) at \(s.model), \(Cell.percent(l.share)) at \(l.model)"
        }
        if !byFormat.isEmpty { text += "Along the ladder: " + byFormat.joined(separator: "; ") + ". " }
        let bestDecode = Analysis.closestToBandwidth(r.synthetic.filter { $0.phase == .decode && $0.threads == t }, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        text += "A batch reuses every weight for \(r.promptTokens) tokens, so prefill is bounded by arithmetic and unpacking, "
            + "not bytes: at \(r.largestRung ?? "-") it runs "
        if let pl = prefill.first(where: { $0.model == r.largestRung && $0.format == "q4_0" }),
           let dl = r.point(r.largestRung ?? "", "q4_0", t, .decode) {
            text += "\(Cell.fixed(pl.tokensPerSecond / dl.tokensPerSecond, 0))x as many tokens/s as decode (q4_0). "
        } else {
            text += "many times decode's tokens/s. "
        }
        if let bestDecode, best.share < bestDecode.share {
            text += "It stays further from its limit than decode does from its own: the gap is the unpacking and "
                + "quantization work the int8 peak does not include."
        }
        return text
    }

    static func profileFinding(_ r: Results) -> String? {
        let decode = r.profiles.filter { $0.phase == .decode && $0.threads == r.threads.first }
        guard let small = decode.first(where: { $0.model == r.smallestRung }), let large = decode.first(where: { $0.model == r.largestRung }),
              small.model != large.model else { return nil }
        return "**Time split.** Matrix products take \(Cell.percent(small.share("matmul"))) of a \(small.model) decode and "
            + "\(Cell.percent(large.share("matmul"))) of a \(large.model) one; attention and the rest (norms, adds, SwiGLU) take "
            + "\(Cell.percent(1 - small.share("matmul"))) against \(Cell.percent(1 - large.share("matmul"))). "
            + (small.share("matmul") < large.share("matmul") - 0.1
                ? "The per-token work outside the products, which does not shrink with the weights, is what keeps small models from their bandwidth limit."
                : "Both spend nearly all decode time in the products, so what keeps the small model from its limit lies inside "
                    + "them (the kernels' per-call and per-row costs), not in the operations around them.")
    }

    static func paperComparison(_ r: Results) -> String {
        guard let t = r.threads.first, let large = elasticity(r, r.largestRung, threads: t),
              let small = elasticity(r, r.smallestRung, threads: t) else {
            return "**Against the paper.** Too few formats were measured to compare."
        }
        let linear = large.elasticity >= linearElasticity
        let moves = large.elasticity - small.elasticity >= movedElasticity
        var text = "**Against the paper.** "
        text += linear
            ? "Song et al.'s finding that cost grows linearly with bits per weight holds here for the largest rung (\(r.largestRung ?? "-")), the size range the paper starts at (0.5B). "
            : "Song et al. found cost linear in bits per weight; here the largest rung (\(r.largestRung ?? "-")) falls short of that (elasticity \(Cell.fixed(large.elasticity, 2))). "
        let cache = Cell.bytes(Double(r.lastLevelCacheBytes))
        let smallInCache = r.synthetic.contains {
            $0.model == r.smallestRung && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        }
        let kernelsExplain = !linear && !(moves || small.elasticity >= linearElasticity)
        if !linear && !kernelsExplain {
            text += "This lab's decode kernels spend enough time unpacking and accumulating that halving the bytes does not halve "
                + "the time, whereas llama.cpp's kernels on the paper's laptops kept closer to the memory limit. "
        }
        if moves {
            text += "Their observation that the bottleneck shifts from memory traffic toward computation as models shrink is reproduced, "
                + "and extended below their smallest model (0.5B)"
                + (smallInCache ? ": \(small.model) fits in the \(cache) cache and is bound by fixed per-token work." : ".")
        } else {
            text += "Their observation that the bottleneck shifts as models shrink is not reproduced here. "
                + movement(large: large.elasticity, small: small.elasticity, smallModel: small.model, largeModel: large.model)
                + " " + whyNotMoved(large: large.elasticity, small: small.elasticity, cache: smallInCache ? cache : nil)
        }
        return text
    }

    /// A likely reason, fitted to the measured case, why the ladder does not show the paper's shift.
    /// `cache`: the last-level cache's size when the smallest rung fits in it, else nil.
    static func whyNotMoved(large: Double, small: Double, cache: String?) -> String {
        if large >= linearElasticity && small >= linearElasticity {
            return (cache.map { "The smallest rung's bytes come from this machine's \($0) cache, and the kernels are paced by streaming them from there as the large ones are by memory. " }
                    ?? "Even the smallest rung streams its bytes from memory here. ")
                + "The paper's smallest model (0.5B) is larger than this ladder's small rungs, and its laptops and llama.cpp's "
                + "kernels differ from this machine and this lab's."
        }
        if large < linearElasticity && small < linearElasticity {
            return "This lab's kernels spend enough time unpacking and accumulating that even the largest model is not paced by "
                + "memory, whereas llama.cpp's kernels on the paper's laptops reached the memory limit at large sizes."
        }
        return "The elasticities at the two ends differ by less than \(Cell.fixed(movedElasticity, 1)), too little to call a shift "
            + "with this run's spreads."
    }
}
