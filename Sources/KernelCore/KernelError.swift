/// Why a matrix or a kernel call was refused. Messages name the problem and the numbers involved.
public struct KernelError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
