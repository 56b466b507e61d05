import Foundation

extension BottleneckExperiment {
    /// A least-squares line y = intercept + slope * x, with its coefficient of determination.
    struct LinearFit: Codable, Equatable {
        let intercept: Double
        let slope: Double
        /// 1 - residual / total sum of squares: 1 when every point lies on the line.
        let r2: Double
        let count: Int

        /// Weighted least squares (every weight 1 when `weights` is nil); nil for fewer than two distinct x values
        /// with weight.
        static func leastSquares(_ points: [(x: Double, y: Double)], weights: [Double]? = nil) -> LinearFit? {
            let w = weights ?? Array(repeating: 1, count: points.count)
            precondition(w.count == points.count, "one weight per point")
            let total = w.reduce(0, +)
            guard points.count >= 2, total > 0 else { return nil }
            func sum(_ f: (Int) -> Double) -> Double { points.indices.map { w[$0] * f($0) }.reduce(0, +) }
            let mx = sum { points[$0].x } / total, my = sum { points[$0].y } / total
            let sxx = sum { (points[$0].x - mx) * (points[$0].x - mx) }
            let sxy = sum { (points[$0].x - mx) * (points[$0].y - my) }
            guard sxx > 0 else { return nil }
            let slope = sxy / sxx, intercept = my - slope * mx
            let spread = sum { (points[$0].y - my) * (points[$0].y - my) }
            let residual = sum { i in
                let e = points[i].y - intercept - slope * points[i].x
                return e * e
            }
            return LinearFit(intercept: intercept, slope: slope, r2: spread > 0 ? 1 - residual / spread : 1, count: points.count)
        }
    }

    /// Decode time per token against bytes per token, over the synthetic models at one thread count (weighted by
    /// relative error): the slope's
    /// inverse is the bandwidth the ladder behaves as if it had, the intercept the time a token costs whatever its
    /// bytes (per-layer overhead, attention, synchronization).
    struct TrafficFit: Codable, Equatable {
        let threads: Int
        let fit: LinearFit
        var effectiveGBps: Double { 1 / fit.slope / 1e9 }
        var overheadMicroseconds: Double { fit.intercept * 1e6 }
    }

    /// How decode time follows bytes between two formats of the same model: log(time ratio) / log(byte ratio).
    /// 1 means time is proportional to bytes (bandwidth-bound: the paper's "linear in bits per weight"); 0 means
    /// fewer bytes buy nothing (the time goes to computation or fixed overhead).
    struct ByteElasticity: Codable, Equatable {
        let model: String
        let parameters: Int
        let threads: Int
        let bytesRatio: Double
        let timeRatio: Double
        var elasticity: Double { log(timeRatio) / log(bytesRatio) }
    }

    /// What a second thread buys one (model, format, phase): tokens/s at 2 threads over 1.
    struct ThreadGain: Codable, Equatable {
        let model: String
        let format: String
        let phase: Phase
        let parameters: Int
        let speedup: Double
    }

    /// The derived views of a run's points.
    enum Analysis {
        static func trafficFits(_ points: [Point], genTokens: Int) -> [TrafficFit] {
            let decode = points.filter { $0.phase == .decode && !$0.real }
            return Set(decode.map(\.threads)).sorted().compactMap { t in
                let xy = decode.filter { $0.threads == t }.map { (x: $0.footprint.decodeBytesPerToken(genTokens: genTokens), y: $0.secondsPerToken) }
                // Weights 1 / time^2: each model counts by its relative error, so the 1.1B points (times 100x the
                // smallest) do not decide the line alone.
                return LinearFit.leastSquares(xy, weights: xy.map { 1 / ($0.y * $0.y) }).map { TrafficFit(threads: t, fit: $0) }
            }
        }

        /// `heavier` over `lighter` (e.g. q8_0 over q4_0) for every model and thread count that has both.
        static func elasticities(_ points: [Point], heavier: String, lighter: String, genTokens: Int) -> [ByteElasticity] {
            let decode = points.filter { $0.phase == .decode }
            return decode.filter { $0.format == lighter }.compactMap { light in
                guard let heavy = decode.first(where: { $0.format == heavier && $0.model == light.model && $0.threads == light.threads })
                else { return nil }
                return ByteElasticity(model: light.model, parameters: light.footprint.parameters, threads: light.threads,
                                      bytesRatio: heavy.footprint.decodeBytesPerToken(genTokens: genTokens) / light.footprint.decodeBytesPerToken(genTokens: genTokens),
                                      timeRatio: heavy.secondsPerToken / light.secondsPerToken)
            }
        }

        static func threadGains(_ points: [Point]) -> [ThreadGain] {
            points.filter { $0.threads == 1 }.compactMap { one in
                guard let two = points.first(where: { $0.threads == 2 && $0.model == one.model && $0.format == one.format && $0.phase == one.phase })
                else { return nil }
                return ThreadGain(model: one.model, format: one.format, phase: one.phase, parameters: one.footprint.parameters,
                                  speedup: two.tokensPerSecond / one.tokensPerSecond)
            }
        }

        /// The point with the highest share of its limit among `points` (nil when empty).
        static func closestToLimit(_ points: [Point]) -> Point? {
            points.filter { $0.share.isFinite }.max { $0.share < $1.share }
        }

        /// The decode point closest to the bandwidth limit among those that must read memory (bytes per token
        /// larger than the last-level cache); among all of them when none must.
        static func closestToBandwidth(_ points: [Point], cacheBytes: Int, genTokens: Int) -> Point? {
            let fromMemory = points.filter { !fitsInCache($0, cacheBytes: cacheBytes, genTokens: genTokens) }
            return closestToLimit(fromMemory.isEmpty ? points : fromMemory)
        }

        /// Whether a decode step's bytes fit in the last-level cache, so that it need not read memory at all.
        static func fitsInCache(_ point: Point, cacheBytes: Int, genTokens: Int) -> Bool {
            point.footprint.decodeBytesPerToken(genTokens: genTokens) <= Double(cacheBytes)
        }
    }
}
