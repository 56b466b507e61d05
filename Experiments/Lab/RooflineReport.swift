/// The fields of `quantlab roofline --json` the experiments read: the limits by thread count (the JSON object's
/// keys), in one place for every experiment that measures them.
struct RooflineReport: Decodable {
    struct Limits: Decodable {
        let readGBps: [String: Double]
        let int8Gops: [String: Double]

        enum CodingKeys: String, CodingKey { case readGBps = "read_gbps", int8Gops = "int8_gops" }
    }
    let limits: Limits

    func readGBps(threads: Int) -> Double { limits.readGBps[String(threads)] ?? .nan }
    func int8Gops(threads: Int) -> Double { limits.int8Gops[String(threads)] ?? .nan }

    /// 2-thread over 1-thread value of a limit, each the highest of the runs (a busy moment can only lower a
    /// probe); nan when either is missing.
    static func gain(_ reports: [RooflineReport], _ table: (Limits) -> [String: Double]) -> Double {
        func best(_ threads: String) -> Double { reports.compactMap { table($0.limits)[threads] }.max() ?? .nan }
        return best("2") / best("1")
    }
}
