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
        var notebook = Notebook(name: RooflineExperiment.name, title: "Roofline: the host's bandwidth and int8 ceilings, and where each format's kernels sit")
        notebook.headline = findings.headline

        notebook.heading("Setup")
        notebook.text(setup(s, analysis))
        notebook.heading("Machine limits")
        notebook.text("Measured once by `quantlab roofline`: streaming reads of a buffer far larger than the last-level cache, and chains of int8 dot-product instructions. The ridge is peak ÷ bandwidth: the intensity where the two ceilings meet.")
        notebook.table(["threads", "read GB/s", "int8 Gop/s", "ridge (ops/byte)"], analysis.roofs.map {
            [String($0.threads), Cell.fixed($0.bandwidthGBps), Cell.fixed($0.peakGops, 0), Cell.fixed($0.ridge)]
        })

        for roof in analysis.roofs {
            notebook.heading("\(roof.threads) thread\(roof.threads == 1 ? "" : "s")")
            notebook.chart(RooflineChart.svg(analysis, roof: roof, formats: formats), id: "threads-\(roof.threads)",
                           caption: "Best kernel per format at N = \(s.ns.map(String.init).joined(separator: ", ")) (left to right), \(roof.threads) thread(s), against the measured roof (dashed).")
            notebook.text("GFLOP/s of the fastest variant and, in brackets, its fraction of the roof min(peak, bandwidth × intensity) at that N. Bold: the intensity is past the ridge (the int8 peak is the roof).")
            notebook.table(["format"] + s.ns.map { "N=\($0)" }, formats.map { format in
                [format] + s.ns.map { n in
                    guard let p = analysis.point(format: format, threads: roof.threads, n: n) else { return "-" }
                    let cell = "\(Cell.fixed(p.gflops, 0)) (\(Cell.percent(p.fractionOfRoof)))"
                    return p.bandwidthBound ? cell : "**\(cell)**"
                }
            })
            notebook.text("Which method was fastest, by N:")
            notebook.table(["format", "fastest method by N"], formats.map { format in
                [format, winners(analysis.points(format: format, threads: roof.threads))]
            })
        }

        notebook.heading("Intensity and the ridge, per format")
        notebook.text("Model N: the N at which the intensity reaches the ridge (solving 2·M·K·N = ridge × (W + 4·K·N + 4·M·N) for N, W the weight bytes). First swept N: the first N of the sweep at or past it. Measured knee: the first N from which doubling N raised the best kernel's GFLOP/s by less than \(Cell.fixed(ThroughputKnee.growthThreshold, 1))x (a bandwidth-bound kernel doubles, a compute-bound one stays level); '-' where throughput kept growing.")
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
        let cache = HostCacheSizes(.current).lastLevel
        let q4 = MatmulTraffic(format: .q4_0, m: s.m, k: s.k).weightBytes
        return """
            One weight matrix of M × K = \(s.m) × \(s.k) in each format (\(s.formats.map(\.name).joined(separator: ", "))); \
            the q4_0 copy takes \(Cell.bytes(q4))\(cache > 0 ? ", \(Cell.fixed(q4 / Double(cache), 2))x the \(Cell.bytes(Double(cache))) last-level cache" : ""), \
            \(Double(cache) < q4 ? "so at small N the 4-bit weights stream from memory" : "so the weights stay in cache and the memory roof does not apply to them"). N = \(s.ns.map(String.init).joined(separator: ", ")) activation columns. \
            Per format, each method's variant at the widest instruction set this CPU runs (what `bench --variant best` takes): \
            \(RooflineSettings.singleThreadMethods.joined(separator: " and ")) at 1 thread, \
            \(RooflineSettings.multiThreadMethods.joined(separator: " and ")) at \(s.threadCounts.filter { $0 > 1 }.map(String.init).joined(separator: ", ")) threads. \
            The scalar reference is left out: it is there to define correct results, not speed. Bench runs without a tuning database, so every \
            variant runs with its default parameters; timings are medians of up to \(s.repetitions) run\(s.repetitions == 1 ? "" : "s") after a warm-up.

            **Arithmetic intensity** = operations / bytes moved from memory, with operations = 2·M·K·N (a multiply and an \
            add per weight and column) and bytes = the weight bytes + 4·K·N (activations read as f32) + 4·M·N (outputs \
            written as f32): the compulsory traffic when every byte crosses the memory bus once. The **roof** at intensity I \
            is min(int8 peak, read bandwidth × I); a point's fraction of the roof is its GFLOP/s over that.
            """
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
        var text = """
            - The intensity counts compulsory traffic only. Row kernels re-read the weights for every group of a few \
            columns, and every kernel quantizes the activations to 8 bits first, so the bytes really moved (and the \
            work really done) differ from the model; the chart places each kernel where an ideal kernel would sit.
            - The ceilings are probes' best cases (one sequential read stream per thread, independent vpdpbusd chains). f16 \
            kernels multiply in floating point, so the int8 peak is not their ceiling; no floating-point peak is measured here.
            - One shape (M × K = \(s.m) × \(s.k)); smaller matrices that fit in cache have a higher bandwidth slope.
            - Default kernel parameters: a tuned choice can move points up, mostly at large N.
            - \(s.threadCounts.count > 1 ? "The threaded runs share one L3 and one memory controller, as on this 2-core machine; more cores would lift both ceilings differently." : "Only one thread was run (the machine has one core).")
            """
        if quick { text += "\n- This is a quick run: a shape that fits in cache and three N, so the figures above are not findings." }
        return text
    }
}
