import KernelCore

/// One end-to-end check of a model's tuned decisions: the model's test (ppN or tgN) run with the decisions of one
/// N class and thread count against the defaults, interleaved over repetitions. The group is kept only when the
/// model got faster by more than the measured noise.
public struct EndToEndVerification: Codable, Hashable, Sendable {
    public var key: TuningKey
    /// The model (`ModelWorkload.id`).
    public var workload: String
    public var threads: Int
    /// "pp512" or "tg128"; the decisions it verifies are those of `batch`.
    public var test: String
    public var batch: BatchClass
    /// Decisions of the group that replace the default (0: nothing to verify, the defaults run, no samples).
    public var decisionsTested: Int
    /// Seconds per run, default and tuned, in the order they ran (interleaved pairs).
    public var defaultSeconds: [Double]
    public var tunedSeconds: [Double]
    /// Median over pairs of default time over tuned time: above 1, the tuned decisions are faster.
    public var gain: Double
    /// Half the interquartile range of the pairs' ratios: how much the gain moves between repetitions.
    public var noise: Double
    /// The cores other processes kept busy during the runs (`MachineLoad`); nil where unknown. A busy machine
    /// keeps nothing: its bias repeats, so the noise cannot show it.
    public var otherCores: Double?
    public var kept: Bool

    enum CodingKeys: String, CodingKey {
        case key, workload, threads, test, batch, gain, noise, kept
        case decisionsTested = "decisions_tested", defaultSeconds = "default_seconds", tunedSeconds = "tuned_seconds"
        case otherCores = "other_cores"
    }

    public init(key: TuningKey, workload: String, threads: Int, test: String, batch: BatchClass, decisionsTested: Int,
                defaultSeconds: [Double], tunedSeconds: [Double], otherCores: Double? = nil) {
        self.key = key
        self.workload = workload
        self.threads = threads
        self.test = test
        self.batch = batch
        self.decisionsTested = decisionsTested
        self.defaultSeconds = defaultSeconds
        self.tunedSeconds = tunedSeconds
        let ratios = zip(defaultSeconds, tunedSeconds).map { $0 / $1 }
        let summary = TimingSummary(ratios.isEmpty ? [1] : ratios)
        gain = summary.median
        noise = summary.relativeSpread * summary.median / 2
        self.otherCores = otherCores
        kept = decisionsTested > 0 && gain - 1 > Self.requiredGain(noise: noise) && !Self.busy(otherCores, threads: threads)
    }

    /// Other processes held cores these runs needed.
    public var busy: Bool { Self.busy(otherCores, threads: threads) }

    static func busy(_ otherCores: Double?, threads: Int) -> Bool {
        otherCores.map { MachineLoad.isBusy(otherCores: $0, threads: threads) } ?? false
    }

    /// The end-to-end gain that counts: beyond twice the noise, and at least 1%.
    public static func requiredGain(noise: Double) -> Double { max(0.01, 2 * noise) }

    func sameCell(as other: EndToEndVerification) -> Bool {
        key == other.key && workload == other.workload && threads == other.threads && test == other.test && batch == other.batch
    }
}
