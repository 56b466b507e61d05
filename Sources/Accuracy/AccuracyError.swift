/// A problem the accuracy harness reports instead of crashing: a corrupt baseline, a case that does not fit a
/// format, a registry without an exact reference.
public struct AccuracyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
