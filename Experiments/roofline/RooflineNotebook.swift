import Foundation
import QuantFormats

/// The roofline notebook: setup, limits, one chart per thread count, the per-format tables and the conclusion.
enum RooflineNotebook {
    /// What `data/roofline.json` holds.
    struct Data: Encodable {
        let m: Int, k: Int, ns: [Int], threadCounts: [Int], formats: [String]
        let trafficCounted: String
        let limits: BenchReport.Limits
        let roofs: [Roof]
        let best: [RooflinePoint]
        let crossings: [FormatRoofline]
        let rows: [BenchReport.Row]
        let failures: [String]
    }

    static func make(_ measurements: RooflineMeasurements, _ analysis: RooflineAnalysis, quick: Bool) throws -> Notebook {
        let s = measurements.settings
        let formats = s.formats.map(\.name)
        let findings = RooflineFindings(analysis, settings: s)
        let text = RooflineFindings.text
        var notebook = Notebook(name: RooflineExperiment.name, title: text("title"))
        notebook.headline = findings.headline

        notebook.heading("Setup")
        notebook.text(setup(s, analysis))
        notebook.heading("Machine limits")
        notebook.text(text("limits"))
        notebook.table(["threads", "read GB/s", "int8 Gop/s", "ridge (ops/byte)"], analysis.roofs.map {
            [String($0.threads), Cell.fixed($0.bandwidthGBps), Cell.fixed($0.peakGops, 0), Cell.fixed($0.ridge)]
        })

        for roof in analysis.roofs {
            notebook.heading("\(roof.threads) thread\(roof.threads == 1 ? "" : "s")")
            notebook.chart(RooflineChart.svg(analysis, roof: roof, formats: formats), id: "threads-\(roof.threads)",
                           caption: text("threads.caption", ["ns": s.ns.map(String.init).joined(separator: ", "), "threads": String(roof.threads)]))
            notebook.text(text("threads.table"))
            notebook.table(["format"] + s.ns.map { "N=\($0)" }, formats.map { format in
                [format] + s.ns.map { n in
                    guard let p = analysis.point(format: format, threads: roof.threads, n: n) else { return "-" }
                    let cell = "\(Cell.fixed(p.gflops, 0)) (\(Cell.percent(p.fractionOfRoof)))"
                    return p.bandwidthBound ? cell : "**\(cell)**"
                }
            })
            notebook.text(text("threads.winners"))
            notebook.table(["format", "fastest method by N"], formats.map { format in
                [format, winners(analysis.points(format: format, threads: roof.threads))]
            })
        }

        notebook.heading("Intensity and the ridge, per format")
        notebook.text(text("intensity", ["growth": Cell.fixed(ThroughputKnee.growthThreshold, 1)]))
        notebook.table(["format", "bits/weight", "weights", "intensity N=\(s.ns.first ?? 1)", "intensity N=\(s.ns.last ?? 1)"]
                       + analysis.roofs.flatMap { ["model N (\($0.threads) thr)", "first swept N (\($0.threads) thr)", "measured knee (\($0.threads) thr)"] },
                       analysis.formats.map { f in
            [f.format, Cell.fixed(f.bitsPerWeight, 2), Cell.bytes(f.weightBytes), Cell.fixed(f.intensityAtSmallestN, 2), Cell.fixed(f.intensityAtLargestN, 0)]
                + f.crossings.flatMap { c in
                    [c.modelN.map { Cell.fixed($0, 1) } ?? "never", c.firstSweptN.map(String.init) ?? "-", c.measuredKnee.map(String.init) ?? "-"]
                }
        })

        notebook.casesLeftOut(measurements.failures)

        notebook.heading("Conclusion")
        notebook.text(findings.conclusion)
        notebook.heading("What this experiment cannot show")
        notebook.text(limitations(s, quick: quick))

        try notebook.attach(Data(m: s.m, k: s.k, ns: s.ns, threadCounts: s.threadCounts, formats: formats,
                                 trafficCounted: "weight bytes + 4*K*N (f32 activations) + 4*M*N (f32 outputs)",
                                 limits: measurements.limits, roofs: analysis.roofs, best: analysis.points,
                                 crossings: analysis.formats, rows: measurements.rows,
                                 failures: measurements.failures))
        return notebook
    }

    static func setup(_ s: RooflineSettings, _ analysis: RooflineAnalysis) -> String {
        let text = RooflineFindings.text
        let cache = HostCacheSizes(.current).lastLevel
        let q4 = MatmulTraffic(format: .q4_0, m: s.m, k: s.k).weightBytes
        return text("setup", [
            "m": String(s.m), "k": String(s.k), "formats": s.formats.map(\.name).joined(separator: ", "), "q4_bytes": Cell.bytes(q4),
            "cache_ratio": cache > 0 ? text("setup.cache-ratio", ["ratio": Cell.fixed(q4 / Double(cache), 2), "cache": Cell.bytes(Double(cache))]) : "",
            "residency": text(Double(cache) < q4 ? "setup.streams" : "setup.cached"),
            "ns": s.ns.map(String.init).joined(separator: ", "),
            "single_methods": RooflineSettings.singleThreadMethods.joined(separator: " and "),
            "multi_methods": RooflineSettings.multiThreadMethods.joined(separator: " and "),
            "multi_threads": s.threadCounts.filter { $0 > 1 }.map(String.init).joined(separator: ", "),
            "repetitions": s.repetitions == 1 ? "1 run" : "\(s.repetitions) runs",
        ])
    }

    /// "rows: N = 1-4; tiled: N = 8-512": runs of consecutive N won by the same method.
    static func winners(_ points: [RooflinePoint]) -> String {
        var runs: [(method: String, first: Int, last: Int)] = []
        for p in points {
            if let last = runs.last, last.method == p.method { runs[runs.count - 1].last = p.n } else { runs.append((p.method, p.n, p.n)) }
        }
        return runs.map { "\($0.method): N = \($0.first == $0.last ? "\($0.first)" : "\($0.first)–\($0.last)")" }.joined(separator: "; ")
    }

    static func limitations(_ s: RooflineSettings, quick: Bool) -> String {
        let text = RooflineFindings.text
        let list = text("limitations", ["m": String(s.m), "k": String(s.k),
                                        "threads_item": text(s.threadCounts.count > 1 ? "limitations.threads" : "limitations.one-thread")])
        return quick ? list + "\n" + text("limitations.quick") : list
    }
}
