/// What a kernel call may use besides its operands: the thread pool. Passed explicitly, never global state.
public final class KernelContext: Sendable {
    public let pool: ThreadPool

    public init(pool: ThreadPool) { self.pool = pool }

    /// The context of commands and tests that do not make their own: the machine-sized shared pool.
    public static let shared = KernelContext(pool: .shared)
}
