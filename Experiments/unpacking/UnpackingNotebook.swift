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
        let text = UnpackingFindings.text
        var notebook = Notebook(name: UnpackingExperiment.name, title: text("title"))
        notebook.headline = findings.headline

        notebook.heading("Setup")
        notebook.text(setup(s, readGBps: measurements.readGBps))
        notebook.table(["weights in", "target"] + formats, Residency.allCases.map { r in
            [r.rawValue, Cell.bytes(Double(s.targetBytes[r] ?? 0))] + s.formats.map { f in
                let m = s.m(f, r)
                return "\(m) × \(s.k) (\(Cell.bytes(Double(m * (f.rowBytes(count: s.k) ?? 0)))))"
            }
        })

        notebook.heading(text("widest.heading", ["tier": widest]))
        for n in ns {
            notebook.chart(UnpackingCharts.residencies(a, tier: widest, n: n, formats: formats), id: "\(widest)-n\(n)",
                           caption: text("widest.caption", ["tier": widest, "n": String(n)]))
        }
        notebook.text(text("widest.table", ["tier": widest, "bandwidth": measurements.readGBps.map { " " + text("widest.bandwidth", ["gbps": Cell.fixed($0)]) } ?? ""]))
        notebook.table(["format", "weights in"] + ns.flatMap { ["N=\($0) w/ns", "N=\($0) GB/s", "N=\($0) GFLOP/s", "N=\($0) method"] },
                       formats.flatMap { f in Residency.allCases.map { r in
            [f, r.rawValue] + ns.flatMap { n -> [String] in
                guard let c = a.lookup(widest, f, r, n: n) else { return ["-", "-", "-", "-"] }
                return [Cell.fixed(c.weightsPerNanosecond, 2), Cell.fixed(c.weightGBps), Cell.fixed(c.gflops), c.method]
            }
        } })

        notebook.heading(text("tiers.heading"))
        notebook.text(text("tiers", ["decode_n": String(s.decodeN), "prefill_n": String(s.prefillN)]))
        for n in ns {
            notebook.chart(UnpackingCharts.tiers(a, tiers: tiers, n: n, formats: focus.filter(formats.contains)), id: "tiers-n\(n)",
                           caption: text("tiers.caption", ["n": String(n), "formats": focus.joined(separator: ", ")]))
            notebook.table(["format", "weights in"] + tiers.map { "\($0) w/ns" }, formats.flatMap { f in Residency.allCases.map { r in
                [f, r.rawValue] + tiers.map { t in a.lookup(t, f, r, n: n).map { Cell.fixed($0.weightsPerNanosecond, 2) } ?? "-" }
            } })
        }

        notebook.heading(text("ratios.heading"))
        notebook.text(text("ratios", ["tie": Cell.percent(FormatRatio.tieBand), "q8_bits": Cell.fixed(GGMLType.q8_0.bitsPerWeight, 1)]))
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
        return UnpackingFindings.text("setup", [
            "l2_share": share(.l2, caches.level2), "l2": Cell.bytes(Double(caches.level2)), "l3_share": share(.l3, caches.lastLevel),
            "l3": Cell.bytes(Double(caches.lastLevel)), "dram_share": share(.dram, caches.lastLevel), "k": String(s.k),
            "decode_n": String(s.decodeN), "prefill_n": String(s.prefillN), "tiers": s.tiers.joined(separator: ", "),
            "repetitions": s.repetitions == 1 ? "1 run" : "\(s.repetitions) runs",
        ])
    }

    static func limitations(_ s: UnpackingSettings, quick: Bool) -> String {
        let text = UnpackingFindings.text
        let activations = 4 * s.k * s.prefillN
        let fits = activations + (s.targetBytes[.l2] ?? 0) <= HostCacheSizes(.current).level2
        let list = text("limitations", ["prefill_n": String(s.prefillN), "activations": Cell.bytes(Double(activations)),
                                        "overflow": fits ? "" : text("limitations.overflow")])
        return quick ? list + "\n" + text("limitations.quick", ["prefill_n": String(s.prefillN)]) : list
    }
}
