import Foundation

/// What `quantlab check --json` prints: every kernel case with its verdict, the counts, and a slot for the
/// model-level checks (filled by the model harness; nil when they did not run).
public struct CheckReport: Sendable, Encodable {
    public var cases: [CaseResult]
    public var failures: Int
    public var new: Int
    public var passed: Bool
    public var baseline: String
    public var factor: Double
    public var floor: Double
    public var seconds: Double
    public var models: [ModelCheck]?
    /// Which supported (variant, batch class) pairs the cases reached; a missing pair fails the check.
    public var coverage: CheckCoverage?

    public init(cases: [CaseResult], baseline: String, seconds: Double, models: [ModelCheck]? = nil,
                coverage: CheckCoverage? = nil) {
        self.cases = cases
        self.coverage = coverage
        self.baseline = baseline
        self.seconds = seconds
        self.models = models
        self.factor = BaselineRule.factor
        self.floor = BaselineRule.floor
        failures = 0; new = 0; passed = true
        recount()
    }

    /// Recomputes the counts after cases or models change.
    public mutating func recount() {
        failures = cases.filter { !$0.passed }.count + (models ?? []).filter { !$0.passed }.count + (coverage?.missing.count ?? 0)
        new = cases.filter { $0.status == .new }.count
        passed = failures == 0
    }

    /// Encodes with infinities and NaNs as strings ("inf", "nan"), which plain JSON cannot hold.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// One model-level check (fast path against the reference path, perplexity): the hook for the model harness.
public struct ModelCheck: Sendable, Codable, Equatable {
    public var model: String
    public var check: String
    /// Named measurements, e.g. "nmse", "kl", "top1", "ppl".
    public var metrics: [String: Double]
    public var passed: Bool
    public var message: String?

    public init(model: String, check: String, metrics: [String: Double], passed: Bool, message: String? = nil) {
        self.model = model
        self.check = check
        self.metrics = metrics
        self.passed = passed
        self.message = message
    }
}
