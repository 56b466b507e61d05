import Foundation

extension BottleneckExperiment {
    /// Per format, the shares along the ladder; where decode comes closest to the limit and what happens around it.
    static func decodeLimitFinding(_ r: Results, threads t: Int) -> String {
        let decode = r.synthetic.filter { $0.phase == .decode && $0.threads == t }
        guard let best = Analysis.closestToBandwidth(decode, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) else { return "" }
        let limit = r.readGBps[t] ?? .nan
        let lines = r.formats.map { format in
            "\(format): " + r.ladder.compactMap { model in
                decode.first { $0.model == model && $0.format == format }.map { "\(model) \(Cell.percent($0.share))" }
            }.joined(separator: ", ")
        }
        var text = "**Decode, \(threadsLabel(t)) (limit \(Cell.fixed(limit)) GB/s).** Share of the limit along the ladder: "
            + lines.joined(separator: "; ") + ". "
        let fromMemory = !Analysis.fitsInCache(best, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens)
        text += "The closest approach\(fromMemory ? " among models that must read memory" : "") is \(best.model) \(best.format) at \(Cell.fixed(best.achieved)) GB/s (\(Cell.percent(best.share)))"
        if best.model == r.largestRung {
            text += ", at the largest rung. "
        } else if let largest = decode.first(where: { $0.model == r.largestRung && $0.format == best.format }) {
            text += "; at \(largest.model) the same format reaches \(Cell.percent(largest.share)), "
                + (largest.share < best.share * 0.9 ? "lower: above \(best.model) the share does not keep rising with size. "
                                                    : "about the same: the share holds from \(best.model) up. ")
        } else {
            text += ". "
        }
        if fromMemory && best.share > 1.05 {
            // Seen on a quiet machine too: the probe (one plain sequential stream per thread) reads less than the
            // kernels, which prefetch ahead, so it is the probe's ceiling that is low, not the kernels that are fast.
            text += "A model that must read memory cannot beat the memory's real bandwidth, so the probe's figure for \(threadsLabel(t)) "
                + "is below what this memory delivers (the probe reads one plain stream per thread; the kernels prefetch ahead, "
                + "or the probe ran at a busy moment): read this thread count's shares as relative, not absolute. "
        }
        let inCache = r.ladder.filter { model in
            decode.contains { $0.model == model && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) }
        }
        if inCache.isEmpty {
            text += "No rung fits in the \(Cell.bytes(Double(r.lastLevelCacheBytes))) last-level cache in any format."
        } else {
            let shares = decode.filter { inCache.contains($0.model) && Analysis.fitsInCache($0, cacheBytes: r.lastLevelCacheBytes, genTokens: r.genTokens) }.map(\.share)
            text += "Rungs whose bytes per token fit in the \(Cell.bytes(Double(r.lastLevelCacheBytes))) last-level cache in some format ("
                + inCache.joined(separator: ", ") + ") need not read memory at all; in those formats they reach "
                + "\(Cell.percent(shares.min() ?? .nan)) to \(Cell.percent(shares.max() ?? .nan)) of the memory limit"
                + ((shares.max() ?? 0) > 1 ? ", more than memory could deliver: their bytes come from cache, and the time goes to per-token work instead." : ": even with their bytes in cache they are slower than streaming from memory would be, so fixed per-token and per-layer costs bound them.")
        }
        return text
    }

    static func linearityFinding(_ r: Results) -> String {
        guard let t = r.threads.first, let large = elasticity(r, r.largestRung, threads: t),
              let small = elasticity(r, r.smallestRung, threads: t) else { return "" }
        var text = "**Bits per weight.** At \(large.model), q8_0 reads \(Cell.ratio(large.bytesRatio)) the bytes of q4_0 and "
            + "decodes in \(Cell.ratio(large.timeRatio)) the time (elasticity \(Cell.fixed(large.elasticity, 2)), \(threadsLabel(t))): "
        text += large.elasticity >= linearElasticity
            ? "time grows almost in proportion to bytes, so tokens/s falls linearly with bits per weight there. "
            : "time grows less than bytes, so even there decode is not purely bandwidth-bound and tokens/s falls slower than linearly with bits per weight. "
        text += "At \(small.model) the same ratio of bytes costs \(Cell.ratio(small.timeRatio)) the time (elasticity \(Cell.fixed(small.elasticity, 2))). "
        text += movement(large: large.elasticity, small: small.elasticity, smallModel: small.model, largeModel: large.model) + " "
        if let fit = r.trafficFits.first(where: { $0.threads == t }) {
            text += "One straight line of time against bytes over all synthetic models (R² \(Cell.fixed(fit.fit.r2, 3))) implies "
                + "\(Cell.fixed(fit.effectiveGBps)) GB/s (measured: \(Cell.fixed(r.readGBps[t] ?? .nan))) and a fixed "
                + "\(Cell.fixed(fit.overheadMicroseconds)) µs per token. "
        }
        let unpack = r.unpackRatios.filter { $0.threads == t }
        if let slowest = unpack.max(by: { $0.timeRatio < $1.timeRatio }), let fastest = unpack.min(by: { $0.timeRatio < $1.timeRatio }) {
            text += "q4_K, with q4_0's bytes, decodes in \(Cell.ratio(fastest.timeRatio)) (\(fastest.model)) to "
                + "\(Cell.ratio(slowest.timeRatio)) (\(slowest.model)) of q4_0's time: "
                + unpackVerdict(fastest: fastest.timeRatio, slowest: slowest.timeRatio)
        }
        return text
    }

    /// What q4_K's time over q4_0's (same bytes) says, from its range over the ladder.
    enum UnpackCost: Equatable {
        /// q4_K slower somewhere, never faster: its unpacking costs time bytes do not explain.
        case q4_KSlower
        /// q4_K faster somewhere, never slower: q4_0's kernel is the slower part.
        case q4_0Slower
        /// Both along the ladder: no steady cost.
        case changesSign
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

    static func unpackVerdict(fastest: Double, slowest: Double) -> String {
        switch UnpackCost(fastest: fastest, slowest: slowest) {
        case .q4_KSlower: "its costlier unpacking takes time that bytes alone do not explain."
        case .q4_0Slower: "q4_K decodes faster than q4_0 at equal bytes, so q4_0's kernel, not the bytes, is the slower part here."
        case .changesSign: "the price of q4_K's unpacking changes sign along the ladder, so it is no steady cost."
        case .same: "at equal bytes the two formats decode at about the same speed."
        }
    }

    /// Whether the bottleneck moves along the ladder, from the elasticity of time to bytes at its two ends.
    enum Movement: Equatable {
        /// Bytes matter much more at the large end: memory decides the large model, fixed work the small one.
        case moves
        /// Bytes matter much more at the small end.
        case movesTheOtherWay
        /// Both ends follow bytes closely.
        case bytesAtBothEnds
        /// Neither end follows bytes closely.
        case neitherFollowsBytes
        /// The ends differ by less than `movedElasticity`, between the two cases above.
        case staysPut

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
        switch Movement(large: large, small: small) {
        case .moves:
            "So the bottleneck moves: memory traffic decides \(largeModel)'s speed, fixed per-token work \(smallModel)'s."
        case .movesTheOtherWay:
            "Unexpectedly, bytes matter more at \(smallModel) than at \(largeModel): by this measure the bottleneck moves the other way."
        case .bytesAtBothEnds:
            "Bytes set the pace at both ends: even \(smallModel), whose bytes may come from cache, is bound by how fast it "
                + "moves them, so within this ladder the bottleneck does not move toward computation."
        case .neitherFollowsBytes:
            "Neither end follows bytes closely: the kernels' own work, not memory traffic, sets the pace across the ladder."
        case .staysPut:
            "Bytes matter about as much at both ends of the ladder: by this measure the bottleneck does not move."
        }
    }
}
