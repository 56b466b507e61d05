/// One variant on one case: its error against the f64 exact reference, and (after `BaselineRule.judge`) the verdict.
public struct CaseResult: Sendable, Encodable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Within tolerance and within the baseline's factor.
        case pass
        /// Within tolerance, but the baseline has no entry for it yet (reported, not failed).
        case new
        case fail
    }

    public let variant: String
    public let format: String
    /// The case name (`n17`, `bench-4096x4096-n1`, ...).
    public let `case`: String
    /// MxKxN.
    public let shape: String
    public let data: String
    public let threads: Int
    public let nmse: Double
    public let max_abs: Double
    public let tolerance: Double
    public var baseline_nmse: Double?
    public var status: Status
    public var passed: Bool { status != .fail }
    /// Why it failed, naming variant, format, shape, the size of the change and the command that reproduces it.
    public var message: String?
    public let reproduce: String

    public init(variant: String, format: String, case name: String, shape: String, data: String, threads: Int,
                nmse: Double, max_abs: Double, tolerance: Double, reproduce: String) {
        self.variant = variant
        self.format = format
        self.case = name
        self.shape = shape
        self.data = data
        self.threads = threads
        self.nmse = nmse
        self.max_abs = max_abs
        self.tolerance = tolerance
        self.status = .new
        self.reproduce = reproduce
    }

    enum CodingKeys: String, CodingKey {
        case variant, format, `case`, shape, data, threads, nmse, max_abs, tolerance, baseline_nmse, status, passed,
             message, reproduce
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(variant, forKey: .variant)
        try c.encode(format, forKey: .format)
        try c.encode(self.case, forKey: .case)
        try c.encode(shape, forKey: .shape)
        try c.encode(data, forKey: .data)
        try c.encode(threads, forKey: .threads)
        try c.encode(nmse, forKey: .nmse)
        try c.encode(max_abs, forKey: .max_abs)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encodeIfPresent(baseline_nmse, forKey: .baseline_nmse)
        try c.encode(status, forKey: .status)
        try c.encode(passed, forKey: .passed)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encode(reproduce, forKey: .reproduce)
    }
}
