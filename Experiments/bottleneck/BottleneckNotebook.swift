import Foundation

extension BottleneckExperiment {
    static func notebook(_ r: Results) throws -> Notebook {
        var nb = Notebook(name: name, title: "Where decode and prefill meet the machine's limits, from \(r.ladder.first ?? "?") to \(r.ladder.last ?? "?") parameters")
        nb.headline = headline(r)
        nb.heading("Question")
        nb.text("""
            Song et al. ("A Systematic Evaluation of On-Device LLMs", arXiv 2505.15030) ran Qwen2.5 0.5B-14B in \
            llama.cpp formats on laptop CPUs and found resource use growing linearly with bits per weight, and the \
            decode bottleneck moving between memory traffic and computation as models shrink. This notebook asks the \
            same of this lab's inference code on this machine: synthetic Llama-shaped models from \
            \(r.ladder.first ?? "?") to \(r.ladder.last ?? "?") parameters in \(r.formats.joined(separator: ", ")), \
            \(r.realModel.map { "plus \($0) as the real point, " } ?? "")timed with `quantlab bench-model` \
            (tg\(r.genTokens): decode one token at a time; pp\(r.promptTokens): one prompt batch) at \
            \(r.threads.map(String.init).joined(separator: " and ")) threads, against the read bandwidth and int8 \
            peak `quantlab roofline` measured in the same run.
            """)
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
        nb.text("""
            The ladder keeps Llama proportions (head dimension 64, grouped-query attention, SwiGLU width about 2.75x \
            the model width, a separate output matrix); the largest rung has TinyLlama-1.1B's shape. Each model is \
            written by `SyntheticModel` in one format for every matrix, measured, and deleted. Weights are seeded \
            random numbers: speed does not depend on their values. Kernels follow the default rule (a tuning \
            database with no entries), so no run depends on what this machine has tuned.
            """)
        if let real = r.realModel {
            nb.text("""
                The real point, \(real), is measured as shipped and as `quantlab quantize --type T` copies with one type \
                for every matrix, like the ladder (a llama.cpp `--mix` would give its tied embedding and output q6_K).
                """)
        } else if let why = r.realModelSkipped {
            nb.text("The real model was not measured: \(why)")
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
        nb.text("""
            Bytes read per decoded token count every matrix a decode step multiplies (each block's seven and the \
            output projection; the token embedding's one looked-up row is left out unless it is also the output, as \
            in SmolLM2) plus the f32 keys and values attention reads, averaged over the tg\(r.genTokens) run \
            ((\(r.genTokens) + 1) / 2 cached positions per layer). Activations are not counted.
            """)
        nb.text("The limits, measured by `quantlab roofline` before and after the models (the higher of the two runs: a busy moment can only lower a probe):")
        nb.table(["threads", "read bandwidth (GB/s)", "int8 peak (Gop/s)"], r.threads.map {
            [String($0), Cell.fixed(r.readGBps[$0] ?? .nan), Cell.fixed(r.int8Gops[$0] ?? .nan, 0)]
        })
        nb.text("Last-level cache: \(Cell.bytes(Double(r.lastLevelCacheBytes))). A model whose bytes per token fit in it need not read memory at all, and can beat the read-bandwidth limit.")
    }

    static func decodeSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Decode: tokens per second and the bandwidth limit")
        nb.text("""
            Achieved bandwidth = bytes read per decoded token x tokens/s; its share of the limit = that over the read \
            bandwidth measured at the same thread count. A share near 100% means the step is as fast as streaming its \
            bytes from memory allows; well below, the time goes elsewhere (arithmetic, unpacking, per-layer overhead).
            """)
        nb.table(["model", "format", "bytes/token", "in cache"] + r.threads.flatMap { ["tok/s \($0)t", "GB/s \($0)t", "share \($0)t"] } + ["spread"],
                 rows(r, phase: .decode) { p in [Cell.fixed(p.tokensPerSecond), Cell.fixed(p.achieved), Cell.percent(p.share)] })
        nb.chart(speedChart(r, phase: .decode), id: "decode-speed",
                 caption: "Decode tokens/s against parameters (log-log); solid 1 thread, dashed 2 threads; markers: the real model")
        nb.chart(shareChart(r, phase: .decode), id: "decode-share",
                 caption: "Decode: achieved bandwidth as a share of the measured read bandwidth at the same thread count")
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
        nb.heading("Does decode time follow bytes?")
        nb.text("""
            If decode were purely bandwidth-bound, time per token would be bytes per token over a fixed bandwidth: a \
            straight line through zero. A least-squares line over the synthetic models at each thread count (each \
            point weighted by 1 / time², so that every model counts by its relative error, not by its size) gives \
            that bandwidth (1 / slope) and the time a token costs whatever its bytes (the intercept).
            """)
        nb.table(["threads", "models x formats", "fixed cost per token (µs)", "bandwidth the line implies (GB/s)", "measured read GB/s", "R²"],
                 r.trafficFits.map { f in
                     [String(f.threads), String(f.fit.count), Cell.fixed(f.overheadMicroseconds), Cell.fixed(f.effectiveGBps),
                      Cell.fixed(r.readGBps[f.threads] ?? .nan), Cell.fixed(f.fit.r2, 3)]
                 })
        nb.chart(trafficChart(r), id: "decode-traffic", caption: "Time per decoded token against MB read per token (log-log), with each thread count's line")
        nb.text("""
            The same question per model: q8_0 reads about 1.9x the bytes of q4_0 (8.5 against 4.5 bits per weight) \
            with the same multiply-adds. Elasticity = log(time ratio) / log(byte ratio): 1 when time is proportional \
            to bytes (bandwidth-bound), 0 when the extra bytes cost nothing (compute- or overhead-bound). q4_K reads \
            the same bytes as q4_0, so its time ratio is the price of its costlier unpacking.
            """)
        nb.table(["model", "parameters", "threads", "q8_0/q4_0 bytes", "q8_0/q4_0 time", "elasticity", "q4_K/q4_0 time"],
                 r.byteElasticities.map { e in
                     let unpack = r.unpackRatios.first { $0.model == e.model && $0.threads == e.threads }
                     return [e.model, parameterLabel(e.parameters), String(e.threads), Cell.ratio(e.bytesRatio), Cell.ratio(e.timeRatio),
                             Cell.fixed(e.elasticity, 2), unpack.map { Cell.ratio($0.timeRatio) } ?? "-"]
                 })
    }

