import Foundation

/// The roofline notebook's headline and conclusion, decided by the measured data (every figure from this run).
struct RooflineFindings {
    let headline: String
    let conclusion: String
    /// What decode shows at the smallest N with one thread (nil when no limits were measured).
    let decode: DecodeFinding?

    /// A kernel at or above this fraction of the bandwidth roof counts as bandwidth-bound.
    static let boundFraction = 0.6

    /// `lastLevelCache` (bytes) decides whether a kernel above the memory roof could have read its weights from cache.
    init(_ a: RooflineAnalysis, settings s: RooflineSettings, lastLevelCache: Int = HostCacheSizes(.current).lastLevel) {
        guard let roof = a.roofs.first, let smallest = s.ns.first, let largest = s.ns.last else {
            headline = "No limits were measured, so nothing could be placed on a roofline."
            conclusion = headline
            decode = nil
            return
        }
        let formats = s.formats.map(\.name)
        let quantized = formats.filter { $0 != "f16" }
        func crossing(_ format: String, _ threads: Int) -> RidgeCrossing? {
            a.formats.first { $0.format == format }?.crossings.first { $0.threads == threads }
        }
        func modelN(_ format: String, _ threads: Int) -> String {
            crossing(format, threads)?.modelN.map { "N ≈ \(Cell.fixed($0, 1))" } ?? "no N"
        }
        func roofName(_ p: RooflinePoint) -> String { p.bandwidthBound ? "the bandwidth roof" : "the int8 peak" }

        // Headline: the ridge, where three representative formats reach it, and how close the best kernels get.
        let named = ["q4_0", "q8_0", "f16"].filter(formats.contains)
        let reach = named.map { "\($0) at \(modelN($0, roof.threads))" }
        var head = "With \(roof.threads) thread\(roof.threads == 1 ? "" : "s") the roof bends at \(Cell.fixed(roof.ridge)) ops/byte "
            + "(\(Cell.fixed(roof.peakGops, 0)) Gop/s ÷ \(Cell.fixed(roof.bandwidthGBps)) GB/s), reached by \(Self.list(reach))"
        let lead = quantized.first ?? formats[0]
        if let p = a.point(format: lead, threads: roof.threads, n: smallest) {
            head += "; at N = \(smallest) the best \(lead) kernel runs at \(Cell.percent(p.fractionOfRoof)) of \(roofName(p))"
        }
        let top = quantized.compactMap { a.point(format: $0, threads: roof.threads, n: largest) }.max { $0.fractionOfRoof < $1.fractionOfRoof }
        if let top {
            head += ", at N = \(largest) the best kernel (\(top.format) \(top.method)) at \(Cell.percent(top.fractionOfRoof)) of \(roofName(top))"
        }
        headline = head + "."

        var parts: [String] = []
        let (decodeFinding, decodeText) = Self.decode(a, roof: roof, formats: formats, n: smallest, lastLevelCache: lastLevelCache)
        decode = decodeFinding
        parts.append(decodeText)
        parts.append(Self.transition(a, roof: roof, formats: formats, largest: largest))
        parts.append(Self.prefill(a, roof: roof, formats: quantized, n: largest))
        if let second = a.roofs.dropFirst().first {
            parts.append(Self.threads(a, one: roof, two: second, format: lead, smallest: smallest, largest: largest))
        }
        conclusion = parts.joined(separator: "\n\n")
    }

    /// What decode-like N shows, decided from the data; `decode` words it.
    struct DecodeFinding: Equatable {
        enum Verdict: Equatable {
            /// No kernel was timed at this N.
            case nothingTimed
            /// Every format's weights fit in the last-level cache: nothing streamed from memory.
            case cannotJudge
            /// Every format that streams from memory reaches `boundFraction` of the bandwidth roof.
            case memoryBound
            /// Most do; `slow` do not.
            case mostlyMemoryBound
            /// Most run below `boundFraction`: the kernels' instruction throughput is the limit.
            case instructionBound
        }
        var verdict: Verdict
        /// Formats whose weights fit in the last-level cache (they cannot judge memory-bound decode).
        var cached: [String] = []
        /// Formats above 110% of a roof their weights cannot fit under: the probe understates the bandwidth.
        var overstated: [String] = []
        /// Formats streaming from memory below `boundFraction` of the roof.
        var slow: [String] = []

        init(_ points: [RooflinePoint], weightBytes: (String) -> Double, lastLevelCache: Int) {
            guard !points.isEmpty else { verdict = .nothingTimed; return }
            let fits = points.map { weightBytes($0.format) <= Double(lastLevelCache) }
            let judged = zip(points, fits).filter { !$0.1 }.map(\.0)
            cached = zip(points, fits).filter(\.1).map(\.0.format)
            overstated = judged.filter { $0.fractionOfRoof > 1.1 }.map(\.format)
            slow = judged.filter { $0.fractionOfRoof < RooflineFindings.boundFraction }.map(\.format)
            let bound = judged.count - slow.count
            verdict = judged.isEmpty ? .cannotJudge
                : slow.isEmpty ? .memoryBound : bound * 2 >= judged.count ? .mostlyMemoryBound : .instructionBound
        }
    }

