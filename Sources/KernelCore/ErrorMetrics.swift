/// Error measures used by tests, `matmul` and `check`.
public enum ErrorMetrics {
    /// Normalized mean squared error, sum (a - b)^2 / sum b^2 (ggml test-backend-ops' NMSE); infinite when the
    /// reference is all zeros and the result is not, and for any NaN.
    public static func nmse<A: Collection, B: Collection>(_ actual: A, _ expected: B) -> Double
    where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
        precondition(actual.count == expected.count, "NMSE of collections of different lengths")
        var err = 0.0, ref = 0.0
        for (a, b) in zip(actual, expected) {
            let d = Double(a) - Double(b)
            err += d * d; ref += Double(b) * Double(b)
        }
        if err.isNaN { return .infinity }
        return ref == 0 ? (err == 0 ? 0 : .infinity) : err / ref
    }

    /// Largest |a - b|; infinite for any NaN.
    public static func maxAbsoluteError<A: Collection, B: Collection>(_ actual: A, _ expected: B) -> Double
    where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
        var worst = 0.0
        for (a, b) in zip(actual, expected) {
            let d = abs(Double(a) - Double(b))
            if d.isNaN { return .infinity }
            worst = max(worst, d)
        }
        return worst
    }
}
