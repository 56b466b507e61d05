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
    /// Back-to-back two-thread jobs with a worker that parks after a few spins, so nearly every job meets a worker
    /// on its way to sleep: the hand-off race that deadlocked the pool under release/acquire ordering (a standalone
    /// copy of that version hung in 4 of 5 two-second runs of this loop; this one ran 8 million jobs in 20 s). A hang fails
    /// the test at the deadline rather than stalling the suite.
    @Test func parkingEdgeNeverLosesAWakeUp() {
        let pool = ThreadPool(capacity: 2, spinIterations: 20)
        let finished = DispatchSemaphore(value: 0)
        let wrong = Atomic<Int>(0)
        Thread.detachNewThread {
            let stop = Date().addingTimeInterval(2)
            var job = 0
            while Date() < stop {
                let sum = Atomic<Int>(0)
                pool.run(tasks: 2, threads: 2) { sum.add($0 + 1, ordering: .relaxed) }
                if sum.load(ordering: .relaxed) != 3 { wrong.add(1, ordering: .relaxed) }
                job += 1
                var pause = 0
                for i in 0..<(job % 64) { pause &+= i }   // vary the gap so the worker is caught at every stage
                if pause == -1 { print(pause) }
            }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 30) == .success, "a job never finished: a worker slept through it")
        #expect(wrong.load(ordering: .relaxed) == 0)
    }
}
