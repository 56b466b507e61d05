/// The one shape grammar of the commands: `--shape MxK` (weight rows x row length, a list where the command takes
/// several), with the activation columns apart in `--n`, so that bench, tune and matmul read shapes alike.
enum ShapeArguments {
    static func parse(_ text: String) throws -> (m: Int, k: Int) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 3, parts.allSatisfy({ $0 != nil }) {
            throw UsageError("--shape takes MxK (weight rows x row length); give the activation columns with --n, "
                             + "e.g. --shape \(parts[0]!)x\(parts[1]!) --n \(parts[2]!)")
        }
        guard parts.count == 2, let m = parts[0], let k = parts[1], m > 0, k > 0,
              m.multipliedReportingOverflow(by: k).partialValue <= 1 << 31 else {
            throw UsageError("--shape expects MxK with positive sizes, e.g. 4096x14336, got '\(text)'")
        }
        return (m, k)
    }

    /// `--shape`'s comma-separated list, or `defaults`.
    static func list(_ arguments: ParsedArguments, defaults: [String]) throws -> [(m: Int, k: Int)] {
        try (arguments.value("--shape").map { $0.split(separator: ",").map(String.init) } ?? defaults).map(parse)
    }
}
