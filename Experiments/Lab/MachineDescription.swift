import Foundation
import KernelCore
import Tuner

/// The machine fingerprint every notebook carries: CPU, cores, caches, memory, instruction sets, build.
struct MachineDescription {
    let cpu: HostCPU
    let memoryBytes: Int
    let key: TuningKey

    static var current: MachineDescription {
        MachineDescription(cpu: .current, memoryBytes: Int(ProcessInfo.processInfo.physicalMemory), key: .current)
    }

    var markdown: String {
        let caches = cpu.caches.filter { $0.kind != "Instruction" }.sorted { $0.level < $1.level }
            .map { "L\($0.level) \(Cell.bytes(Double($0.bytes)))" + ($0.sharedBy > 1 ? " (shared by \($0.sharedBy))" : "") }
        let isa = [CPUFeature.avx2, .fma, .f16c, .avx512f, .avx512bw, .avx512_vnni, .neon, .dotprod, .i8mm]
            .filter(cpu.features.contains).map(\.rawValue)
        return "\(cpu.model), \(cpu.architecture), \(cpu.logicalCores) logical cores; \(caches.joined(separator: ", ")); "
            + "\(Cell.bytes(Double(memoryBytes))) memory; \(isa.joined(separator: " ")); key `\(key)`."
    }
}
