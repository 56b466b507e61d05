import Foundation

extension BottleneckExperiment {
    static let text = NotebookText(experiment: "bottleneck")

    static func notebook(_ r: Results) throws -> Notebook {
        let ends = ["smallest": r.ladder.first ?? "?", "largest": r.ladder.last ?? "?"]
        var nb = Notebook(name: name, title: text("title", ends))
        nb.headline = headline(r)
        nb.heading("Question")
        nb.text(text("question", ends.merging([
            "formats": r.formats.joined(separator: ", "),
            "real": r.realModel.map { text("question.real", ["model": $0]) + " " } ?? "",
            "gen": String(r.genTokens), "prompt": String(r.promptTokens),
            "threads": r.threads.map(String.init).joined(separator: " and "),
        ]) { $1 }))
        setupSection(&nb, r)
        decodeSection(&nb, r)
        trafficSection(&nb, r)
        prefillSection(&nb, r)
        threadSection(&nb, r)
        profileSection(&nb, r)
        conclusion(&nb, r)
        try nb.attach(r)
        return nb
    }

    static func setupSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Models and limits")
        nb.text(text("setup"))
        if let real = r.realModel {
            nb.text(text("setup.real", ["model": real]))
        } else if let why = r.realModelSkipped {
            nb.text(text("setup.real-skipped", ["why": why]))
        }
        var rows: [[String]] = []
        for model in inOrder(r.points.map(\.model)) {
            let mine = r.points.filter { $0.model == model && $0.phase == .decode && $0.threads == r.threads.first }
            guard let any = mine.first else { continue }
            let f = any.footprint
            rows.append([model, any.real ? "real" : "synthetic", "\(f.dim) x \(f.layers)", parameterLabel(f.parameters)]
                        + [mine.map { "\($0.format): \(Cell.bytes($0.footprint.decodeBytesPerToken(genTokens: r.genTokens)))" }.joined(separator: "; ")])
        }
        nb.table(["model", "kind", "width x layers", "parameters", "bytes read per decoded token, by format"], rows)
        nb.text(text("setup.bytes", ["gen": String(r.genTokens)]))
        nb.text(text("setup.limits"))
        nb.table(["threads", "read bandwidth (GB/s)", "int8 peak (Gop/s)"], r.threads.map {
            [String($0), Cell.fixed(r.readGBps[$0] ?? .nan), Cell.fixed(r.int8Gops[$0] ?? .nan, 0)]
        })
        nb.text(text("setup.cache", ["cache": Cell.bytes(Double(r.lastLevelCacheBytes))]))
    }

    static func decodeSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading(text("decode.heading"))
        nb.text(text("decode"))
        nb.table(["model", "format", "bytes/token", "in cache"] + r.threads.flatMap { ["tok/s \($0)t", "GB/s \($0)t", "share \($0)t"] } + ["spread"],
                 rows(r, phase: .decode) { p in [Cell.fixed(p.tokensPerSecond), Cell.fixed(p.achieved), Cell.percent(p.share)] })
        nb.chart(speedChart(r, phase: .decode), id: "decode-speed",
                 caption: text("decode.speed-caption"))
        nb.chart(shareChart(r, phase: .decode), id: "decode-share",
                 caption: text("decode.share-caption"))
    }

    /// One row per model and format: bytes per token, whether they fit in cache, then `cells` per thread count.
    static func rows(_ r: Results, phase: Phase, _ cells: (Point) -> [String]) -> [[String]] {
        var rows: [[String]] = []
        for model in inOrder(r.points.map(\.model)) {
            for format in inOrder(r.points.filter { $0.model == model }.map(\.format)) {
                let mine = r.points.filter { $0.model == model && $0.format == format && $0.phase == phase }
                guard let first = mine.first else { continue }
                let bytes = first.footprint.decodeBytesPerToken(genTokens: r.genTokens)
                var row = [model, format, phase == .decode ? Cell.bytes(bytes) : Cell.fixed(first.footprint.prefillOpsPerToken(promptTokens: r.promptTokens) / 1e6, 1) + " Mop",
                           bytes <= Double(r.lastLevelCacheBytes) ? "yes" : "no"]
                for t in r.threads {
                    row += mine.first { $0.threads == t }.map(cells) ?? cells(first).map { _ in "-" }
                }
                row.append("±" + Cell.percent(mine.map(\.relativeSpread).max() ?? .nan))
                rows.append(row)
            }
        }
        return rows
    }

    static func trafficSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading(text("traffic.heading"))
        nb.text(text("traffic"))
        nb.table(["threads", "models x formats", "fixed cost per token (µs)", "bandwidth the line implies (GB/s)", "measured read GB/s", "R²"],
                 r.trafficFits.map { f in
                     [String(f.threads), String(f.fit.count), Cell.fixed(f.overheadMicroseconds), Cell.fixed(f.effectiveGBps),
                      Cell.fixed(r.readGBps[f.threads] ?? .nan), Cell.fixed(f.fit.r2, 3)]
                 })
        nb.chart(trafficChart(r), id: "decode-traffic", caption: text("traffic.caption"))
        nb.text(text("traffic.elasticity"))
        nb.table(["model", "parameters", "threads", "q8_0/q4_0 bytes", "q8_0/q4_0 time", "elasticity", "q4_K/q4_0 time"],
                 r.byteElasticities.map { e in
                     let unpack = r.unpackRatios.first { $0.model == e.model && $0.threads == e.threads }
                     return [e.model, parameterLabel(e.parameters), String(e.threads), Cell.ratio(e.bytesRatio), Cell.ratio(e.timeRatio),
                             Cell.fixed(e.elasticity, 2), unpack.map { Cell.ratio($0.timeRatio) } ?? "-"]
                 })
    }

    static func prefillSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading(text("prefill.heading"))
        nb.text(text("prefill", ["prompt": String(r.promptTokens)]))
        nb.table(["model", "format", "work/token", "in cache"] + r.threads.flatMap { ["tok/s \($0)t", "Gop/s \($0)t", "share \($0)t"] } + ["spread"],
                 rows(r, phase: .prefill) { p in [Cell.fixed(p.tokensPerSecond), Cell.fixed(p.achieved, 0), Cell.percent(p.share)] })
        nb.chart(speedChart(r, phase: .prefill), id: "prefill-speed", caption: text("prefill.speed-caption"))
        nb.chart(shareChart(r, phase: .prefill), id: "prefill-share", caption: text("prefill.share-caption"))
    }

    static func threadSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.threadGains.isEmpty else { return }
        nb.heading(text("threads.heading"))
        var rows: [[String]] = []
        for model in inOrder(r.threadGains.map(\.model)) {
            for format in inOrder(r.threadGains.filter { $0.model == model }.map(\.format)) {
                let g = r.threadGains.filter { $0.model == model && $0.format == format }
                rows.append([model, format] + [Phase.decode, .prefill].map { phase in
                    g.first { $0.phase == phase }.map { Cell.ratio($0.speedup) } ?? "-"
                })
            }
        }
        nb.table(["model", "format", "decode 2t / 1t", "prefill 2t / 1t"], rows)
        nb.chart(threadChart(r), id: "threads", caption: text("threads.caption"))
    }

    static func profileSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.profiles.isEmpty else { return }
        nb.heading(text("profile.heading"))
        nb.text(text("profile"))
        nb.table(["model", "format", "test", "threads", "run (ms)"] + Profile.groupNames, r.profiles.map { p in
            [p.model, p.format, p.phase.rawValue, String(p.threads), Cell.fixed(p.total * 1e3, 2)] + Profile.groupNames.map { Cell.percent(p.share($0), 1) }
        })
        nb.chart(profileChart(r), id: "profile", caption: text("profile.caption"))
    }
}