    /// Decode-like N: does every format's best kernel that streams its weights from memory sit at the bandwidth roof?
    static func decode(_ a: RooflineAnalysis, roof: Roof, formats: [String], n: Int, lastLevelCache: Int) -> (DecodeFinding, String) {
        let points = formats.compactMap { a.point(format: $0, threads: roof.threads, n: n) }
        let finding = DecodeFinding(points, weightBytes: { f in a.formats.first { $0.format == f }?.weightBytes ?? 0 },
                                    lastLevelCache: lastLevelCache)
        guard finding.verdict != .nothingTimed else { return (finding, "No kernel was timed at N = \(n).") }
        let listed = points.map { "\($0.format) \(Cell.percent($0.fractionOfRoof)) (\(Cell.fixed($0.weightGBps)) GB/s of weights)" }
        var text = "**Decode (N = \(n)).** With \(roof.threads) thread\(roof.threads == 1 ? "" : "s") the intensity of every format is "
            + (points.allSatisfy(\.bandwidthBound) ? "below the ridge, so the bandwidth slope is the roof. " : "not below the ridge for all formats. ")
            + "Fractions of the roof: \(listed.joined(separator: ", ")), against \(Cell.fixed(roof.bandwidthGBps)) GB/s measured read bandwidth. "
        if !finding.cached.isEmpty {
            text += "\(list(finding.cached)) fit in the \(Cell.bytes(Double(lastLevelCache))) last-level cache, so they can be served from it and say nothing about memory-bound decode. "
        }
        if !finding.overstated.isEmpty {
            text += "\(list(finding.overstated)) stream more than the measured read bandwidth from weights larger than the last-level cache: the probe understates what a kernel can read (it ran at another moment on a shared machine, or its single stream prefetches less well), so their fractions overstate how close to the roof they are. "
        }
        switch finding.verdict {
        case .nothingTimed: break
        case .cannotJudge:
            text += "No format streamed its weights from memory, so this run cannot test the paper's memory-bound decode."
        case .memoryBound:
            text += "Every format that streams its weights from memory reaches at least \(Cell.percent(boundFraction)) of the bandwidth roof: decode is bound by memory traffic, as Song et al. find, so fewer bytes per weight buy speed."
        case .mostlyMemoryBound:
            text += "Most formats are at the bandwidth roof, as Song et al. find, but \(list(finding.slow)) fall short of \(Cell.percent(boundFraction)): their kernels are limited by the work of unpacking or converting each weight, not by memory."
        case .instructionBound:
            text += "Most formats run below \(Cell.percent(boundFraction)) of the bandwidth roof: here decode is limited by the kernels' instruction throughput rather than by memory traffic, which disagrees with the paper's picture of a memory-bound decode."
        }
        return (finding, text)
    }

    /// Where the measured throughput flattens, against the model's crossing.
    static func transition(_ a: RooflineAnalysis, roof: Roof, formats: [String], largest: Int) -> String {
        var early: [String] = [], later: [String] = [], open: [String] = []
        var listed: [String] = []
        for format in formats {
            guard let c = a.formats.first(where: { $0.format == format })?.crossings.first(where: { $0.threads == roof.threads }) else { continue }
            listed.append("\(format): model N ≈ \(c.modelN.map { Cell.fixed($0, 1) } ?? "never"), measured knee \(c.measuredKnee.map { "N = \($0)" } ?? "none")")
            switch RidgeSwitch(modelN: c.modelN, knee: c.measuredKnee, largestN: largest) {
            case .beforeRidge: early.append(format)
            case .atOrAfterRidge: later.append(format)
            case .undetermined: open.append(format)
            }
        }
        var text = "**From bandwidth- to compute-bound (\(roof.threads) thread\(roof.threads == 1 ? "" : "s")).** \(listed.joined(separator: "; ")). "
        if !early.isEmpty { text += "Throughput flattened before the intensity reached the ridge for \(list(early)). " }
        if !later.isEmpty { text += "It kept growing up to or past the ridge for \(list(later)). " }
        if !open.isEmpty { text += "The sweep ended before the ridge with throughput still growing for \(list(open)). " }
        if early.count > later.count {
            text += "So for most formats the kernels run out of instruction throughput (unpacking, activation quantization, row kernels re-reading the weights for each group of columns) below the int8 peak: in practice the switch from bandwidth- to compute-bound comes at a smaller N, and at a lower ceiling, than the roofline predicts."
        } else if later.count > early.count {
            text += "So for most formats the kernels follow the bandwidth slope until the intensity reaches the ridge, as the roofline predicts."
        } else if !(early.isEmpty && later.isEmpty) {
            text += "The formats split evenly, so this run places the switch neither before nor at the ridge in general."
        }
        return text
    }

