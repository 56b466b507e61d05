import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Experiments

@Suite struct SVGChartTests {
    /// Every chart must be well-formed XML, or a markdown viewer shows a broken image.
    static func parses(_ svg: String) -> Bool { XMLParser(data: Data(svg.utf8)).parse() }

    @Test func barChartIsWellFormedAndEscapesLabels() {
        let chart = BarChart(title: "q4_0 <decode> & prefill", unit: "GB/s", series: ["1 thread", "2 threads"],
                             rows: [.init("a \"quoted\" label", [10, 20]), .init("b", [5, .nan])], reference: (30, "read bandwidth"))
        let svg = chart.svg
        #expect(Self.parses(svg))
        #expect(svg.contains("&lt;decode&gt; &amp; prefill"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 1 + 2 + 3)   // background, legend, finite bars
    }

    @Test func logAxesPlacePowersOfTwoInOrder() {
        let chart = XYChart(title: "t", xLabel: "N", yLabel: "GFLOP/s", logX: true, logY: true,
                            series: [.init("s", [(1, 10), (2, 20), (512, 900)]), .init("limit", [(1, 1000), (512, 1000)], style: .dashed)])
        #expect(Self.parses(chart.svg))
        let axis = Axis(values: [1, 512], fixed: nil, log: true)
        #expect(axis.ticks.first == 1 && axis.ticks.last == 512)
        #expect(axis.ticks.count == 10)
        #expect(axis.fraction(1) < axis.fraction(2) && axis.fraction(512) < 1)
    }

    @Test func linearAxisStartsAtZeroWithRoundSteps() {
        let axis = Axis(values: [3, 97], fixed: nil, log: false, includeZero: true)
        #expect(axis.ticks.first == 0)
        #expect(axis.ticks.contains(100) || axis.ticks.contains(80))
        #expect(zip(axis.ticks, axis.ticks.dropFirst()).allSatisfy { $0 < $1 })
    }
}
