import Foundation

/// The unpacking notebook's bar charts, all in weights per nanosecond (comparable across bit widths).
enum UnpackingCharts {
    /// Formats x residency for one tier and N.
    static func residencies(_ a: UnpackingAnalysis, tier: String, n: Int, formats: [String]) -> String {
        var chart = BarChart(title: "\(tier), N = \(n), 1 thread: weights multiplied per ns, by where the weights live",
                             unit: "w/ns", series: Residency.allCases.map { "weights in \($0.rawValue)" },
                             rows: formats.map { f in
                                 BarChart.Row(f, Residency.allCases.map { a.lookup(tier, f, $0, n: n)?.weightsPerNanosecond ?? .nan })
                             })
        chart.valueFormat = "%.2f"
        return chart.svg
    }

    /// ISA tiers side by side for some formats in every residency, at one N.
    static func tiers(_ a: UnpackingAnalysis, tiers: [String], n: Int, formats: [String]) -> String {
        let rows = formats.flatMap { f in
            Residency.allCases.map { r in BarChart.Row("\(f), weights in \(r.rawValue)", tiers.map { a.lookup($0, f, r, n: n)?.weightsPerNanosecond ?? .nan }) }
        }
        var chart = BarChart(title: "Instruction-set tiers, N = \(n), 1 thread: weights multiplied per ns", unit: "w/ns",
                             series: tiers, rows: rows)
        chart.valueFormat = "%.2f"
        return chart.svg
    }
}