    /// Prefill-like N: past the ridge; how close to the int8 peak.
    static func prefill(_ a: RooflineAnalysis, roof: Roof, formats: [String], n: Int) -> String {
        let points = formats.compactMap { a.point(format: $0, threads: roof.threads, n: n) }.sorted { $0.fractionOfRoof > $1.fractionOfRoof }
        guard let best = points.first, let worst = points.last else { return "No quantized kernel was timed at N = \(n)." }
        let flattened = formats.filter { ThroughputKnee.isFlatAtEnd(a.points(format: $0, threads: roof.threads).map { ($0.n, $0.gflops) }) }
        var text = "**Prefill (N = \(n)).** "
        if points.allSatisfy({ !$0.bandwidthBound }) {
            text += "The intensity of every quantized format is past the ridge, so the int8 peak is the roof. "
        } else {
            text += "Not every format's intensity is past the ridge at this N. "
        }
        text += "The best kernels reach \(Cell.percent(best.fractionOfRoof)) (\(best.format) \(best.method), \(Cell.fixed(best.gflops, 0)) GFLOP/s) down to \(Cell.percent(worst.fractionOfRoof)) (\(worst.format) \(worst.method)) of it. "
        if flattened.count * 2 > formats.count {
            let low = points.filter { $0.fractionOfRoof < boundFraction }.map(\.format)
            text += "For \(flattened.count) of \(formats.count) quantized formats throughput no longer grew from N = \(n / 2) to N = \(n): prefill is compute-bound, as Song et al. find. "
            if low.isEmpty {
                text += "Every format's best kernel reaches \(Cell.percent(boundFraction)) of the int8 peak or more."
            } else if low.count == points.count {
                text += "But the ceiling they hit is the kernels' own (unpacking, activation quantization, accumulation), below \(Cell.percent(boundFraction)) of the hardware's int8 peak for every format."
            } else {
                text += "\(list(low)) stop below \(Cell.percent(boundFraction)) of the int8 peak: their ceiling is the kernel's own (no tiled kernel, or unpacking and accumulation), not the hardware's."
            }
        } else {
            text += "Throughput was still growing with N for most formats at the end of the sweep, so this run does not show prefill reaching a compute ceiling."
        }
        return text
    }

    /// What a second thread adds, to the ceilings and to one format's decode and prefill.
    static func threads(_ a: RooflineAnalysis, one: Roof, two: Roof, format: String, smallest: Int, largest: Int) -> String {
        var text = "**\(two.threads) threads.** The read bandwidth changes \(Cell.ratio(two.bandwidthGBps / one.bandwidthGBps)) and the int8 peak \(Cell.ratio(two.peakGops / one.peakGops)) from 1 to \(two.threads) threads"
        if let d1 = a.point(format: format, threads: one.threads, n: smallest), let d2 = a.point(format: format, threads: two.threads, n: smallest),
           let p1 = a.point(format: format, threads: one.threads, n: largest), let p2 = a.point(format: format, threads: two.threads, n: largest) {
            let decode = d2.gflops / d1.gflops, prefill = p2.gflops / p1.gflops
            text += "; the best \(format) kernel speeds up \(Cell.ratio(decode)) at N = \(smallest) and \(Cell.ratio(prefill)) at N = \(largest). "
            if max(decode, prefill) < 1 {
                text += "A second thread made both slower: the two threads wait on each other (or on other work sharing the machine), which this run cannot tell apart."
            } else if decode < prefill {
                text += "A second core helps prefill more than decode: the cores share one memory bus, and decode already uses most of it."
            } else {
                text += "A second core helps decode at least as much as prefill here."
            }
        } else {
            text += "."
        }
        return text
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? (items.first ?? "") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

/// Where a format's measured knee falls against the model's ridge crossing.
enum RidgeSwitch: Equatable {
    /// Throughput flattened at an N below the model's crossing.
    case beforeRidge
    /// Flattened at or after the crossing, or kept growing through a sweep that went past it.
    case atOrAfterRidge
    /// No knee, and the sweep ended before the crossing (or the format never crosses).
    case undetermined

    init(modelN: Double?, knee: Int?, largestN: Int) {
        guard let modelN else { self = .undetermined; return }
        if let knee {
            self = Double(knee) < modelN ? .beforeRidge : .atOrAfterRidge
        } else {
            self = Double(largestN) >= modelN ? .atOrAfterRidge : .undetermined
        }
    }
}
