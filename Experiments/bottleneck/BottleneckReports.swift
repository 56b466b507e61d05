extension BottleneckExperiment {
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
