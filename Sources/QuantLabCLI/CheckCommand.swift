import Accuracy
import Foundation
import KernelCatalog
import Model
import QuantFormats

/// `quantlab check`: every variant this CPU runs, over the shared case list, against the f64 reference, the
/// format's tolerance and the committed baseline. Exits 0 only when every case passes.
enum CheckCommand: Command {
    static let name = "check"
    static let summary = "accuracy regression check: every variant and case against f64, tolerances and the baseline"
    static let usage = """
        quantlab check [--json] [--update-baseline] [--baseline PATH] [--variant ID] [--format T] [--cases]

        Runs every supported variant (threaded ones at 2 threads) on the case list that 'quantlab bench' also uses:
        the bench shapes (N = 1, and N = 16 for the small ones) and edge cases (K of one block, M = 1, N from 1 to
        33, unaligned x and y, zero, outlier, cos, ramp, tiny and int8-exact data). A case fails when its NMSE
        against the f64 reference exceeds the format's tolerance, or exceeds \(Int(BaselineRule.factor))x its
        baseline and \(String(format: "%.0e", BaselineRule.floor)). Cases without a baseline entry are reported as
        new. --update-baseline records this run's errors in the baseline (others kept). The default baseline is
        the repository's Tests/Support/Fixtures/check-baseline.json.

        Model level (unless --skip-models, or when --variant or --format narrows the run): the built-in llama and
        qwen2 models, and SmolLM2 when .ci/fetch-smollm2.sh has fetched it: the fast path against the f64 reference
        (top-1 agreement at least \(ModelAccuracy.minimumTop1), mean KL at most \(ModelAccuracy.maximumKL), KL within
        \(Int(ModelBaseline.klFactor))x its baseline) and perplexity on a fixed text (within \(Int(100 * ModelBaseline.pplTolerance))% of its
        baseline), recorded in check-model-baseline.json beside the kernel baseline.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.flag("--json", "print {\"cases\": [...], \"failures\": N, \"new\": N, \"models\": ...}")
        s.flag("--update-baseline", "write this run's errors into the baseline file")
        s.flag("--cases", "print one table row per case, not per variant")
        s.option("--baseline", value: "PATH", "baseline file (default: the repository's check-baseline.json)")
        s.option("--variant", value: "ID", "check one variant only")
        s.option("--format", value: "LIST", "check these weight formats only (e.g. q4_0,q4_K)")
        s.flag("--skip-models", "skip the model-level checks (built-in models, and SmolLM2 when fetched)")
        return s
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let formats = try arguments.value("--format").map { list in
            try list.split(separator: ",").map { name -> GGMLType in
                let type = try parseType(String(name))
                guard FormatTraits.of(type)?.isWeightFormat == true else {
                    throw InputError("\(type.name) is not a weight format; weight formats: \(FormatTraits.weightFormats.map(\.name).joined(separator: ", "))")
                }
                return type
            }
        }
        let path = arguments.value("--baseline") ?? Baseline.defaultPath
        let start = Date()
        let baseline: Baseline
        let results: [CaseResult]
        let coverage: CheckCoverage
        do {
            baseline = try Baseline.load(path)
            if baseline.entries.isEmpty { console.printError("check: no baseline entries in \(path); every case is new") }
            let runner = AccuracyRunner(registry: KernelCatalog.registry)
            results = try runner.run(variant: arguments.value("--variant"), formats: formats) { console.printError($0) }
            coverage = CheckCoverage(registry: runner.registry, cases: runner.cases, variant: arguments.value("--variant"), formats: formats)
        } catch let error as AccuracyError {
            throw InputError(error.description)
        }
        var judgedAgainst = baseline
        if arguments.has("--update-baseline") {
            judgedAgainst = baseline.updated(with: results)
            do { try judgedAgainst.save(path) } catch let error as AccuracyError { throw InputError(error.description) }
            console.printError("check: wrote \(results.count) entries to \(path) (\(judgedAgainst.entries.count) in all)")
        }
        var report = CheckReport(cases: results.map { BaselineRule.judge($0, baseline: judgedAgainst) }, baseline: path,
                                 seconds: Date().timeIntervalSince(start), coverage: coverage)
        let narrowed = arguments.value("--variant") != nil || arguments.value("--format") != nil
        if !arguments.has("--skip-models") && !narrowed {
            let modelPath = ModelBaseline.path(besideKernelBaseline: path)
            var modelBaseline = try ModelBaseline.load(modelPath)
            let modelResults = try ModelChecks.run(threads: 2, includeReal: true) { console.printError("check: \($0)") }
            if arguments.has("--update-baseline") {
                modelBaseline = modelBaseline.updated(with: modelResults)
                try modelBaseline.save(modelPath)
                console.printError("check: wrote \(modelResults.count) model entries to \(modelPath)")
            }
            report.models = modelResults.map(modelBaseline.judge)
            report.seconds = Date().timeIntervalSince(start)
            report.recount()
        }
        if arguments.has("--json") {
            console.print(try report.json())
        } else {
            console.print(arguments.has("--cases") ? caseTable(report.cases) : variantTable(report.cases))
            if let models = report.models {
                console.print("\n" + formatTable(header: ["model", "check", "top-1", "mean KL", "perplexity", "passed"], rows: models.map {
                    [$0.model, $0.check, String(format: "%.3f", $0.metrics["top1"] ?? 0), String(format: "%.2e", $0.metrics["kl"] ?? 0),
                     $0.metrics["ppl"].map { String(format: "%.3f", $0) } ?? "-", $0.passed ? "yes" : "NO"]
                }))
            }
            console.print("covers \(coverage.coveredVariants) of \(coverage.variants) supported variants (the f64 references aside) at "
                          + "\(coverage.covered) of \(coverage.required) (variant, batch class) pairs")
            console.print(String(format: "%d cases, %d failed, %d new (no baseline), %.1f s", report.cases.count, report.failures,
                                 report.new, report.seconds))
        }
        for failure in report.cases where !failure.passed { console.printError("check: FAIL \(failure.message ?? failure.variant)") }
        for failure in report.models ?? [] where !failure.passed { console.printError("check: FAIL \(failure.message ?? failure.model)") }
        for item in coverage.missing { console.printError("check: FAIL no case reaches \(item): CheckCases.cases(for:) should add one") }
        if report.failures > 0 { throw InputError("\(report.failures) case(s) failed; each is listed above with the command that reproduces it") }
    }

    /// One row per variant: its worst case relative to tolerance.
    static func variantTable(_ cases: [CaseResult]) -> String {
        var order: [String] = []
        var byVariant: [String: [CaseResult]] = [:]
        for c in cases {
            if byVariant[c.variant] == nil { order.append(c.variant) }
            byVariant[c.variant, default: []].append(c)
        }
        return formatTable(
            header: ["variant", "format", "cases", "worst NMSE", "worst case", "max |err|", "tolerance", "new", "failed"],
            rows: order.map { id in
                let rows = byVariant[id]!
                let worst = rows.max { $0.nmse / $0.tolerance < $1.nmse / $1.tolerance }!
                return [id, worst.format, String(rows.count), sci(worst.nmse), worst.case, sci(rows.map(\.max_abs).max() ?? 0),
                        sci(worst.tolerance), String(rows.filter { $0.status == .new }.count), String(rows.filter { !$0.passed }.count)]
            })
    }

    static func caseTable(_ cases: [CaseResult]) -> String {
        formatTable(header: ["variant", "case", "shape", "data", "thr", "NMSE", "baseline", "max |err|", "tolerance", "status"],
                    rows: cases.map { c in
                        [c.variant, c.case, c.shape, c.data, String(c.threads), sci(c.nmse), c.baseline_nmse.map(sci) ?? "-",
                         sci(c.max_abs), sci(c.tolerance), c.status.rawValue]
                    })
    }
}
