import Foundation

/// The quantized model's token distributions against the base model's, as `llama-perplexity --kl-divergence`
/// computes them: per scored position, the KL divergence from the base distribution (tokens whose base
/// log-probability is below -16 left out), both models' negative log-likelihood of the actual next token, whether
/// the two agree on the most likely token, and Δp, the change in the actual next token's probability.
public struct KLDivergence: Sendable {
    var sumNLL = 0.0, sumNLL2 = 0.0, sumBaseNLL = 0.0, sumBaseNLL2 = 0.0, sumNLLBaseNLL = 0.0
    var sumKLD = 0.0, sumKLD2 = 0.0, sumDelta = 0.0, sumDelta2 = 0.0, sumDelta4 = 0.0
    var sameTop = 0
    /// Every position's KLD and Δp, for the percentiles (floats, not logits).
    var klds: [Float] = [], deltas: [Float] = []
    public var count: Int { klds.count }

    public init() {}

    /// Adds one position: this model's `logits`, the base row from `LogitsFile`, and the token that follows.
    public mutating func add(logits: [Float], base row: UnsafeBufferPointer<UInt16>, next token: Int) {
        var maxLogit = logits[0], top = 0
        for i in 1..<logits.count where logits[i] > maxLogit { maxLogit = logits[i]; top = i }
        var sumExp = 0.0
        for v in logits { sumExp += Double(expf(v - maxLogit)) }
        let logSumExp = Float(log(sumExp))
        let (scale, minimum) = UnsafeRawBufferPointer(row).withMemoryRebound(to: UInt32.self) {
            (Float(bitPattern: UInt32(littleEndian: $0[0])), Float(bitPattern: UInt32(littleEndian: $0[1])))
        }
        let nll = maxLogit + logSumExp - logits[token]
        let baseNLL = -LogitsFile.logProbability(row, token, scale: scale, minimum: minimum)
        sumNLL += Double(nll); sumNLL2 += Double(nll * nll)
        sumBaseNLL += Double(baseNLL); sumBaseNLL2 += Double(baseNLL * baseNLL)
        sumNLLBaseNLL += Double(nll * baseNLL)

        let logNormalizer = maxLogit + logSumExp
        var kld = 0.0, baseTop = 0, baseTopLog: Float = 0
        for i in logits.indices {
            let logBase = LogitsFile.logProbability(row, i, scale: scale, minimum: minimum)
            if i == 0 || logBase > baseTopLog { baseTopLog = logBase; baseTop = i }
            if logBase > -16 { kld += Double(expf(logBase) * (logBase - logits[i] + logNormalizer)) }
        }
        sumKLD += kld; sumKLD2 += kld * kld
        if top == baseTop { sameTop += 1 }
        let delta = expf(-nll) - expf(-baseNLL)
        sumDelta += Double(delta)
        let delta2 = Double(delta * delta)
        sumDelta2 += delta2; sumDelta4 += delta2 * delta2
        klds.append(Float(kld)); deltas.append(delta)
    }

    /// A mean and its standard error, as llama.cpp's `mean_and_uncertainty`.
    public struct Estimate: Sendable, Codable, Equatable {
        public let value: Double, uncertainty: Double
    }

    public struct Summary: Sendable, Codable {
        public let positions: Int
        public let ppl: Estimate, basePPL: Estimate
        /// ln(PPL / base PPL) and PPL / base PPL, with the covariance of the two runs taken into account.
        public let logPPLRatio: Estimate, pplRatio: Estimate
        public let kldMean: Estimate
        public let kldMedian: Double, kld90: Double, kld95: Double, kld99: Double, kldMax: Double
        /// Share of positions where both models rank the same token first.
        public let sameTop: Estimate
        /// RMS of Δp (the actual next token's probability, this model minus the base).
        public let deltaRMS: Estimate

        enum CodingKeys: String, CodingKey {
            case positions, ppl, basePPL = "base_ppl", logPPLRatio = "log_ppl_ratio", pplRatio = "ppl_ratio"
            case kldMean = "kld_mean", kldMedian = "kld_median", kld90 = "kld_p90", kld95 = "kld_p95", kld99 = "kld_p99"
            case kldMax = "kld_max", sameTop = "same_top", deltaRMS = "delta_p_rms"
        }
    }

    static func meanAndUncertainty(_ sum: Double, _ sum2: Double, _ count: Int) -> Estimate {
        guard count > 0 else { return Estimate(value: 0, uncertainty: 0) }
        let f = sum / Double(count), variance = sum2 / Double(count) - f * f
        return Estimate(value: f, uncertainty: variance > 0 && count > 10 ? (variance / Double(count - 1)).squareRoot() : 0)
    }

    /// llama.cpp's interpolated percentile of sorted values.
    static func percentile(_ sorted: [Float], _ fraction: Double) -> Double {
        let p = fraction * Double(sorted.count - 1), i = Int(p), t = p - Double(i)
        return (1 - t) * Double(sorted[i]) + t * Double(sorted[min(i + 1, sorted.count - 1)])
    }

    /// The statistics llama-perplexity prints; nil before any position.
    public var summary: Summary? {
        guard count > 0 else { return nil }
        let logPPL = Self.meanAndUncertainty(sumNLL, sumNLL2, count)
        let logBase = Self.meanAndUncertainty(sumBaseNLL, sumBaseNLL2, count)
        let covariance = count < 10 ? 0 : (sumNLLBaseNLL / Double(count) - (sumNLL / Double(count)) * (sumBaseNLL / Double(count))) / Double(count - 1)
        let ratio = logPPL.value - logBase.value
        let ratioUncertainty = max(0, logPPL.uncertainty * logPPL.uncertainty + logBase.uncertainty * logBase.uncertainty - 2 * covariance).squareRoot()
        let sorted = klds.sorted()
        let median = sorted.count % 2 == 0 ? 0.5 * (Double(sorted[sorted.count / 2]) + Double(sorted[sorted.count / 2 - 1])) : Double(sorted[sorted.count / 2])
        let mse = Self.meanAndUncertainty(sumDelta2, sumDelta4, count)
        let rms = mse.value.squareRoot()
        let top = Double(sameTop) / Double(count)
        return Summary(
            positions: count,
            ppl: Estimate(value: exp(logPPL.value), uncertainty: exp(logPPL.value) * logPPL.uncertainty),
            basePPL: Estimate(value: exp(logBase.value), uncertainty: exp(logBase.value) * logBase.uncertainty),
            logPPLRatio: Estimate(value: ratio, uncertainty: ratioUncertainty),
            pplRatio: Estimate(value: exp(ratio), uncertainty: exp(ratio) * ratioUncertainty),
            kldMean: Self.meanAndUncertainty(sumKLD, sumKLD2, count),
            kldMedian: median, kld90: Self.percentile(sorted, 0.9), kld95: Self.percentile(sorted, 0.95),
            kld99: Self.percentile(sorted, 0.99), kldMax: Double(sorted.last!),
            sameTop: Estimate(value: top, uncertainty: count > 1 ? (top * (1 - top) / Double(count - 1)).squareRoot() : 0),
            deltaRMS: Estimate(value: rms, uncertainty: rms > 0 ? 0.5 / rms * mse.uncertainty : 0))
    }
}
