import Foundation
import QuantFormats

/// The unpacking notebook: shapes, the widest tier's results and charts, the tiers, q4_0 against q4_K, conclusion.
enum UnpackingNotebook {
    /// What `data/unpacking.json` holds.
    struct Data: Encodable {
        let k: Int, decodeN: Int, prefillN: Int
        let targetBytes: [String: Int]
        let readGBps: Double?
        let best: [UnpackingCase]
        let q4_0OverQ4_K: [FormatRatio]
        let q4_0OverQ8_0: [FormatRatio]
        let rows: [UnpackingMeasurements.Row]
        let failures: [String]
    }

    /// The formats the question is about, charted tier by tier.
    static let focus = ["q4_0", "q4_K", "q8_0"]

    static func make(_ measurements: UnpackingMeasurements, _ a: UnpackingAnalysis, quick: Bool) throws -> Notebook {
        let s = measurements.settings
        let formats = s.formats.map(\.name)
        let ns = [s.decodeN, s.prefillN]
        let tiers = (a.cases.contains { $0.tier == "scalar" } ? ["scalar"] : []) + s.tiers
        let widest = s.tiers.last ?? "portable"
        let findings = UnpackingFindings(a, measurements: measurements, tiers: tiers)
        var notebook = Notebook(name: UnpackingExperiment.name, title: "Unpacking: q4_0 against q4_K against q8_0 with weights in L2, L3 and DRAM")
        notebook.headline = findings.headline

        notebook.heading("Setup")
        notebook.text(setup(s, readGBps: measurements.readGBps))
        notebook.table(["weights in", "target"] + formats, Residency.allCases.map { r in
            [r.rawValue, Cell.bytes(Double(s.targetBytes[r] ?? 0))] + s.formats.map { f in
                let m = s.m(f, r)
                return "\(m) × \(s.k) (\(Cell.bytes(Double(m * (f.rowBytes(count: s.k) ?? 0)))))"
            }
        })

        notebook.heading("The widest instruction set (\(widest))")
        for n in ns {
            notebook.chart(UnpackingCharts.residencies(a, tier: widest, n: n, formats: formats), id: "\(widest)-n\(n)",
                           caption: "\(widest), N = \(n): weights multiplied per nanosecond, per format, with the weights sized for L2, L3 and DRAM.")
        }
        notebook.text("Per format and residency, the fastest \(widest) kernel: weights per ns = M·K·N / seconds / 1e9; GB/s counts weight bytes only\(measurements.readGBps.map { " (read bandwidth, 1 thread: \(Cell.fixed($0)) GB/s)" } ?? "").")
        notebook.table(["format", "weights in"] + ns.flatMap { ["N=\($0) w/ns", "N=\($0) GB/s", "N=\($0) GFLOP/s", "N=\($0) method"] },
                       formats.flatMap { f in Residency.allCases.map { r in
            [f, r.rawValue] + ns.flatMap { n -> [String] in
                guard let c = a.lookup(widest, f, r, n: n) else { return ["-", "-", "-", "-"] }
                return [Cell.fixed(c.weightsPerNanosecond, 2), Cell.fixed(c.weightGBps), Cell.fixed(c.gflops), c.method]
            }
        } })

        notebook.heading("Instruction-set tiers")
        notebook.text("The fastest kernel of each tier: the row kernel at N = \(s.decodeN); at N = \(s.prefillN) the faster of the row and tiled kernels where a tier has both. The scalar reference only where it is cheap (N = \(s.decodeN), and N = \(s.prefillN) with weights in L2).")
        for n in ns {
            notebook.chart(UnpackingCharts.tiers(a, tiers: tiers, n: n, formats: focus.filter(formats.contains)), id: "tiers-n\(n)",
                           caption: "Weights per nanosecond by instruction-set tier, N = \(n), for \(focus.joined(separator: ", ")).")
            notebook.table(["format", "weights in"] + tiers.map { "\($0) w/ns" }, formats.flatMap { f in Residency.allCases.map { r in
                [f, r.rawValue] + tiers.map { t in a.lookup(t, f, r, n: n).map { Cell.fixed($0.weightsPerNanosecond, 2) } ?? "-" }
            } })
        }

        notebook.heading("q4_0 against q4_K (and q8_0)")
        notebook.text("q4_0's weights per ns over the other format's, per tier, N and residency (above 1: q4_0 is faster; within ±\(Cell.percent(FormatRatio.tieBand)) counts as a tie). q4_0 and q4_K both take 4.5 bits per weight, so with the same bytes to move any gap between them is the cost of unpacking and multiplying; q8_0 takes \(Cell.fixed(GGMLType.q8_0.bitsPerWeight, 1)).")
        for other in ["q4_K", "q8_0"] where formats.contains(other) {
            notebook.table(["q4_0 / \(other)", "N"] + Residency.allCases.map { "weights in \($0.rawValue)" }, tiers.flatMap { t in ns.map { n in
                [t, String(n)] + Residency.allCases.map { r in a.ratio(t, r, n: n, "q4_0", over: other).map(ratioCell) ?? "-" }
            } })
        }

        notebook.casesLeftOut(measurements.failures)
        notebook.heading("Conclusion")
        notebook.text(findings.conclusion)
        notebook.heading("What this experiment cannot show")
        notebook.text(limitations(s, quick: quick))

        try notebook.attach(Data(k: s.k, decodeN: s.decodeN, prefillN: s.prefillN,
                                 targetBytes: Dictionary(uniqueKeysWithValues: s.targetBytes.map { ($0.key.rawValue, $0.value) }),
                                 readGBps: measurements.readGBps, best: a.cases,
                                 q4_0OverQ4_K: a.ratios("q4_0", over: "q4_K", tiers: tiers, ns: ns),
                                 q4_0OverQ8_0: a.ratios("q4_0", over: "q8_0", tiers: tiers, ns: ns),
                                 rows: measurements.rows, failures: measurements.failures))
        return notebook
    }

