import Foundation

extension BottleneckExperiment {
    /// One series per synthetic format and thread count (solid: 1 thread, dashed: more), then the real model's
    /// formats as markers (all thread counts in one series), of `value` against parameters.
    static func seriesByFormat(_ r: Results, phase: Phase, _ value: (Point) -> Double) -> [XYChart.Series] {
        var series: [XYChart.Series] = []
        for format in r.formats {
            for t in r.threads {
                let points = r.synthetic.filter { $0.format == format && $0.threads == t && $0.phase == phase }
                    .sorted { $0.parameters < $1.parameters }.map { (x: $0.parameters / 1e6, y: value($0)) }
                series.append(.init("\(format), \(threadsLabel(t))", points, style: t == 1 ? .lineAndMarkers : .dashed,
                                    color: formatColor(format)))
            }
        }
        if let real = r.realModel {
            let realPoints = r.points.filter { $0.real && $0.phase == phase }
            for format in inOrder(realPoints.map(\.format)) {
                let mine = realPoints.filter { $0.format == format }
                let shortFormat = format.split(separator: " ").first.map(String.init) ?? format
                series.append(.init("\(shortName(real)) \(shortFormat) (\(mine.map { "\($0.threads)t" }.joined(separator: ", ")))",
                                    mine.map { (x: $0.parameters / 1e6, y: value($0)) }, style: .markers, color: formatColor(format)))
            }
        }
        return series
    }

    static func parameterRange(_ r: Results) -> (Double, Double) {
        let xs = r.points.map { $0.parameters / 1e6 }
        return (xs.min() ?? 1, xs.max() ?? 1)
    }

    static func speedChart(_ r: Results, phase: Phase) -> String {
        XYChart(title: "\(phase == .decode ? "Decode (tg\(r.genTokens))" : "Prefill (pp\(r.promptTokens))") tokens per second",
                xLabel: "parameters (millions)", yLabel: "tokens/s", logX: true, logY: true,
                series: seriesByFormat(r, phase: phase) { $0.tokensPerSecond }).svg
    }

    static func shareChart(_ r: Results, phase: Phase) -> String {
        let (low, high) = parameterRange(r)
        let limitName = phase == .decode ? "read bandwidth" : "int8 peak"
        var series = seriesByFormat(r, phase: phase) { $0.share * 100 }
        series.append(.init("100% = \(limitName)", [(low, 100), (high, 100)], style: .line, color: "#c0392b"))
        return XYChart(title: phase == .decode ? "Decode: share of the read-bandwidth limit" : "Prefill: share of the int8 peak",
                       xLabel: "parameters (millions)", yLabel: "% of the limit at that thread count", logX: true, series: series).svg
    }

    /// Time per decoded token against bytes per token, with each thread count's least-squares line.
    static func trafficChart(_ r: Results) -> String {
        var series: [XYChart.Series] = []
        for format in r.formats {
            for t in r.threads {
                let points = r.synthetic.filter { $0.format == format && $0.threads == t && $0.phase == .decode }
                    .map { (x: $0.footprint.decodeBytesPerToken(genTokens: r.genTokens) / 1e6, y: $0.secondsPerToken * 1e3) }
                // Six distinct colours: the formats at 1 thread, then at 2.
                let index = (r.formats.firstIndex(of: format) ?? 0) + r.formats.count * (r.threads.firstIndex(of: t) ?? 0)
                series.append(.init("\(format), \(threadsLabel(t))", points, style: .markers, color: SVGChart.color(index)))
            }
        }
        let xs = r.synthetic.filter { $0.phase == .decode }.map { $0.footprint.decodeBytesPerToken(genTokens: r.genTokens) }
        if let low = xs.min(), let high = xs.max(), high > low {
            for f in r.trafficFits {
                let line = (0...24).map { i -> (x: Double, y: Double) in
                    let x = low * pow(high / low, Double(i) / 24)
                    return (x / 1e6, (f.fit.intercept + f.fit.slope * x) * 1e3)
                }
                series.append(.init("fit, \(threadsLabel(f.threads))", line, style: f.threads == 1 ? .line : .dashed, color: "#555555"))
            }
        }
        return XYChart(title: "Decode: time per token against bytes read per token", xLabel: "MB read per token",
                       yLabel: "ms per token", logX: true, logY: true, series: series).svg
    }

    /// Tokens/s at 2 threads over 1, against parameters, decode (solid) and prefill (dashed).
    static func threadChart(_ r: Results) -> String {
        var series: [XYChart.Series] = []
        for phase in [Phase.decode, .prefill] {
            for format in r.formats {
                let gains = r.threadGains.filter { $0.format == format && $0.phase == phase && r.ladder.contains($0.model) }
                    .sorted { $0.parameters < $1.parameters }.map { (x: Double($0.parameters) / 1e6, y: $0.speedup) }
                series.append(.init("\(phase.rawValue) \(format)", gains, style: phase == .decode ? .lineAndMarkers : .dashed,
                                    color: formatColor(format)))
            }
        }
        for (phase, color) in [(Phase.decode, "#000000"), (.prefill, "#999999")] {
            let real = r.threadGains.filter { !r.ladder.contains($0.model) && $0.phase == phase }
            if !real.isEmpty {
                series.append(.init("\(shortName(r.realModel ?? "real")) \(phase.rawValue)", real.map { (x: Double($0.parameters) / 1e6, y: $0.speedup) },
                                    style: .markers, color: color))
            }
        }
        let (low, high) = parameterRange(r)
        series.append(.init("no gain (1.0x)", [(low, 1), (high, 1)], style: .line, color: "#c0392b"))
        return XYChart(title: "What a second thread buys", xLabel: "parameters (millions)", yLabel: "tokens/s at 2 threads / at 1",
                       logX: true, series: series).svg
    }

    static func profileChart(_ r: Results) -> String {
        BarChart(title: "Where a test's time goes (bench-model --profile)", unit: "%", series: Profile.groupNames,
                 rows: r.profiles.map { p in
                     .init("\(p.model) \(p.format) \(p.phase.rawValue) \(p.threads)t", Profile.groupNames.map { p.share($0) * 100 })
                 }).svg
    }

    /// A legend-sized model name: "SmolLM2-135M" from "SmolLM2-135M-Instruct".
    static func shortName(_ model: String) -> String {
        model.split(separator: "-").prefix(2).joined(separator: "-")
    }

    /// The elements in order, first occurrences only.
    static func inOrder(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
