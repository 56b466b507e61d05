#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A persistent pool of worker threads for kernel calls.
///
/// Workers are created once. Between jobs they spin on an atomic generation counter for a while (so back-to-back
/// matrix products, as in decode, pay no wake-up), then park on a condition variable. A job is `tasks` indices
/// handed out one at a time from an atomic counter, so uneven tasks balance themselves; the caller takes part.
/// One job runs at a time: concurrent callers queue on a lock. Not reentrant: a task must not call `run`.
public final class ThreadPool: @unchecked Sendable {
    /// Threads that can work on a job, the caller included.
    public let capacity: Int
    /// Spin iterations before a worker parks (about 50-100 µs on current x86).
    public let spinIterations: Int

    /// Job number in the high bits and that job's worker count in the low 16, published together so a worker
    /// never pairs one job's number with another job's count.
    private let generation = Atomic<Int>(0)
    private let nextTask = Atomic<Int>(0)
    private let busyWorkers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let parked = Atomic<Int>(0)
    private var taskCount = 0
    private var body: UnsafeRawPointer?   // points at a (Int) -> Void closure for the duration of a job

    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    /// Serializes callers. A pthread mutex rather than Synchronization's `Mutex`: ThreadSanitizer intercepts
    /// pthread locks, but not the futex calls inside `Mutex`, and would report every hand-off between two callers.
    private var callers = pthread_mutex_t()
    private var threads: [pthread_t] = []

    public init(capacity: Int, spinIterations: Int = 200_000) {
        precondition(capacity >= 1, "a pool needs at least the calling thread")
        self.capacity = capacity
        self.spinIterations = spinIterations
        pthread_mutex_init(&mutex, nil)
        pthread_mutex_init(&callers, nil)
        pthread_cond_init(&wake, nil)
        for index in 1..<capacity {
            let context = Unmanaged.passRetained(WorkerStart(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.workerLoop(index: start.index)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed with \(status)")
            threads.append(thread)
        }
    }

    deinit {
        stopping.store(true, ordering: .releasing)
        generation.add(1 << 16, ordering: .releasing)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
        for thread in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(&wake)
        pthread_mutex_destroy(&mutex)
        pthread_mutex_destroy(&callers)
    }

    /// One pool per process for kernels that do not bring their own, sized to the machine.
    public static let shared = ThreadPool(capacity: max(1, HostCPU.current.logicalCores))

    /// Calls `body(i)` for every i in 0..<tasks on up to `threads` threads (the caller included) and returns when
    /// all have finished. `threads` above the pool's capacity is clamped; with 1 thread or 1 task it runs inline.
    public func run(tasks: Int, threads requested: Int, _ body: (Int) -> Void) {
        let threads = min(requested, capacity, tasks)
        if threads <= 1 {
            for i in 0..<tasks { body(i) }
            return
        }
        pthread_mutex_lock(&callers)
        defer { pthread_mutex_unlock(&callers) }
        withoutActuallyEscaping(body) { escaping in
            var task: (Int) -> Void = escaping
            withUnsafePointer(to: &task) { pointer in
                self.body = UnsafeRawPointer(pointer)
                self.taskCount = tasks
                nextTask.store(0, ordering: .relaxed)
                busyWorkers.store(threads - 1, ordering: .relaxed)
                let job = (generation.load(ordering: .relaxed) >> 16) + 1
                // Publishing the job and reading `parked` are sequentially consistent, as are the worker's
                // `parked` increment and its re-read of the generation: with release/acquire alone the load of
                // `parked` may pass the store (x86 reorders a store with a later load), so the caller sees no
                // parked worker while that worker sees the old generation and sleeps through the job: a deadlock.
                generation.store(job << 16 | (threads - 1), ordering: .sequentiallyConsistent)
                if parked.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(&mutex)
                    pthread_cond_broadcast(&wake)
                    pthread_mutex_unlock(&mutex)
                }
                work(pointer.pointee)
                while busyWorkers.load(ordering: .acquiring) > 0 { spinHint() }
                self.body = nil
            }
        }
    }

    private func work(_ body: (Int) -> Void) {
        while true {
            let i = nextTask.add(1, ordering: .relaxed).oldValue
            if i >= taskCount { return }
            body(i)
        }
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                if spins < spinIterations {
                    spins += 1
                    spinHint()
                } else {
                    pthread_mutex_lock(&mutex)
                    parked.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(&wake, &mutex) }
                    parked.subtract(1, ordering: .releasing)
                    pthread_mutex_unlock(&mutex)
                }
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            if index <= seen & 0xffff, let body {
                work(body.assumingMemoryBound(to: ((Int) -> Void).self).pointee)
                busyWorkers.subtract(1, ordering: .releasing)
            }
        }
    }

    @inline(__always) private func spinHint() {
        // An atomic load keeps the loop honest without a pause instruction, which portable Swift lacks.
        _ = stopping.load(ordering: .relaxed)
    }
}

private final class WorkerStart {
    let pool: ThreadPool
    let index: Int
    init(pool: ThreadPool, index: Int) { self.pool = pool; self.index = index }
}