    static func ratioCell(_ r: FormatRatio) -> String {
        "\(Cell.ratio(r.ratio)) (\(r.winner ?? "tie"))"
    }

    static func setup(_ s: UnpackingSettings, readGBps: Double?) -> String {
        let caches = HostCacheSizes(.current)
        func share(_ r: Residency, _ cache: Int) -> String {
            cache > 0 ? "\(Cell.fixed(Double(s.targetBytes[r] ?? 0) / Double(cache), 2))x" : "?"
        }
        return """
            Each format's matrix is sized so its weight bytes come to about \(share(.l2, caches.level2)) L2 \
            (\(Cell.bytes(Double(caches.level2)))), \(share(.l3, caches.lastLevel)) L3 (\(Cell.bytes(Double(caches.lastLevel)))) and \
            \(share(.dram, caches.lastLevel)) L3, as this host reports its caches; K = \(s.k) (a multiple \
            of 256, so the K-quants apply) and M is rounded to a multiple of 16. Timed at N = \(s.decodeN) (decode) and \
            N = \(s.prefillN) (prefill), 1 thread, each kernel verified against the f64 reference first, median of up to \
            \(s.repetitions) run\(s.repetitions == 1 ? "" : "s") after a warm-up (one run for prefill over weights in DRAM, which takes seconds). Tiers: the scalar \
            reference, \(s.tiers.joined(separator: ", ")); each variant with its default parameters (no tuning database).
            """
    }

    static func limitations(_ s: UnpackingSettings, quick: Bool) -> String {
        let activations = 4 * s.k * s.prefillN
        let fits = activations + (s.targetBytes[.l2] ?? 0) <= HostCacheSizes(.current).level2
        var text = """
            - The residency is set by size, not observed: no cache-miss counters were read. At N = \(s.prefillN) the f32 \
            activations take \(Cell.bytes(Double(activations)))\(fits ? "" : ", which with the weights do not fit in L2, so \"weights in L2\" says where the weights are, not that the whole working set is").
            - The benchmark matrices repeat a few dozen distinct quantized rows of Gaussian values; the bytes moved and the work \
            are those of a real matrix, but the values are not a model's.
            - These are this project's kernels, not llama.cpp's: the paper's q4_0-over-q4_K result comes from llama.cpp's kernels \
            on other CPUs. Our q4_K tiled kernel repacks the weights once at load and unpacks the 6-bit scales and minimums to \
            floats then, which takes most of q4_K's extra unpacking out of the prefill loop; llama.cpp's row kernels do it in the loop.
            - One thread, one K; kernels' default parameters. A tuned choice can move either format.
            """
        if quick { text += "\n- This is a quick run: every matrix fits in cache and N = \(s.prefillN), so the residency labels do not hold and the figures are not findings." }
        return text
    }
}
