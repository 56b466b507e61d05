import Foundation
import Model
import QuantFormats

extension BottleneckExperiment {
    /// What bench-model reported for one model file, as points against the machine's limits.
    struct Measured {
        var points: [Point] = []
        var profiles: [Profile] = []
    }

    /// Times one model file with `quantlab bench-model` (decode and prefill at every thread count) and turns the
    /// rows into points. `database` is a tuning database path with no entries, so every run uses the same default
    /// kernel rule whatever database this machine holds.
    static func measure(path: String, model: String, real: Bool, format: String?, settings: Settings, repetitions: Int,
                        profile: Bool, database: String, limits: Limits, lab: Lab) throws -> Measured {
        let footprint = Footprint(try TransformerModel.load(path: path))
        var arguments = ["bench-model", path, "--threads", settings.threads.map(String.init).joined(separator: ","),
                         "--prompt-tokens", String(settings.promptTokens), "--gen-tokens", String(settings.genTokens),
                         "--repetitions", String(repetitions), "--db", database]
        if profile { arguments.append("--profile") }
        let report = try lab.quantlab(BenchModelReport.self, arguments)
        var measured = Measured()
        for row in report.rows {
            let phase: Phase = row.test.hasPrefix("tg") ? .decode : .prefill
            let achieved = phase == .decode
                ? footprint.decodeBytesPerToken(genTokens: settings.genTokens) * row.tokens_per_second / 1e9
                : footprint.prefillOpsPerToken(promptTokens: settings.promptTokens) * row.tokens_per_second / 1e9
            let limit = limits.limit(phase, threads: row.threads)
            let name = format ?? ((report.formats.split(separator: " ").first.map(String.init) ?? "?") + " (as shipped)")
            measured.points.append(Point(model: model, real: real, format: name, footprint: footprint, threads: row.threads,
                                         phase: phase, tokensPerSecond: row.tokens_per_second,
                                         relativeSpread: row.relative_spread, achieved: achieved, limit: limit))
            if let entries = row.profile {
                var groups: [String: Double] = [:]
                for e in entries { groups[Profile.group(of: e.operation), default: 0] += e.seconds }
                measured.profiles.append(Profile(model: model, format: name, threads: row.threads, phase: phase, groups: groups))
            }
        }
        return measured
    }

    /// Writes one rung in one format, measures it and deletes the file (a 1.1B q8_0 model is 1.2 GB).
    static func measureSynthetic(_ rung: Rung, _ format: GGMLType, settings: Settings, directory: String,
                                 database: String, limits: Limits, lab: Lab) throws -> Measured {
        let spec = rung.spec(format, contextLength: settings.contextLength)
        let path = "\(directory)/synthetic-\(rung.label)-\(format.name).gguf"
        let started = Date()
        try SyntheticModel.write(spec, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        lab.record("SyntheticModel.write(\(rung.label): dim \(rung.dim), \(rung.layers) layers, \(rung.heads)/\(rung.kvHeads) heads, "
                   + "ffn \(rung.ffnDim), vocabulary \(rung.vocabularySize), \(format.name), separate output) to \(path)")
        lab.progress(String(format: "wrote %@ %@ (%.1f M parameters) in %.1f s", rung.label, format.name,
                            Double(spec.parameterCount) / 1e6, Date().timeIntervalSince(started)))
        return try measure(path: path, model: rung.label, real: false, format: format.name, settings: settings,
                           repetitions: rung.repetitions, profile: format == .q4_0 && settings.profiled.contains(rung.label),
                           database: database, limits: limits, lab: lab)
    }

    /// The real model: its shipped file, then each of `settings.realFormats` made by `quantlab quantize --type`
    /// (one type for every matrix, as the synthetic ladder), each deleted after measuring.
    static func measureReal(path: String, settings: Settings, directory: String, database: String,
                            limits: Limits, lab: Lab) throws -> Measured {
        let name = realModelName(path)
        var all = try measure(path: path, model: name, real: true, format: nil, settings: settings, repetitions: 3,
                              profile: false, database: database, limits: limits, lab: lab)
        for format in settings.realFormats {
            let out = "\(directory)/real-\(format.name).gguf"
            try lab.quantlab(["quantize", path, out, "--type", format.name])
            defer { try? FileManager.default.removeItem(atPath: out) }
            let m = try measure(path: out, model: name, real: true, format: format.name, settings: settings, repetitions: 3,
                                profile: false, database: database, limits: limits, lab: lab)
            all.points += m.points
        }
        return all
    }

    /// "SmolLM2-135M-Instruct" from ".../SmolLM2-135M-Instruct.Q4_1.gguf".
    static func realModelName(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return file.split(separator: ".").first.map(String.init) ?? file
    }
}
