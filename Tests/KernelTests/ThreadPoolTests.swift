import Foundation
import Synchronization
import Testing
import KernelCore

@Suite struct ThreadPoolTests {
    @Test func everyTaskRunsExactlyOnce() {
        let pool = ThreadPool(capacity: 4, spinIterations: 1000)
        for tasks in [0, 1, 2, 3, 7, 64, 1000] {
            for threads in [1, 2, 3, 4, 9] {
                // One slot per task and no lock: a task run twice, or on two threads at once, shows as a count of 2
                // here and as a data race under ThreadSanitizer (Tests/sanitize.sh thread).
                let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(tasks, 1))
                counts.initialize(repeating: 0)
                defer { counts.deallocate() }
                pool.run(tasks: tasks, threads: threads) { i in counts[i] += 1 }
                #expect(counts.prefix(tasks).allSatisfy { $0 == 1 }, "tasks \(tasks) threads \(threads)")
            }
        }
    }

    /// Thousands of jobs of mixed sizes from several callers at once: all finish, all results right.
    @Test(.timeLimit(.minutes(1))) func manyCallersManyJobs() async {
        let pool = ThreadPool(capacity: 3, spinIterations: 100)
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    var ok = true
                    for job in 0..<500 {
                        let tasks = (job * 7 + caller) % 40
                        let sum = Atomic<Int>(0)
                        pool.run(tasks: tasks, threads: 1 + job % 3) { sum.add($0 + 1, ordering: .relaxed) }
                        ok = ok && sum.load(ordering: .relaxed) == tasks * (tasks + 1) / 2
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    /// Workers park after spinning and wake for the next job.
    @Test func parkedWorkersWake() {
        let pool = ThreadPool(capacity: 2, spinIterations: 10)
        let sum = Atomic<Int>(0)
        pool.run(tasks: 10, threads: 2) { sum.add($0, ordering: .relaxed) }
        usleep(50_000)
        pool.run(tasks: 10, threads: 2) { sum.add($0, ordering: .relaxed) }
        #expect(sum.load(ordering: .relaxed) == 90)
    }
}
