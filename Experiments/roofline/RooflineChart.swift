import Foundation

/// The roofline chart of one thread count: the two ceilings as dashed lines and each format's best kernels as a
/// line of points over N (left to right: N = 1 up to the largest N), on log-log axes.
enum RooflineChart {
    static let bandwidthColor = "#555555"
    static let peakColor = "#c0392b"

    static func svg(_ analysis: RooflineAnalysis, roof: Roof, formats: [String]) -> String {
        let mine = analysis.points.filter { $0.threads == roof.threads }
        let xs = mine.map(\.intensity)
        // The roof drawn across the data's intensities and through the ridge, so its bend is always visible.
        let low = min(xs.min() ?? 1, roof.ridge) / 1.5
        let high = max(xs.max() ?? 1, roof.ridge) * 1.5
        var series: [XYChart.Series] = [
            .init("read \(Cell.fixed(roof.bandwidthGBps)) GB/s x intensity", [(low, roof.bandwidthGBps * low), (roof.ridge, roof.peakGops)],
                  style: .dashed, color: bandwidthColor),
            .init("int8 peak \(Cell.fixed(roof.peakGops, 0)) Gop/s", [(roof.ridge, roof.peakGops), (high, roof.peakGops)],
                  style: .dashed, color: peakColor),
        ]
        for (i, format) in formats.enumerated() {
            let points = RooflineAnalysis.points(mine, format: format, threads: roof.threads)
            series.append(.init(format, points.map { ($0.intensity, $0.gflops) }, style: .lineAndMarkers, color: SVGChart.color(i)))
        }
        let chart = XYChart(title: "Roofline, \(roof.threads) thread\(roof.threads == 1 ? "" : "s"): best kernel per format at each N",
                            xLabel: "arithmetic intensity (operations per byte of compulsory traffic)", yLabel: "GFLOP/s",
                            logX: true, logY: true, series: series)
        return chart.svg
    }
}
