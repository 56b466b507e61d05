import Foundation
import Testing
import KernelCore
import Tuner

// Serialized: the spinning child of one test would count as "other" in the next.
@Suite(.serialized) struct MachineLoadTests {
    @Test func aThreadCountIsBusyWhenTheOthersLeaveItTooFewCores() {
        #expect(MachineLoad.isBusy(otherCores: 1.0, threads: 2, cores: 2))
        #expect(!MachineLoad.isBusy(otherCores: 1.0, threads: 1, cores: 2), "one core is still free for one thread")
        #expect(!MachineLoad.isBusy(otherCores: 0.1, threads: 2, cores: 2), "background noise is not a busy machine")
        #expect(MachineLoad.isBusy(otherCores: 15.5, threads: 1, cores: 16))
    }

    /// The verification of a busy machine keeps nothing, however large its gain.
    @Test func aBusyVerificationIsDropped() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        func verification(otherCores: Double?) -> EndToEndVerification {
            EndToEndVerification(key: TuningKey(cpu: "c", build: "b"), workload: "w", threads: 1, test: "tg8", batch: .decode,
                                 decisionsTested: 2, defaultSeconds: [2, 2, 2], tunedSeconds: [1, 1, 1], otherCores: otherCores)
        }
        #expect(verification(otherCores: nil).kept && verification(otherCores: 0).kept)
        let busy = verification(otherCores: Double(cores))
        #expect(busy.busy && !busy.kept && abs(busy.gain - 2) < 1e-9)
    }

    #if os(Linux)
    /// This process's own threads are not "other processes", however hard they spin.
    @Test func ownWorkIsNotCounted() {
        let before = MachineLoad.now()
        #expect(before != nil, "/proc/stat is readable on Linux")
        let deadline = Date().addingTimeInterval(0.5)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            // At least one pass: on a loaded machine a worker may start after the deadline (a trap here failed CI).
            var x = 0.0
            repeat { x += 1 } while Date() < deadline
            withExtendedLifetime(x) {}
        }
        let others = MachineLoad.otherCores(from: before, to: MachineLoad.now())
        #expect(others < 0.6, "two spinning threads of our own counted as \(others) other cores")
    }

    /// A spinning child process is another process: its core shows up.
    @Test func anotherProcessIsCounted() throws {
        let spinner = Process()
        spinner.executableURL = URL(fileURLWithPath: "/bin/sh")
        // It stops itself after two seconds: a signal from the test may be blocked in the child and leave it spinning.
        spinner.arguments = ["-c", "end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done"]
        try spinner.run()
        defer { spinner.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.1)
        let before = MachineLoad.now()
        Thread.sleep(forTimeInterval: 0.8)
        let others = MachineLoad.otherCores(from: before, to: MachineLoad.now())
        #expect(others > 0.3, "a spinning shell counted as \(others) cores")
    }
    #endif
}
