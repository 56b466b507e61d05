/// The fields of `quantlab bench-model --json` that the experiments read: one decoder for all of them.
struct BenchModelReport: Decodable {
    struct ProfileEntry: Decodable {
        let operation: String
        let seconds: Double
        let calls: Int
    }
    struct Row: Decodable {
        let test: String
        let threads: Int
        let db: String
        let tokens_per_second: Double
        let relative_spread: Double
        let ratio_to_first: Double
        let profile: [ProfileEntry]?
    }
    let formats: String
    let parameters: Int
    let weight_bytes: Int
    let rows: [Row]
}