    static func prefillSection(_ nb: inout Notebook, _ r: Results) {
        nb.heading("Prefill: tokens per second and the int8 peak")
        nb.text("""
            Prefill work per token = 2 operations (multiply, add) per weight of every block matrix, the output \
            projection once per batch (bench-model asks for the last token's logits only), and attention's q.k and \
            p.v products over (\(r.promptTokens) + 1) / 2 positions on average. Its share of the limit = Gop/s over \
            the int8 dot-product peak at the same thread count (activations are quantized to int8 before the \
            products, so that is the ceiling the kernels' inner loops face).
            """)
        nb.table(["model", "format", "work/token", "in cache"] + r.threads.flatMap { ["tok/s \($0)t", "Gop/s \($0)t", "share \($0)t"] } + ["spread"],
                 rows(r, phase: .prefill) { p in [Cell.fixed(p.tokensPerSecond), Cell.fixed(p.achieved, 0), Cell.percent(p.share)] })
        nb.chart(speedChart(r, phase: .prefill), id: "prefill-speed", caption: "Prefill tokens/s against parameters (log-log)")
        nb.chart(shareChart(r, phase: .prefill), id: "prefill-share", caption: "Prefill: useful Gop/s as a share of the measured int8 peak")
    }

    static func threadSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.threadGains.isEmpty else { return }
        nb.heading("What the second thread buys")
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
        nb.chart(threadChart(r), id: "threads", caption: "Tokens/s at 2 threads over 1 thread; below 1.0 the second thread costs more than it gives")
    }

    static func profileSection(_ nb: inout Notebook, _ r: Results) {
        guard !r.profiles.isEmpty else { return }
        nb.heading("Where the time goes")
        nb.text("""
            `bench-model --profile` times each operation of one extra run (q4_0, smallest and largest rung). Matrix \
            products are the part that streams weights; attention (scores, softmax, RoPE, cache writes) and the rest \
            (norms, residual adds, SwiGLU, embedding lookup) cost per token and per layer whatever the format.
            """)
        nb.table(["model", "format", "test", "threads", "run (ms)"] + Profile.groupNames, r.profiles.map { p in
            [p.model, p.format, p.phase.rawValue, String(p.threads), Cell.fixed(p.total * 1e3, 2)] + Profile.groupNames.map { Cell.percent(p.share($0), 1) }
        })
        nb.chart(profileChart(r), id: "profile", caption: "Share of each profiled run's time by operation group")
    }
}
