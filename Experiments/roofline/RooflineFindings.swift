import Foundation

/// The roofline notebook's headline and conclusion, decided by the measured data (every figure from this run).
struct RooflineFindings {
    let headline: String
    let conclusion: String
    /// What decode shows at the smallest N with one thread (nil when no limits were measured).
    let decode: DecodeFinding?

    /// A kernel at or above this fraction of the bandwidth roof counts as bandwidth-bound.
    static let boundFraction = 0.6

    static let text = NotebookText(experiment: "roofline")

    /// `lastLevelCache` (bytes) decides whether a kernel above the memory roof could have read its weights from cache.
    init(_ a: RooflineAnalysis, settings s: RooflineSettings, lastLevelCache: Int = HostCacheSizes(.current).lastLevel) {
        let text = Self.text
        guard let roof = a.roofs.first, let smallest = s.ns.first, let largest = s.ns.last else {
            headline = text("headline.none")
            conclusion = headline
            decode = nil
            return
        }
        let formats = s.formats.map(\.name)
        let quantized = formats.filter { $0 != "f16" }
        func modelN(_ format: String, _ threads: Int) -> String {
            a.formats.first { $0.format == format }?.crossings.first { $0.threads == threads }?.modelN.map { "N ≈ \(Cell.fixed($0, 1))" } ?? "no N"
        }

        // Headline: the ridge, where three representative formats reach it, and how close the best kernels get.
        let named = ["q4_0", "q8_0", "f16"].filter(formats.contains)
        let lead = quantized.first ?? formats[0]
        let decodePoint = a.point(format: lead, threads: roof.threads, n: smallest)
        let top = quantized.compactMap { a.point(format: $0, threads: roof.threads, n: largest) }.max { $0.fractionOfRoof < $1.fractionOfRoof }
        headline = text("headline", [
            "threads": Self.threads(roof.threads), "ridge": Cell.fixed(roof.ridge), "peak": Cell.fixed(roof.peakGops, 0),
            "bandwidth": Cell.fixed(roof.bandwidthGBps), "reach": Self.list(named.map { "\($0) at \(modelN($0, roof.threads))" }),
            "decode": decodePoint.map { p in
                text("headline.decode", ["n": String(smallest), "format": lead, "fraction": Cell.percent(p.fractionOfRoof), "roof": Self.roofName(p)])
            } ?? "",
            "prefill": top.map { p in
                text("headline.prefill", ["n": String(largest), "format": p.format, "method": p.method,
                                          "fraction": Cell.percent(p.fractionOfRoof), "roof": Self.roofName(p)])
            } ?? "",
        ])

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

    static func threads(_ count: Int) -> String { count == 1 ? "1 thread" : "\(count) threads" }
    static func roofName(_ p: RooflinePoint) -> String { text(p.bandwidthBound ? "roof.bandwidth" : "roof.peak") }

    /// What decode-like N shows, decided from the data; `decode` words it.
    struct DecodeFinding: Equatable {
        enum Verdict: String, CaseIterable, Equatable {
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
        guard finding.verdict != .nothingTimed else { return (finding, text("decode.nothingTimed", ["n": String(n)])) }
        var findings: [String] = []
        if !finding.cached.isEmpty {
            findings.append(text("decode.cached", ["formats": list(finding.cached), "cache": Cell.bytes(Double(lastLevelCache))]))
        }
        if !finding.overstated.isEmpty { findings.append(text("decode.overstated", ["formats": list(finding.overstated)])) }
        findings.append(text("decode.\(finding.verdict.rawValue)", ["bound": Cell.percent(boundFraction), "slow": list(finding.slow)]))
        return (finding, text("decode", [
            "n": String(n), "threads": threads(roof.threads),
            "ridge": text(points.allSatisfy(\.bandwidthBound) ? "decode.below-ridge" : "decode.not-below-ridge"),
            "fractions": points.map { "\($0.format) \(Cell.percent($0.fractionOfRoof)) (\(Cell.fixed($0.weightGBps)) GB/s of weights)" }
                .joined(separator: ", "),
            "bandwidth": Cell.fixed(roof.bandwidthGBps), "findings": findings.joined(separator: " "),
        ]))
    }

    /// Where the measured throughput flattens, against the model's crossing.
    static func transition(_ a: RooflineAnalysis, roof: Roof, formats: [String], largest: Int) -> String {
        var early: [String] = [], later: [String] = [], open: [String] = []
        var listed: [String] = []
        for format in formats {
            guard let c = a.formats.first(where: { $0.format == format })?.crossings.first(where: { $0.threads == roof.threads }) else { continue }
            listed.append(text("transition.format", ["format": format, "model_n": c.modelN.map { Cell.fixed($0, 1) } ?? "never",
                                                     "knee": c.measuredKnee.map { "N = \($0)" } ?? "none"]))
            switch RidgeSwitch(modelN: c.modelN, knee: c.measuredKnee, largestN: largest) {
            case .beforeRidge: early.append(format)
            case .atOrAfterRidge: later.append(format)
            case .undetermined: open.append(format)
            }
        }
        var findings: [String] = []
        for (name, group) in [("transition.early", early), ("transition.later", later), ("transition.open", open)] where !group.isEmpty {
            findings.append(text(name, ["formats": list(group)]))
        }
        if early.count > later.count {
            findings.append(text("transition.mostlyEarly"))
        } else if later.count > early.count {
            findings.append(text("transition.mostlyAtRidge"))
        } else if !(early.isEmpty && later.isEmpty) {
            findings.append(text("transition.split"))
        }
        return text("transition", ["threads": threads(roof.threads), "listed": listed.joined(separator: "; "),
                                   "findings": findings.joined(separator: " ")])
    }

    /// Prefill-like N: past the ridge; how close to the int8 peak.
    static func prefill(_ a: RooflineAnalysis, roof: Roof, formats: [String], n: Int) -> String {
        let points = formats.compactMap { a.point(format: $0, threads: roof.threads, n: n) }.sorted { $0.fractionOfRoof > $1.fractionOfRoof }
        guard let best = points.first, let worst = points.last else { return text("prefill.nothingTimed", ["n": String(n)]) }
        let flattened = formats.filter { ThroughputKnee.isFlatAtEnd(a.points(format: $0, threads: roof.threads).map { ($0.n, $0.gflops) }) }
        var findings = [
            text(points.allSatisfy { !$0.bandwidthBound } ? "prefill.past-ridge" : "prefill.not-past-ridge"),
            text("prefill.range", ["best_fraction": Cell.percent(best.fractionOfRoof), "best": "\(best.format) \(best.method)",
                                   "best_gflops": Cell.fixed(best.gflops, 0), "worst_fraction": Cell.percent(worst.fractionOfRoof),
                                   "worst": "\(worst.format) \(worst.method)"]),
        ]
        if flattened.count * 2 > formats.count {
            let low = points.filter { $0.fractionOfRoof < boundFraction }.map(\.format)
            let bound = Cell.percent(boundFraction)
            let ceiling = low.isEmpty ? text("prefill.ceiling.hardware", ["bound": bound])
                : low.count == points.count ? text("prefill.ceiling.kernels", ["bound": bound])
                : text("prefill.ceiling.some", ["low": list(low), "bound": bound])
            findings.append(text("prefill.computeBound", ["flat": String(flattened.count), "formats": String(formats.count),
                                                          "half_n": String(n / 2), "n": String(n), "ceiling": ceiling]))
        } else {
            findings.append(text("prefill.stillGrowing"))
        }
        return text("prefill", ["n": String(n), "findings": findings.joined(separator: " ")])
    }

    /// What a second thread adds, to the ceilings and to one format's decode and prefill.
    static func threads(_ a: RooflineAnalysis, one: Roof, two: Roof, format: String, smallest: Int, largest: Int) -> String {
        var kernel = "."
        if let d1 = a.point(format: format, threads: one.threads, n: smallest), let d2 = a.point(format: format, threads: two.threads, n: smallest),
           let p1 = a.point(format: format, threads: one.threads, n: largest), let p2 = a.point(format: format, threads: two.threads, n: largest) {
            let decode = d2.gflops / d1.gflops, prefill = p2.gflops / p1.gflops
            let verdict = max(decode, prefill) < 1 ? "threads.bothSlower" : decode < prefill ? "threads.prefillGainsMore" : "threads.decodeGainsAsMuch"
            kernel = text("threads.kernel", ["format": format, "decode": Cell.ratio(decode), "small_n": String(smallest),
                                             "prefill": Cell.ratio(prefill), "large_n": String(largest), "verdict": text(verdict)])
        }
        return text("threads", ["threads": String(two.threads), "bandwidth": Cell.ratio(two.bandwidthGBps / one.bandwidthGBps),
                                "peak": Cell.ratio(two.peakGops / one.peakGops), "kernel": kernel])
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
