/// A model that cannot be loaded or run as asked: the message names the key, tensor or value at fault.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
