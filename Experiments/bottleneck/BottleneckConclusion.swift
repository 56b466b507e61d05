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
            return text("headline.none")
        }
        var elasticities = ""
        if let large = elasticity(r, r.largestRung, threads: t), let little = elasticity(r, r.smallestRung, threads: t) {
            elasticities = text("headline.elasticity", ["large": Cell.fixed(large.elasticity, 2), "large_model": large.model,
                                                        "small": Cell.fixed(little.elasticity, 2), "small_model": little.model])
        }
        return text("headline", [
            "threads": threadsLabel(t), "model": best.model, "format": best.format,
            "share": Cell.percent(best.share), "limit": Cell.fixed(best.limit),
            "small_share": Cell.percent(small.share), "small_model": small.model,
            "in_cache": Analysis.fitsInCache(small, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) ? " " + text("headline.in-cache") : "",
            "elasticity": elasticities,
        ])
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
        nb.text(text("limitations", ["cores": String(r.threads.last ?? 1), "gen": String(r.genTokens), "prompt": String(r.promptTokens)]))
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
        var sentences = [text("threads.finding", ["small_range": describe(r.smallestRung), "small_model": r.smallestRung ?? "-",
                                                  "large_range": describe(r.largestRung), "large_model": r.largestRung ?? "-"])]
        let losers = decode.filter { $0.speedup < 1 }
        if let worst = losers.min(by: { $0.speedup < $1.speedup }) {
            let named = losers.count <= 4 ? losers.map { "\($0.model) \($0.format) (\(Cell.ratio($0.speedup)))" }.joined(separator: ", ")
                : text("threads.slower-many", ["losers": String(losers.count), "pairs": String(decode.count),
                                               "model": worst.model, "format": worst.format, "ratio": Cell.ratio(worst.speedup)])
            sentences.append(text("threads.slower", ["named": named]))
            if losers.contains(where: { $0.model == r.largestRung }) {
                sentences.append(text("threads.slower-largest", ["model": r.largestRung ?? "-"]))
            }
        } else {
            sentences.append(text("threads.never-slower"))
        }
        if let real = r.realModel {
            let gains = decode.filter { $0.model == real }
            if !gains.isEmpty {
                sentences.append("\(real): " + gains.map { "\($0.format) \(Cell.ratio($0.speedup))" }.joined(separator: ", ") + ".")
            }
        }
        let bandwidthGain = (r.readGBps[2] ?? .nan) / (r.readGBps[1] ?? .nan)
        if bandwidthGain.isFinite {
            sentences.append(text("threads.bandwidth", ["ratio": Cell.ratio(bandwidthGain),
                                                        "busy": bandwidthGain < 1 ? text("threads.bandwidth-busy") : "."]))
        }
        return sentences.joined(separator: " ")
    }

    static func prefillFinding(_ r: Results) -> String {
        guard let t = r.threads.first else { return "" }
        let prefill = r.synthetic.filter { $0.phase == .prefill && $0.threads == t }
        guard let best = Analysis.closestToLimit(prefill) else { return "" }
        var sentences = [text("prefill.finding", ["threads": threadsLabel(t), "limit": Cell.fixed(best.limit, 0), "model": best.model,
                                                  "format": best.format, "achieved": Cell.fixed(best.achieved, 0), "share": Cell.percent(best.share)])]
        if best.share > 1.05 { sentences.append(text("prefill.above-peak", ["threads": threadsLabel(t)])) }
        let byFormat = r.formats.compactMap { format -> String? in
            guard let s = prefill.first(where: { $0.model == r.smallestRung && $0.format == format }),
                  let l = prefill.first(where: { $0.model == r.largestRung && $0.format == format }) else { return nil }
            return text("prefill.ladder-format", ["format": format, "small_share": Cell.percent(s.share), "small_model": s.model,
                                                  "large_share": Cell.percent(l.share), "large_model": l.model])
        }
        if !byFormat.isEmpty { sentences.append(text("prefill.ladder", ["formats": byFormat.joined(separator: "; ")])) }
        var ratio = text("prefill.batch-many")
        if let pl = prefill.first(where: { $0.model == r.largestRung && $0.format == "q4_0" }),
           let dl = r.point(r.largestRung ?? "", "q4_0", t, .decode) {
            ratio = text("prefill.batch-ratio", ["ratio": Cell.fixed(pl.tokensPerSecond / dl.tokensPerSecond, 0)])
        }
        sentences.append(text("prefill.batch", ["prompt": String(r.promptTokens), "model": r.largestRung ?? "-", "ratio": ratio]))
        let bestDecode = Analysis.closestToBandwidth(r.synthetic.filter { $0.phase == .decode && $0.threads == t }, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        if let bestDecode, best.share < bestDecode.share { sentences.append(text("prefill.unpacking-gap")) }
        return sentences.joined(separator: " ")
    }

    static func profileFinding(_ r: Results) -> String? {
        let decode = r.profiles.filter { $0.phase == .decode && $0.threads == r.threads.first }
        guard let small = decode.first(where: { $0.model == r.smallestRung }), let large = decode.first(where: { $0.model == r.largestRung }),
              small.model != large.model else { return nil }
        let finding = text("profile.finding", [
            "small_matmul": Cell.percent(small.share("matmul")), "small_model": small.model,
            "large_matmul": Cell.percent(large.share("matmul")), "large_model": large.model,
            "small_rest": Cell.percent(1 - small.share("matmul")), "large_rest": Cell.percent(1 - large.share("matmul")),
        ])
        return finding + " " + text(small.share("matmul") < large.share("matmul") - 0.1 ? "profile.outside" : "profile.inside")
    }

    static func paperComparison(_ r: Results) -> String {
        guard let t = r.threads.first, let large = elasticity(r, r.largestRung, threads: t),
              let small = elasticity(r, r.smallestRung, threads: t) else {
            return text("paper.too-few")
        }
        let linear = large.elasticity >= linearElasticity
        let moves = large.elasticity - small.elasticity >= movedElasticity
        var findings = [linear ? text("paper.linear", ["model": r.largestRung ?? "-"])
                               : text("paper.not-linear", ["model": r.largestRung ?? "-", "elasticity": Cell.fixed(large.elasticity, 2)])]
        let cache = Cell.bytes(Double(r.lastLevelCacheBytes))
        let smallInCache = r.synthetic.contains {
            $0.model == r.smallestRung && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        }
        let kernelsExplain = !linear && !(moves || small.elasticity >= linearElasticity)
        if !linear && !kernelsExplain { findings.append(text("paper.kernels")) }
        if moves {
            findings.append(text("paper.moves", ["cache": smallInCache ? text("paper.moves-cache", ["model": small.model, "cache": cache]) : "."]))
        } else {
            findings.append(text("paper.not-moved", [
                "movement": movement(large: large.elasticity, small: small.elasticity, smallModel: small.model, largeModel: large.model),
                "why": whyNotMoved(large: large.elasticity, small: small.elasticity, cache: smallInCache ? cache : nil),
            ]))
        }
        return text("paper", ["findings": findings.joined(separator: " ")])
    }

    /// A likely reason, fitted to the measured case, why the ladder does not show the paper's shift.
    /// `cache`: the last-level cache's size when the smallest rung fits in it, else nil.
    static func whyNotMoved(large: Double, small: Double, cache: String?) -> String {
        if large >= linearElasticity && small >= linearElasticity {
            return text("why.both-linear", ["where": cache.map { text("why.from-cache", ["cache": $0]) } ?? text("why.from-memory")])
        }
        if large < linearElasticity && small < linearElasticity { return text("why.neither-linear") }
        return text("why.too-close", ["moved": Cell.fixed(movedElasticity, 1)])
    }
}
