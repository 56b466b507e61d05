import Foundation

extension BottleneckExperiment {
    /// Per format, the shares along the ladder; where decode comes closest to the limit and what happens around it.
    static func decodeLimitFinding(_ r: Results, threads t: Int) -> String {
        let decode = r.synthetic.filter { $0.phase == .decode && $0.threads == t }
        guard let best = Analysis.closestToBandwidth(decode, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) else { return "" }
        let lines = r.formats.map { format in
            "\(format): " + r.ladder.compactMap { model in
                decode.first { $0.model == model && $0.format == format }.map { "\(model) \(Cell.percent($0.share))" }
            }.joined(separator: ", ")
        }
        let fromMemory = !Analysis.fitsInCache(best, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        var largest = "."
        if best.model == r.largestRung {
            largest = text("decode.at-largest")
        } else if let rung = decode.first(where: { $0.model == r.largestRung && $0.format == best.format }) {
            largest = text(rung.share < best.share * 0.9 ? "decode.largest-lower" : "decode.largest-same",
                           ["largest_model": rung.model, "largest_share": Cell.percent(rung.share), "model": best.model])
        }
        var sentences = [text("decode.finding", [
            "threads": threadsLabel(t), "limit": Cell.fixed(r.readGBps[t] ?? .nan), "lines": lines.joined(separator: "; "),
            "from_memory": fromMemory ? " " + text("decode.from-memory") : "", "model": best.model, "format": best.format,
            "achieved": Cell.fixed(best.achieved), "share": Cell.percent(best.share), "largest": largest,
        ])]
        if fromMemory && best.share > 1.05 {
            // Seen on a quiet machine too: the probe (one plain sequential stream per thread) reads less than the
            // kernels, which prefetch ahead, so it is the probe's ceiling that is low, not the kernels that are fast.
            sentences.append(text("decode.probe-low", ["threads": threadsLabel(t)]))
        }
        let cache = Cell.bytes(Double(r.lastLevelCacheBytes))
        let inCache = r.ladder.filter { model in
            decode.contains { $0.model == model && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) }
        }
        if inCache.isEmpty {
            sentences.append(text("decode.none-in-cache", ["cache": cache]))
        } else {
            let shares = decode.filter { inCache.contains($0.model) && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) }.map(\.share)
            sentences.append(text("decode.in-cache", [
                "cache": cache, "models": inCache.joined(separator: ", "),
                "low": Cell.percent(shares.min() ?? .nan), "high": Cell.percent(shares.max() ?? .nan),
                "verdict": text((shares.max() ?? 0) > 1 ? "decode.in-cache-faster" : "decode.in-cache-slower"),
            ]))
        }
        return sentences.joined(separator: " ")
    }

    static func linearityFinding(_ r: Results) -> String {
        guard let t = r.threads.first, let large = elasticity(r, r.largestRung, threads: t),
              let small = elasticity(r, r.smallestRung, threads: t) else { return "" }
        var sentences = [text("bits.finding", [
            "large_model": large.model, "bytes_ratio": Cell.ratio(large.bytesRatio), "time_ratio": Cell.ratio(large.timeRatio),
            "elasticity": Cell.fixed(large.elasticity, 2), "threads": threadsLabel(t),
            "verdict": text(large.elasticity >= linearElasticity ? "bits.linear" : "bits.sublinear"),
            "small_model": small.model, "small_time_ratio": Cell.ratio(small.timeRatio), "small_elasticity": Cell.fixed(small.elasticity, 2),
            "movement": movement(large: large.elasticity, small: small.elasticity, smallModel: small.model, largeModel: large.model),
        ])]
        if let fit = r.trafficFits.first(where: { $0.threads == t }) {
            sentences.append(text("bits.fit", ["r2": Cell.fixed(fit.fit.r2, 3), "gbps": Cell.fixed(fit.effectiveGBps),
                                               "measured": Cell.fixed(r.readGBps[t] ?? .nan), "overhead": Cell.fixed(fit.overheadMicroseconds)]))
        }
        let unpack = r.unpackRatios.filter { $0.threads == t }
        if let slowest = unpack.max(by: { $0.timeRatio < $1.timeRatio }), let fastest = unpack.min(by: { $0.timeRatio < $1.timeRatio }) {
            sentences.append(text("bits.unpack", [
                "fastest": Cell.ratio(fastest.timeRatio), "fastest_model": fastest.model,
                "slowest": Cell.ratio(slowest.timeRatio), "slowest_model": slowest.model,
                "verdict": text("unpack.\(UnpackCost(fastest: fastest.timeRatio, slowest: slowest.timeRatio).rawValue)"),
            ]))
        }
        return sentences.joined(separator: " ")
    }

    /// What q4_K's time over q4_0's (same bytes) says, from its range over the ladder.
    /// The raw value names its fragment `unpack.RAW` in notebook.md.
    enum UnpackCost: String, CaseIterable {
        /// q4_K slower somewhere, never faster: its unpacking costs time bytes do not explain.
        case q4_KSlower = "q4_K-slower"
        /// q4_K faster somewhere, never slower: q4_0's kernel is the slower part.
        case q4_0Slower = "q4_0-slower"
        /// Both along the ladder: no steady cost.
        case changesSign = "changes-sign"
        /// Within 10% everywhere.
        case same

        init(fastest: Double, slowest: Double) {
            switch (fastest < 0.9, slowest > 1.1) {
            case (false, true): self = .q4_KSlower
            case (true, false): self = .q4_0Slower
            case (true, true): self = .changesSign
            case (false, false): self = .same
            }
        }
    }

    /// Whether the bottleneck moves along the ladder, from the elasticity of time to bytes at its two ends.
    /// The raw value names its fragment `movement.RAW` in notebook.md.
    enum Movement: String, CaseIterable {
        /// Bytes matter much more at the large end: memory decides the large model, fixed work the small one.
        case moves
        /// Bytes matter much more at the small end.
        case movesTheOtherWay = "moves-the-other-way"
        /// Both ends follow bytes closely.
        case bytesAtBothEnds = "bytes-at-both-ends"
        /// Neither end follows bytes closely.
        case neitherFollowsBytes = "neither-follows-bytes"
        /// The ends differ by less than `movedElasticity`, between the two cases above.
        case staysPut = "stays-put"

        init(large: Double, small: Double) {
            if large - small >= BottleneckExperiment.movedElasticity { self = .moves }
            else if small - large >= BottleneckExperiment.movedElasticity { self = .movesTheOtherWay }
            else if large >= BottleneckExperiment.linearElasticity && small >= BottleneckExperiment.linearElasticity { self = .bytesAtBothEnds }
            else if large < BottleneckExperiment.linearElasticity && small < BottleneckExperiment.linearElasticity { self = .neitherFollowsBytes }
            else { self = .staysPut }
        }
    }

    /// What the elasticities at the two ends of the ladder say about the bottleneck moving, in one sentence.
    static func movement(large: Double, small: Double, smallModel: String, largeModel: String) -> String {
        text("movement.\(Movement(large: large, small: small).rawValue)", ["small_model": smallModel, "large_model": largeModel])
    }
}
