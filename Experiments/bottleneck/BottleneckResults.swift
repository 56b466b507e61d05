extension BottleneckExperiment {
    /// Everything the notebook is made from, written to data/bottleneck.json.
    struct Results: Codable {
        let promptTokens: Int
        let genTokens: Int
        let threads: [Int]
        let formats: [String]
        /// Rung labels, smallest first.
        let ladder: [String]
        /// The real model's name, or nil when it was not measured.
        let realModel: String?
        /// Why the real model was not measured, when it was not.
        let realModelSkipped: String?
        /// Measured by `quantlab roofline`, keyed by thread count.
        let readGBps: [Int: Double]
        let int8Gops: [Int: Double]
        let lastLevelCacheBytes: Int
        let points: [Point]
        let profiles: [Profile]
        let trafficFits: [TrafficFit]
        /// q8_0 over q4_0 (twice the bytes, the same arithmetic per weight).
        let byteElasticities: [ByteElasticity]
        /// q4_K over q4_0: the same 4.5 bits per weight, a costlier unpack.
        let unpackRatios: [ByteElasticity]
        let threadGains: [ThreadGain]

        var synthetic: [Point] { points.filter { !$0.real } }
        func decode(threads: Int) -> [Point] { points.filter { $0.phase == .decode && $0.threads == threads } }
        func prefill(threads: Int) -> [Point] { points.filter { $0.phase == .prefill && $0.threads == threads } }
        var smallestRung: String? { ladder.first }
        var largestRung: String? { ladder.last }

        func point(_ model: String, _ format: String, _ threads: Int, _ phase: Phase) -> Point? {
            points.first { $0.model == model && $0.format == format && $0.threads == threads && $0.phase == phase }
        }
    }
}
