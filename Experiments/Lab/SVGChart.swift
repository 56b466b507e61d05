import Foundation

/// Charts as standalone SVG text, so notebooks render in any markdown viewer with no plotting package.
public enum SVGChart {
    /// Series colours, distinguishable in print and for the common colour-vision deficiencies (Okabe-Ito).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    public static func color(_ index: Int) -> String { palette[index % palette.count] }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A tick label: short, without trailing zeros; thousands as "k" and millions as "M".
    static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return trimmed(value / 1e6) + "M" }
        if magnitude >= 1e4 { return trimmed(value / 1e3) + "k" }
        return trimmed(value)
    }

    static func trimmed(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        var text = String(format: abs(value) < 0.01 ? "%.4g" : "%.3g", value)
        if text.contains(".") && !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func document(width: Double, height: Double, title: String, _ body: [String]) -> String {
        (["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"12\">",
          "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
          "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"] + body + ["</svg>"])
            .joined(separator: "\n")
    }
}

/// Horizontal bars, one row per label, one bar per series in each row (grouped), with an optional reference line
/// (a limit such as the memory bandwidth).
public struct BarChart {
    public struct Row {
        public var label: String
        public var values: [Double]
        public init(_ label: String, _ values: [Double]) { self.label = label; self.values = values }
    }

    public var title: String
    public var unit: String
    public var series: [String]
    public var rows: [Row]
    public var reference: (value: Double, label: String)?
    public var valueFormat = "%.1f"

    public init(title: String, unit: String, series: [String] = [""], rows: [Row], reference: (value: Double, label: String)? = nil) {
        self.title = title
        self.unit = unit
        self.series = series
        self.rows = rows
        self.reference = reference
    }

    public var svg: String {
        let barHeight = 14.0, rowGap = 8.0, left = 260.0, width = 820.0
        let legendHeight = series.count > 1 ? 22.0 : 0
        let top = 34 + legendHeight
        let rowHeight = Double(series.count) * barHeight + rowGap
        let height = top + Double(rows.count) * rowHeight + 34
        let values = rows.flatMap(\.values).filter(\.isFinite) + (reference.map { [$0.value] } ?? [])
        let maximum = max(values.max() ?? 1, 1e-12)
        let scale = (width - left - 90) / maximum
        var body: [String] = []
        if series.count > 1 {
            var x = left
            for (i, name) in series.enumerated() {
                body.append("<rect x=\"\(SVGChart.number(x))\" y=\"30\" width=\"12\" height=\"12\" fill=\"\(SVGChart.color(i))\"/>")
                body.append("<text x=\"\(SVGChart.number(x + 16))\" y=\"40\">\(SVGChart.escape(name))</text>")
                x += 26 + Double(name.count) * 7
            }
        }
        for (r, row) in rows.enumerated() {
            let y0 = top + Double(r) * rowHeight
            body.append("<text x=\"\(SVGChart.number(left - 6))\" y=\"\(SVGChart.number(y0 + Double(series.count) * barHeight / 2 + 4))\" text-anchor=\"end\">\(SVGChart.escape(row.label))</text>")
            for (i, value) in row.values.enumerated() where value.isFinite {
                let y = y0 + Double(i) * barHeight
                let w = max(1, value * scale)
                body.append("<rect x=\"\(SVGChart.number(left))\" y=\"\(SVGChart.number(y))\" width=\"\(SVGChart.number(w))\" height=\"\(SVGChart.number(barHeight - 2))\" fill=\"\(SVGChart.color(i))\"/>")
                body.append("<text x=\"\(SVGChart.number(left + w + 4))\" y=\"\(SVGChart.number(y + barHeight - 4))\" font-size=\"11\">\(String(format: valueFormat, value)) \(SVGChart.escape(unit))</text>")
            }
        }
        if let reference {
            let x = left + reference.value * scale
            body.append("<line x1=\"\(SVGChart.number(x))\" y1=\"\(SVGChart.number(top - 4))\" x2=\"\(SVGChart.number(x))\" y2=\"\(SVGChart.number(height - 26))\" stroke=\"#c0392b\" stroke-dasharray=\"4,3\"/>")
            body.append("<text x=\"\(SVGChart.number(x))\" y=\"\(SVGChart.number(height - 12))\" text-anchor=\"middle\" fill=\"#c0392b\">\(SVGChart.escape(reference.label))</text>")
        }
        return SVGChart.document(width: width, height: height, title: title, body)
    }
}

/// Points and lines on x-y axes, each optionally logarithmic: throughput against N, a roofline, a sweep.
public struct XYChart {
    public enum Style { case line, markers, lineAndMarkers, dashed }

    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style
        public var color: String?
        public init(_ name: String, _ points: [(x: Double, y: Double)], style: Style = .lineAndMarkers, color: String? = nil) {
            self.name = name
            self.points = points
            self.style = style
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    public var series: [Series]
    /// Fixed axis ranges; by default the data's, padded.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.logY = logY
        self.series = series
    }

