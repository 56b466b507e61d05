import Foundation

extension BottleneckExperiment {
    /// "9.0M", "1.10B".
    static func parameterLabel(_ count: Int) -> String {
        count >= 1_000_000_000 ? String(format: "%.2fB", Double(count) / 1e9) : String(format: "%.1fM", Double(count) / 1e6)
    }

    /// The format's colour, the same in every chart (the real model's shipped "q4_1 (as shipped)" by its first word).
    static func formatColor(_ format: String) -> String {
        let base = format.split(separator: " ").first.map(String.init) ?? format
        let order = ["q4_0", "q8_0", "q4_K", "q4_1", "q6_K", "q5_0", "f16", "f32"]
        return SVGChart.color(order.firstIndex(of: base) ?? order.count)
    }

    static func threadsLabel(_ t: Int) -> String { t == 1 ? "1 thread" : "\(t) threads" }
}
