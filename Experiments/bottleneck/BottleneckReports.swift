extension BottleneckExperiment {
    /// The fields of `quantlab bench-model --json` this experiment reads.
    struct BenchReport: Decodable {
        struct Row: Decodable {
            let test: String
            let threads: Int
            let tokens_per_second: Double
            let relative_spread: Double
            let profile: [ProfileEntry]?
        }
        struct ProfileEntry: Decodable {
            let operation: String
            let seconds: Double
        }
        let formats: String
        let parameters: Int
        let weight_bytes: Int
        let rows: [Row]
    }

    /// The machine's limits per thread count: the higher of the roofline runs before and after the measurements,
    /// since a busy moment can only lower what a probe measures.
    struct Limits: Codable, Equatable {
        let readGBps: [Int: Double]
        let int8Gops: [Int: Double]

        init(readGBps: [Int: Double], int8Gops: [Int: Double]) {
            self.readGBps = readGBps
            self.int8Gops = int8Gops
        }

        init(_ reports: [RooflineReport], threads: [Int]) {
            func best(_ value: (RooflineReport) -> Double) -> Double { reports.map(value).filter(\.isFinite).max() ?? .nan }
            self.init(readGBps: Dictionary(uniqueKeysWithValues: threads.map { t in (t, best { $0.readGBps(threads: t) }) }),
                      int8Gops: Dictionary(uniqueKeysWithValues: threads.map { t in (t, best { $0.int8Gops(threads: t) }) }))
        }

        /// Decode: the read bandwidth (GB/s); prefill: the int8 peak (Gop/s).
        func limit(_ phase: Phase, threads: Int) -> Double {
            (phase == .decode ? readGBps[threads] : int8Gops[threads]) ?? .nan
        }
    }
}
