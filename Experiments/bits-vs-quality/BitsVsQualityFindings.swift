import Foundation

/// What the measurements say, as typed verdicts the notebook words and the tests assert.
enum BitsVsQualityFindings {
    /// Where quality breaks as bits fall: the knee of the Pareto front of (bits, KL mean), found as Kneedle finds a
    /// curve's knee (Satopää et al., 2011). With bits and KL each scaled to 0...1 between the front's ends, it is the
    /// format farthest below the chord joining them: the last before KL turns steeply upward. Formats the base
    /// already holds are left out (they look nearly free).
    struct Knee: Codable, Equatable {
        /// The knee format, and the next format down the front: quality breaks on the step between them.
        let above: String, aboveBits: Double, aboveKL: Double
        let below: String, belowBits: Double, belowKL: Double
        /// The fewest bits on the front: a front that stays above 4 bits cannot test the field's knee.
        let lowestBits: Double
        var klRatio: Double { belowKL / aboveKL }
        /// The step lies between 3 and 4 bits per weight, where the field puts the crash (about 3.5).
        var nearThreePointFive: Bool { belowBits < 4 && aboveBits > 3 }
        var reachesBelowFour: Bool { lowestBits < 4 }
    }

    /// Nil when the front has fewer than three points or never bends upward (KL rising no faster as bits fall).
    static func knee(_ model: ModelRun) -> Knee? {
        let front = paretoFront(model).map { (format: $0.format, bits: $0.bitsPerWeight, kl: $0.kld!.kldMean.value) }
        guard front.count >= 3, let first = front.first, let last = front.last, first.kl < last.kl else { return nil }
        /// How far below the chord a point lies, in scaled units: bits given up minus KL gained.
        func depth(_ p: (format: String, bits: Double, kl: Double)) -> Double {
            (first.bits - p.bits) / (first.bits - last.bits) - (p.kl - first.kl) / (last.kl - first.kl)
        }
        guard let k = front.indices.dropFirst().dropLast().max(by: { depth(front[$0]) < depth(front[$1]) }),
              depth(front[k]) > 0, front[k].kl > 0 else { return nil }
        let (a, b) = (front[k], front[k + 1])
        return Knee(above: a.format, aboveBits: a.bits, aboveKL: a.kl, below: b.format, belowBits: b.bits, belowKL: b.kl,
                    lowestBits: last.bits)
    }

    /// The formats no other beats on both bits and KL, most bits first, without the base's own formats and the
    /// published mix.
    static func paretoFront(_ model: ModelRun) -> [FormatRun] {
        let candidates = model.formats.filter { $0.share != nil && !model.sourceFormats.contains($0.format) && $0.kld != nil }
        return candidates.filter { f in
            !candidates.contains { g in
                g.format != f.format && g.bitsPerWeight <= f.bitsPerWeight && g.kld!.kldMean.value < f.kld!.kldMean.value
            }
        }.sorted { $0.bitsPerWeight > $1.bitsPerWeight }
    }

    /// The larger model against the smaller, format by format: the median of KL(smaller) / KL(larger) over the formats
    /// below five bits that neither base already holds.
    struct Robustness: Codable, Equatable {
        enum Verdict: String, Codable { case largerMoreRobust = "robust.larger", similar = "robust.similar", largerLessRobust = "robust.smaller" }
        let smaller: String, larger: String
        let medianRatio: Double
        let formats: Int
        var verdict: Verdict { medianRatio > 1.25 ? .largerMoreRobust : medianRatio < 0.8 ? .largerLessRobust : .similar }
    }

    static func robustness(_ models: [ModelRun]) -> Robustness? {
        guard models.count >= 2 else { return nil }
        let (smaller, larger) = models[0].weights < models[1].weights ? (models[0], models[1]) : (models[1], models[0])
        let ratios = comparable(smaller, larger).compactMap { s, l -> Double? in
            guard let a = s.kld?.kldMean.value, let b = l.kld?.kldMean.value, b > 0, s.bitsPerWeight < 5 else { return nil }
            return a / b
        }.sorted()
        guard !ratios.isEmpty else { return nil }
        let median = ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
        return Robustness(smaller: smaller.name, larger: larger.name, medianRatio: median, formats: ratios.count)
    }

    /// The formats both models were requantized to, neither base holds, paired.
    static func comparable(_ a: ModelRun, _ b: ModelRun) -> [(FormatRun, FormatRun)] {
        a.formats.compactMap { f in
            guard f.share != nil, !a.sourceFormats.contains(f.format), !b.sourceFormats.contains(f.format),
                  let g = b.formats.first(where: { $0.format == f.format }) else { return nil }
            return (f, g)
        }
    }

    /// A format that runs faster than formats with fewer bits: more bits, yet more tokens per second.
    struct FasterDespiteBits: Codable, Equatable {
        let model: String, prefill: Bool, threads: Int
        let format: String, bitsPerWeight: Double, tokensPerSecond: Double
        /// The formats with fewer bits it beats by more than `margin`, fewest bits first.
        let beats: [String]
    }

    /// A speed difference smaller than this is within the bench's run-to-run spread.
    static let margin = 0.05

    static func fasterDespiteBits(_ model: ModelRun, threads: [Int]) -> [FasterDespiteBits] {
        let pure = model.formats.filter { $0.share != nil }
        return [true, false].flatMap { prefill in
            threads.flatMap { t in
                pure.compactMap { f -> FasterDespiteBits? in
                    guard let speed = f.tokensPerSecond(prefill: prefill, threads: t) else { return nil }
                    let beaten = pure.filter { g in
                        guard g.bitsPerWeight < f.bitsPerWeight, let other = g.tokensPerSecond(prefill: prefill, threads: t) else { return false }
                        return speed > other * (1 + margin)
                    }.sorted { $0.bitsPerWeight < $1.bitsPerWeight }
                    guard !beaten.isEmpty else { return nil }
                    return FasterDespiteBits(model: model.name, prefill: prefill, threads: t, format: f.format,
                                             bitsPerWeight: f.bitsPerWeight, tokensPerSecond: speed, beats: beaten.map(\.format))
                }
            }
        }
    }
}
