import Foundation
import KernelCatalog
import KernelCore
import QuantFormats

/// The parts of `quantlab bench --json` and `quantlab roofline --json` that the roofline and unpacking experiments
/// read, and the one way both experiments call `bench`. Shared by both (they are one Swift module).
enum BenchReport {
    /// One timed case of `quantlab bench`: `seconds` is the median, `gflops` counts 2·M·K·N operations.
    struct Row: Codable, Equatable {
        let variant: String, kind: String, format: String
        let m: Int, k: Int, n: Int, threads: Int
        let seconds: Double, gflops: Double, weight_gbps: Double

        /// Weights multiplied per nanosecond (M·K·N / seconds / 1e9): the unpack-and-multiply rate, whatever the bits.
        var weightsPerNanosecond: Double { Double(m) * Double(k) * Double(n) / seconds / 1e9 }
        /// The method part of the variant id (`rows`, `tiled`, `threaded`, `tiled-threaded`, `reference`).
        var method: String { idPart(2) }
        /// The instruction-set part of the variant id (`scalar`, `portable`, `avx2`, `avx512`).
        var instructionSet: String { idPart(1) }

        private func idPart(_ index: Int) -> String {
            let parts = variant.split(separator: ".")
            return index < parts.count ? String(parts[index]) : ""
        }
    }

    /// The machine's measured ceilings, by thread count: streaming read GB/s and int8 Gop/s (multiply and add
    /// counted separately, as GFLOP/s counts them).
    struct Limits: Codable, Equatable {
        let readGBps: [Int: Double]
        let int8Gops: [Int: Double]

        enum CodingKeys: String, CodingKey { case readGBps = "read_gbps", int8Gops = "int8_gops" }
    }

    struct Bench: Decodable { let rows: [Row] }
    struct Roofline: Decodable { let limits: Limits }

    /// A tuning database path that never exists, so `bench` adds no "tuned" rows and every row times the variant's
    /// default parameters (a run reproduces the same cases whatever database the machine holds).
    static let noTuningDatabase = "/nonexistent/no-tuning.json"

    /// Measures the read bandwidth and int8 peak for `threads` (`quantlab roofline`).
    static func limits(_ lab: Lab, threads: [Int]) throws -> Limits {
        try lab.quantlab(Roofline.self, ["roofline", "--threads", threads.map(String.init).joined(separator: ",")]).limits
    }

    /// What one variant's bench calls gave: the timed rows, and the cases that failed verification (left out).
    struct Outcome {
        var rows: [Row] = []
        var failures: [String] = []

        static func += (lhs: inout Outcome, rhs: Outcome) {
            lhs.rows += rhs.rows
            lhs.failures += rhs.failures
        }
    }

    /// Times one variant on one M x K shape at each N with `quantlab bench --variant ID` (verified first; the limits
    /// probe skipped, as the experiments measure the limits once). A case that fails verification fails the whole
    /// call, so then each N is run on its own and only the failing ones are left out, named in `failures`.
    static func bench(_ lab: Lab, variant: String, m: Int, k: Int, ns: [Int], threads: [Int],
                      repetitions: Int, minSeconds: Double) throws -> Outcome {
        func call(_ ns: [Int]) throws -> [Row] {
            try lab.quantlab(Bench.self, [
                "bench", "--variant", variant, "--shape", "\(m)x\(k)", "--n", ns.map(String.init).joined(separator: ","),
                "--threads", threads.map(String.init).joined(separator: ","), "--repetitions", String(repetitions),
                "--min-seconds", String(minSeconds), "--no-roofline", "--db", noTuningDatabase,
            ]).rows
        }
        do {
            return Outcome(rows: try call(ns))
        } catch let error as ExperimentError {
            guard ns.count > 1 else { return Outcome(failures: [failure(variant, m, k, ns[0], error)]) }
            var outcome = Outcome()
            for n in ns {
                do { outcome.rows += try call([n]) } catch let error as ExperimentError {
                    outcome.failures.append(failure(variant, m, k, n, error))
                }
            }
            return outcome
        }
    }

    /// "q6_Kxq8_K.avx2.rows 4992x4096x1: 1 case(s) failed verification ...": the case and bench's own reason, without
    /// the command line (the notebook lists the commands).
    static func failure(_ variant: String, _ m: Int, _ k: Int, _ n: Int, _ error: ExperimentError) -> String {
        let reason = error.description.components(separatedBy: "' failed: ").last ?? error.description
        return "`\(variant)` \(m)x\(k)x\(n): \(reason.replacingOccurrences(of: "quantlab bench: error: ", with: "")) "
            + "(details: `quantlab matmul --variant \(variant) --shape \(m)x\(k) --n \(n)`)"
    }
}

/// Which compiled-in variants the experiments time.
enum VariantChoice {
    /// The variant of `format` with `method` (an id's last part: `rows`, `tiled-threaded`, ...) at the widest
    /// instruction set this CPU runs: what `bench --variant best` takes per method.
    static func widest(_ format: GGMLType, method: String, registry: KernelRegistry = KernelCatalog.registry) -> KernelVariant? {
        registry.supported(weightType: format).filter { $0.identity.label == method }.min { $0.instructionSet < $1.instructionSet }
    }

    /// The variant of `format` with this instruction set and method, when this CPU runs it.
    static func variant(_ format: GGMLType, instructionSet: String, method: String,
                        registry: KernelRegistry = KernelCatalog.registry) -> KernelVariant? {
        registry.supported(weightType: format).first { $0.instructionSet.rawValue == instructionSet && $0.identity.label == method }
    }
}

extension Notebook {
    /// The bench cases that failed verification against the f64 reference and so were not timed, when there are any.
    mutating func casesLeftOut(_ failures: [String]) {
        guard !failures.isEmpty else { return }
        heading("Cases left out")
        text("These cases failed verification against the f64 reference, so bench did not time them:\n\n"
             + failures.map { "- \($0)" }.joined(separator: "\n"))
    }
}
