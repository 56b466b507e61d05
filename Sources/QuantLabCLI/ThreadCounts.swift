import KernelCore

/// `--threads LIST`, one grammar for every command: thread counts from 1 to 1024, comma-separated; by default 1
/// and every core (the two ends worth comparing). A command that runs once takes one count, by default every core.
enum ThreadCounts {
    static let range = 1...1024
    static var cores: Int { HostCPU.current.logicalCores }
    static var defaults: [Int] { Array(Set([1, cores])).sorted() }

    static func add(to s: inout ArgumentSpec, what: String = "thread counts", once: Bool = false) {
        s.option("--threads", value: "LIST", once
            ? "threads, one count (default: every core, \(cores))"
            : "\(what), comma-separated (default 1 and every core: \(defaults.map(String.init).joined(separator: ",")))")
    }

    /// The counts given, or `defaults`.
    static func parse(_ arguments: ParsedArguments) throws -> [Int] {
        guard let text = arguments.value("--threads") else { return defaults }
        return try parse(text)
    }

    static func parse(_ text: String, option: String = "--threads") throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map(range.contains) ?? false }) else {
            throw UsageError("\(option) expects thread counts from 1 to \(range.upperBound) separated by commas, got '\(text)'")
        }
        return values.map { $0! }
    }

    /// The one count of a command that runs once (every core by default).
    static func single(_ arguments: ParsedArguments, command: String) throws -> Int {
        guard let text = arguments.value("--threads") else { return cores }
        let counts = try parse(text)
        guard counts.count == 1 else {
            throw UsageError("\(command) runs once: give --threads one count, not \(text) (bench-model compares thread counts)")
        }
        return counts[0]
    }
}
