/// A tuning problem: one shape in one format under a thread budget.
public struct TuningProblem: Codable, Hashable, Sendable, CustomStringConvertible {
    public var format: String
    public var m: Int
    public var k: Int
    public var n: Int
    public var threads: Int

    public init(format: String, m: Int, k: Int, n: Int, threads: Int) {
        self.format = format
        self.m = m
        self.k = k
        self.n = n
        self.threads = threads
    }

    public var description: String { "\(format) \(m)x\(k)x\(n) t\(threads)" }
}

/// Why a candidate was excluded before timing.
public struct Rejection: Codable, Hashable, Sendable {
    public var candidate: Candidate
    public var reason: String
}

/// Runs candidates: the real one executes kernels; a replay one answers from recorded measurements, so strategies
/// and decisions can be tested without timing (Kernel Tuner's simulation mode).
public protocol CandidateRunner: AnyObject {
    /// Prepares the problem (data, weights); called once before its candidates are verified or timed.
    func begin(_ problem: TuningProblem) throws
    /// nil when the candidate computes the right answer, else why not.
    func verify(_ candidate: Candidate) -> String?
    /// Seconds for one run.
    func time(_ candidate: Candidate) -> Double
    /// Releases what `begin` prepared.
    func end()
}
