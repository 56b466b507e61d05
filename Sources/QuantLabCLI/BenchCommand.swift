import Accuracy
import Foundation
import KernelCatalog
import KernelCore
import QuantFormats
import Tuner

/// `quantlab bench`: times chosen variants on chosen shapes, each verified first, with medians and spread, and
/// reports each against the machine's measured limits.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "time kernel variants on matrix shapes (verified first), against the machine's limits"
    static let usage = """
        quantlab bench [--format q4_0,q8_0,q4_K] [--shape MxK,...] [--n 1,512] [--threads 1,2]
                       [--variant ID|best|all] [--repetitions R] [--min-seconds S] [--json]

        M is the number of weight rows (outputs), K the row length. Defaults: one Llama-3-8B layer (4096x4096,
        14336x4096, 4096x14336) and SmolLM2-135M (576x576, 1536x576, 576x1536, 49152x576); N 1 and 512; threads
        1 and 2. --variant best takes, per method (reference, rows, tiled, threaded, tiled-threaded), the widest
        instruction set this CPU runs, and adds the tuned choice (kind "tuned") when the tuning database holds
        decisions for this CPU and build; tuned takes only that; all takes every variant. Single-threaded kinds run at threads = 1 only; threaded ones at each
        count. Shapes whose K is not whole blocks of a format are skipped with a note. Each case is verified
        against the f64 reference on sampled outputs before it is timed. limit is weight GB/s over measured read
        bandwidth for N = 1, and GFLOP/s over the measured int8 peak for N > 1 (`quantlab roofline`).
        Small shapes run from cache: their GB/s can exceed the memory bandwidth.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.option("--format", value: "LIST", "weight formats (default q4_0,q8_0,q4_K)")
        s.option("--shape", value: "LIST", "MxK shapes (default: Llama-3-8B layer and SmolLM2-135M)")
        s.option("--n", value: "LIST", "activation columns (default 1,512)")
        ThreadCounts.add(to: &s, what: "thread counts for threaded variants")
        s.option("--variant", value: "ID|best|tuned|all", "which variants (default best, plus the tuned choice when the database has one)")
        s.option("--db", value: "PATH", "tuning database for the tuned rows (default $QUANTLAB_TUNING_DB or ~/.cache/quantlab/tuning.json)")
        s.option("--repetitions", value: "R", "timed runs per case, at most (default 9)")
        s.option("--min-seconds", value: "S", "stop repeating a case after this much time, with 3 runs at least (default 1)")
        s.option("--seed", value: "S", "data seed (default 1)")
        s.flag("--no-roofline", "skip measuring the machine's limits (no limit column)")
        s.flag("--json", "print {\"machine\": {...}, \"rows\": [...]}")
        return s
    }

    /// Above this many operations the scalar reference is left out unless named.
    static let referenceFlopLimit = 4e9

    /// The perf shapes of the case list that `quantlab check` verifies (one list for both, as test-backend-ops).
    static let defaultShapes = CheckCases.perfShapes.map(\.text)

    struct Row: Encodable {
        let variant: String, kind: String, format: String, m: Int, k: Int, n: Int, threads: Int
        let parameters: [String: Int]
        let seconds: Double, min_seconds: Double, spread: Double, samples: [Double]
        let gflops: Double, weight_gbps: Double
        let limit: String, limit_fraction: Double?
        let verify_nmse: Double
    }

    struct Machine: Encodable {
        let cpu: HostCPU
        let limits: MachineLimits
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let selection = arguments.value("--variant") ?? "best"
        let named = KernelCatalog.registry.variant(id: selection)
        // A named variant fixes the format; otherwise the three formats the lab is tuned for.
        let formats = try (arguments.value("--format") ?? named?.weightType.name ?? "q4_0,q8_0,q4_K")
            .split(separator: ",").map { try parseType(String($0)) }
        let shapes = try ShapeArguments.list(arguments, defaults: defaultShapes)
        let ns = try parseIntList(arguments.value("--n") ?? "1,512", option: "--n")
        let threadCounts = try ThreadCounts.parse(arguments)
        let repetitions = try arguments.int("--repetitions", default: 9, in: 1...1000)
        let minSeconds = try arguments.value("--min-seconds").map { text -> Double in
            guard let v = Double(text), v >= 0 else { throw UsageError("--min-seconds expects a non-negative number, got '\(text)'") }
            return v
        } ?? 1
        let seed = try arguments.int("--seed", default: 1, in: 0...Int.max)

        let registry = KernelCatalog.registry
        var plan: [(GGMLType, [KernelVariant])] = []
        for format in formats {
            guard FormatTraits.of(format)?.isWeightFormat == true else {
                throw InputError("\(format.name) is not a weight format; weight formats: \(FormatTraits.weightFormats.map(\.name).joined(separator: ", "))")
            }
            plan.append((format, try chooseVariants(selection, format: format, registry: registry)))
        }

        // A pool as large as the largest thread count asked for, so a row's thread count is what really ran.
        let context = KernelContext(pool: ThreadPool(capacity: max(threadCounts.max()!, HostCPU.current.logicalCores)))
        let limits = arguments.has("--no-roofline")
            ? MachineLimits(readGBps: [:], int8Gops: [:], probe: "none", bufferBytes: 0)
            : MachineLimits.measure(threads: threadCounts, pool: context.pool) { console.printError("bench: \($0)") }
        var rows: [Row] = []
        var failures: [String] = []
        // The tuned choice per case, from the tuning database of this CPU and build, when there is one.
        let tunedPath = arguments.value("--db") ?? TuningDatabase.defaultPath
        let database = try TuningDatabase.load(tunedPath)
        let tuned: TuningDatabase? = database.keys.contains { $0.0 == .current } ? database : nil
        if tuned == nil && selection == "tuned" {
            throw InputError("no tuning for this CPU and build in \(tunedPath); run 'quantlab tune' first")
        }
        if tuned == nil && selection == "best" {
            console.printError("bench: no tuning for this CPU and build in \(tunedPath) ('quantlab tune' adds a tuned row per case)")
        }
        let total = plan.count * shapes.count * ns.count   // cases: format x shape x N
        var done = 0
        let start = Date()
        for (format, variants) in plan {
            for (m, k) in shapes {
                guard k % format.blockSize == 0 else {
                    console.printError("bench: skipping \(format.name) \(m)x\(k): K = \(k) is not a multiple of \(format.name)'s block of \(format.blockSize)")
                    done += ns.count
                    continue
                }
                for n in ns {
                    done += 1
                    let problem = try MatmulProblem(type: format, m: m, k: k, n: n, seed: UInt64(seed))
                    var runs: [(variant: KernelVariant, parameters: KernelParameters, threads: Int, label: String)] = []
                    for variant in variants {
                        // The scalar reference would take minutes on big prefill shapes; name it to time it anyway.
                        if variant.method == .reference && selection != variant.id && problem.flops > Self.referenceFlopLimit {
                            console.printError("bench: skipping \(variant.id) \(m)x\(k)x\(n): too slow for a default run (name it with --variant to time it)")
                            continue
                        }
                        for threads in variant.threading == .threaded ? threadCounts : (threadCounts.contains(1) ? [1] : []) {
                            let parameters = variant.threading == .threaded ? KernelParameters([.threads: threads]) : KernelParameters()
                            runs.append((variant, parameters, threads, variant.identity.label))
                        }
                    }
                    if let tuned {
                        for threads in threadCounts {
                            guard let (decision, _) = tuned.lookup(format: format.name, m: m, k: k, n: n, threads: threads, key: .current),
                                  let v = registry.variant(id: decision.winner.variant), registry.availability(of: v).supported else { continue }
                            runs.append((v, decision.winner.parameters, threads, "tuned"))
                        }
                    }
                    for run in runs {
                        console.printError(String(format: "bench: case %d/%d: %@ %dx%dx%d threads %d (%.0f s elapsed)",
                                                  done, total, run.variant.id, m, k, n, run.threads, Date().timeIntervalSince(start)))
                        let measured = try measure(run.variant, problem, run.parameters, context: context,
                                                   repetitions: repetitions, minSeconds: minSeconds)
                        let tolerance = FormatTraits.of(format)!.tolerance.matmulNMSE
                        guard measured.error <= tolerance else {
                            failures.append("\(run.variant.id) \(m)x\(k)x\(n) threads \(run.threads): NMSE \(sci(measured.error)) > \(sci(tolerance)); reproduce with 'quantlab matmul --variant \(run.variant.id) --shape \(m)x\(k) --n \(n)'")
                            continue
                        }
                        rows.append(row(run.variant, problem, run.threads, label: run.label, parameters: measured.parameters,
                                        timing: measured.timing, error: measured.error, limits: limits))
                    }
                }
            }
        }
        if rows.isEmpty && failures.isEmpty {
            throw InputError("no case could run: every shape was skipped (see the notes above); choose shapes whose K is whole blocks of the formats")
        }
        if arguments.has("--json") {
            struct Report: Encodable { let machine: Machine; let rows: [Row]; let failures: [String] }
            try console.printJSON(Report(machine: Machine(cpu: .current, limits: limits), rows: rows, failures: failures))
        } else {
            console.print("\(HostCPU.current.model), read \(limits.readGBps.sorted { $0.key < $1.key }.map { String(format: "%.1f GB/s (%d thr)", $0.value, $0.key) }.joined(separator: ", ")), int8 peak \(limits.int8Gops.sorted { $0.key < $1.key }.map { String(format: "%.0f Gop/s (%d thr)", $0.value, $0.key) }.joined(separator: ", "))")
            console.print(formatTable(
                header: ["variant", "kind", "M", "K", "N", "thr", "median ms", "spread", "GFLOP/s", "weight GB/s", "limit"],
                rows: rows.map { r in
                    [r.variant, r.kind, String(r.m), String(r.k), String(r.n), String(r.threads),
                     String(format: "%.3f", r.seconds * 1e3), String(format: "%.0f%%", r.spread * 100),
                     String(format: "%.1f", r.gflops), String(format: "%.1f", r.weight_gbps),
                     r.limit_fraction.map { String(format: "%.0f%% %@", $0 * 100, r.limit) } ?? "-"]
                }))
        }
        if !failures.isEmpty {
            for f in failures { console.printError("bench: verification failed: \(f)") }
            throw InputError("\(failures.count) case(s) failed verification and were not timed")
        }
    }

    /// Verifies once, warms up once, then times up to `repetitions` runs (at least 3, stopping after `minSeconds`).
    static func measure(_ variant: KernelVariant, _ problem: MatmulProblem, _ parameters: KernelParameters,
                        context: KernelContext, repetitions: Int, minSeconds: Double)
        throws -> (timing: TimingSummary, error: Double, parameters: KernelParameters) {
        let resolved = try variant.resolve(parameters)
        let prepared = try variant.prepareWeights(problem.weights, resolved)
        let m = problem.weights.rows
        var y = [Float](repeating: .nan, count: m * problem.n)
        try problem.x.withUnsafeBufferPointer { x in
            try y.withUnsafeMutableBufferPointer { try variant.multiply(prepared, x, n: problem.n, into: $0, parameters: resolved, context: context) }
        }
        let error = y.allSatisfy(\.isFinite) ? problem.sampledError(y) : .infinity
        var samples: [Double] = []
        problem.x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { yb in
                let first = Stopwatch.seconds { variant.run(prepared, x, problem.n, yb, resolved, context) }  // warm-up
                var spent = first
                while samples.count < repetitions && (samples.count < 3 || spent < minSeconds) {
                    let t = Stopwatch.seconds { variant.run(prepared, x, problem.n, yb, resolved, context) }
                    samples.append(t)
                    spent += t
                }
            }
        }
        return (TimingSummary(samples), error, resolved)
    }

    static func row(_ variant: KernelVariant, _ problem: MatmulProblem, _ threads: Int, label: String, parameters: KernelParameters,
                    timing: TimingSummary, error: Double, limits: MachineLimits) -> Row {
        let gflops = problem.flops / timing.median / 1e9
        let gbps = Double(problem.weightBytes) / timing.median / 1e9
        let decode = problem.n == 1
        let limit = decode ? limits.bandwidth(threads: threads) : limits.int8Peak(threads: threads)
        return Row(variant: variant.id, kind: label, format: variant.weightType.name,
                   m: problem.weights.rows, k: problem.weights.columns, n: problem.n, threads: threads,
                   parameters: parameters.named, seconds: timing.median, min_seconds: timing.min,
                   spread: timing.relativeSpread, samples: timing.samples, gflops: gflops, weight_gbps: gbps,
                   limit: decode ? "bw" : "int8", limit_fraction: limit.map { (decode ? gbps : gflops) / $0 },
                   verify_nmse: error)
    }

    /// The variants `selection` names for `format`.
    static func chooseVariants(_ selection: String, format: GGMLType, registry: KernelRegistry) throws -> [KernelVariant] {
        let supported = registry.supported(weightType: format).filter { $0.method != .exact }
        switch selection {
        case "all":
            return supported
        case "tuned":
            return []
        case "best":
            // One per method (reference, rows, tiled, threaded, tiled-threaded): the widest instruction set's.
            var methods: [String] = []
            for v in supported where !methods.contains(v.identity.label) { methods.append(v.identity.label) }
            return methods.compactMap { m in
                supported.filter { $0.identity.label == m }.min { $0.instructionSet < $1.instructionSet }
            }
        default:
            guard let v = registry.variant(id: selection) else { throw InputError("no variant '\(selection)'; 'quantlab list' shows the ids") }
            let availability = registry.availability(of: v)
            guard availability.supported else { throw InputError("\(selection) cannot run here: \(availability.reason ?? "")") }
            guard v.weightType == format else {
                throw InputError("\(selection) multiplies \(v.weightType.name) weights; pass --format \(v.weightType.name)")
            }
            return [v]
        }
    }
}