    public var svg: String {
        let width = 820.0, height = 480.0
        let plot = (left: 70.0, top: 40.0, right: 600.0, bottom: 420.0)
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) && (!logY || $0.y > 0) }
        let xs = Axis(values: points.map(\.x), fixed: xRange, log: logX)
        let ys = Axis(values: points.map(\.y), fixed: yRange, log: logY, includeZero: !logY)
        func px(_ x: Double) -> Double { plot.left + xs.fraction(x) * (plot.right - plot.left) }
        func py(_ y: Double) -> Double { plot.bottom - ys.fraction(y) * (plot.bottom - plot.top) }
        var body: [String] = []
        body.append("<rect x=\"\(plot.left)\" y=\"\(plot.top)\" width=\"\(plot.right - plot.left)\" height=\"\(plot.bottom - plot.top)\" fill=\"none\" stroke=\"#888\"/>")
        for tick in xs.ticks {
            let x = SVGChart.number(px(tick))
            body.append("<line x1=\"\(x)\" y1=\"\(plot.top)\" x2=\"\(x)\" y2=\"\(plot.bottom)\" stroke=\"#eee\"/>")
            body.append("<text x=\"\(x)\" y=\"\(plot.bottom + 16)\" text-anchor=\"middle\" font-size=\"11\">\(SVGChart.tickLabel(tick))</text>")
        }
        for tick in ys.ticks {
            let y = SVGChart.number(py(tick))
            body.append("<line x1=\"\(plot.left)\" y1=\"\(y)\" x2=\"\(plot.right)\" y2=\"\(y)\" stroke=\"#eee\"/>")
            body.append("<text x=\"\(plot.left - 6)\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\" font-size=\"11\">\(SVGChart.tickLabel(tick))</text>")
        }
        body.append("<text x=\"\((plot.left + plot.right) / 2)\" y=\"\(plot.bottom + 38)\" text-anchor=\"middle\">\(SVGChart.escape(xLabel + (logX ? " (log)" : "")))</text>")
        body.append("<text transform=\"translate(18 \((plot.top + plot.bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel + (logY ? " (log)" : "")))</text>")
        for (i, s) in series.enumerated() {
            let color = s.color ?? SVGChart.color(i)
            let visible = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) && (!logY || $0.y > 0) }
            let coordinates = visible.map { "\(SVGChart.number(px($0.x))),\(SVGChart.number(py($0.y)))" }
            if s.style != .markers && coordinates.count > 1 {
                let dash = s.style == .dashed ? " stroke-dasharray=\"6,4\"" : ""
                body.append("<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
            }
            if s.style == .markers || s.style == .lineAndMarkers {
                for c in coordinates {
                    let xy = c.split(separator: ",")
                    body.append("<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3.5\" fill=\"\(color)\"/>")
                }
            }
            let ly = plot.top + 6 + Double(i) * 18
            if s.style == .markers {
                body.append("<circle cx=\"\(plot.right + 24)\" cy=\"\(ly + 6)\" r=\"4\" fill=\"\(color)\"/>")
            } else {
                let dash = s.style == .dashed ? " stroke-dasharray=\"6,4\"" : ""
                body.append("<line x1=\"\(plot.right + 14)\" y1=\"\(ly + 6)\" x2=\"\(plot.right + 34)\" y2=\"\(ly + 6)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
            }
            body.append("<text x=\"\(plot.right + 40)\" y=\"\(ly + 10)\" font-size=\"11\">\(SVGChart.escape(s.name))</text>")
        }
        return SVGChart.document(width: width, height: height, title: title, body)
    }
}

/// One axis: its range and where its ticks go (powers of 2 or 10 on a log axis, round steps on a linear one).
struct Axis {
    let low: Double, high: Double, log: Bool
    let ticks: [Double]

    init(values: [Double], fixed: ClosedRange<Double>?, log: Bool, includeZero: Bool = false) {
        self.log = log
        var low = fixed?.lowerBound ?? values.min() ?? 0
        var high = fixed?.upperBound ?? values.max() ?? 1
        if log {
            low = max(low, 1e-12)
            high = max(high, low * 1.0001)
            if fixed == nil { low /= 1.25; high *= 1.25 }
            // Powers of two when the span is short enough to label them all, else powers of ten.
            let base = high / low <= 4096 ? 2.0 : 10.0
            var tick = Foundation.pow(base, Foundation.floor(Foundation.log(low) / Foundation.log(base)))
            var ticks: [Double] = []
            while tick <= high * 1.0001 {
                if tick >= low * 0.9999 { ticks.append(tick) }
                tick *= base
            }
            self.ticks = ticks
        } else {
            if includeZero && fixed == nil { low = min(low, 0) }
            if high <= low { high = low + 1 }
            if fixed == nil { high += (high - low) * 0.05 }
            let rough = (high - low) / 6
            let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(rough)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? rough
            var ticks: [Double] = []
            var tick = Foundation.ceil(low / step) * step
            while tick <= high + step * 1e-9 { ticks.append(tick); tick += step }
            self.ticks = ticks
        }
        self.low = low
        self.high = high
    }

    /// Where `value` falls between the axis ends, 0...1.
    func fraction(_ value: Double) -> Double {
        if log { return (Foundation.log(value) - Foundation.log(low)) / (Foundation.log(high) - Foundation.log(low)) }
        return (value - low) / (high - low)
    }
}
