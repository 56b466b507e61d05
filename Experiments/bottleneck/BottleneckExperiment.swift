import Foundation
import KernelCore

/// Decode and prefill speed of Llama-shaped models from about 9M to 1.1B parameters, per format and thread count,
/// against the machine's measured read bandwidth and int8 peak: where each phase runs into which limit.
public enum BottleneckExperiment: Experiment {
    public static let name = "bottleneck"
    public static let summary = "decode and prefill tokens/s from 9M to 1.1B parameters against the bandwidth and int8 limits: where the bottleneck moves"
    public static let duration = "about 4 min"

    public static func run(_ lab: Lab) throws -> Notebook {
        let settings = Settings.forRun(quick: lab.quick)
        let scratch = try lab.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A database path with no file: every bench uses the default kernel rule, whatever this machine has tuned.
        let noTuning = scratch + "/no-tuning.json"
        let threadList = settings.threads.map(String.init).joined(separator: ",")
        let before = try lab.quantlab(RooflineReport.self, ["roofline", "--threads", threadList])
        let provisional = Limits([before], threads: settings.threads)

        var measured = Measured()
        for rung in settings.rungs {
            for format in settings.formats {
                let m = try measureSynthetic(rung, format, settings: settings, directory: scratch, database: noTuning,
                                             limits: provisional, lab: lab)
                measured.points += m.points
                measured.profiles += m.profiles
            }
        }
        var realModel: String?, skipped: String?
        do {
            let path = try lab.realModelPath()
            realModel = realModelName(path)
            let m = try measureReal(path: path, settings: settings, directory: scratch, database: noTuning, limits: provisional, lab: lab)
            measured.points += m.points
        } catch let error as ExperimentError where realModel == nil {
            // Only a missing model is skipped; a failed measurement of a present one is an error.
            skipped = error.description
            lab.progress("real model skipped: \(error.description)")
        }

        // The limits again after the measurements; each point is judged against the higher of the two.
        let after = try lab.quantlab(RooflineReport.self, ["roofline", "--threads", threadList])
        let limits = Limits([before, after], threads: settings.threads)
        let points = measured.points.map { $0.against(limits.limit($0.phase, threads: $0.threads)) }
        let results = Results(
            promptTokens: settings.promptTokens, genTokens: settings.genTokens, threads: settings.threads,
            formats: settings.formats.map(\.name), ladder: settings.rungs.map(\.label), realModel: realModel,
            realModelSkipped: skipped,
            readGBps: limits.readGBps, int8Gops: limits.int8Gops,
            lastLevelCacheBytes: HostCPU.current.lastLevelCacheBytes, points: points, profiles: measured.profiles,
            trafficFits: Analysis.trafficFits(points, genTokens: settings.genTokens),
            byteElasticities: Analysis.elasticities(points, heavier: "q8_0", lighter: "q4_0", genTokens: settings.genTokens),
            unpackRatios: Analysis.elasticities(points.filter { !$0.real }, heavier: "q4_K", lighter: "q4_0", genTokens: settings.genTokens),
            threadGains: Analysis.threadGains(points))
        return try notebook(results)
    }
}
