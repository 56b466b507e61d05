import Accuracy
import Foundation
import KernelCore
import KernelCatalog
import QuantFormats
import ReferenceKernels

/// `quantlab matmul`: one variant on one shape, with its error against the f64 reference.
enum MatmulCommand: Command {
    static let name = "matmul"
    static let summary = "run one kernel variant on a seeded random problem and report its error against f64"
    static let usage = """
        quantlab matmul [--variant ID | --type T] [--shape MxK] [--n N] [--seed S] [--data KIND] [--unaligned]
                        [--param NAME=VALUE]... [--json]

        W (M x K) and x (K x N) are seeded values of the data kind (default gauss; 'quantlab check' prints the
        kind and seed of each case); W is quantized with the format's reference quantizer.
        kernel_nmse compares the variant with the f64 product of the dequantized W; format_nmse compares that f64
        product with the one of the unquantized W, so the two show kernel error beside quantization error.
        Exits 1 when kernel_nmse exceeds the format's tolerance.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.option("--variant", value: "ID", "variant id from 'quantlab list' (default: the scalar reference of --type)")
        s.option("--type", value: "T", "weight format when --variant is not given (default q4_0)")
        s.option("--shape", value: "MxK", "weight rows and row length, a multiple of the block size (default 64x256)")
        s.option("--n", value: "N", "activation columns (default 1)")
        s.option("--seed", value: "S", "random seed (default 1)")
        s.option("--data", value: "KIND", "seeded data kind: \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")) (default gauss)")
        s.flag("--unaligned", "x and y one float past aligned storage, as the check's unaligned cases")
        s.option("--param", value: "NAME=VALUE", "set a tunable parameter of the variant", repeatable: true)
        s.flag("--json", "print one JSON object")
        return s
    }

    struct Report: Encodable {
        let variant: String, format: String, m: Int, k: Int, n: Int, seed: Int, parameters: [String: Int]
        let kernel_nmse: Double, max_abs: Double, tolerance: Double, passed: Bool
        let format_nmse: Double?, seconds: Double, data: String
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let variant = try chooseVariant(arguments)
        let (m, k) = try ShapeArguments.parse(arguments.value("--shape") ?? "64x256")
        let n = try arguments.int("--n", default: 1, in: 1...(1 << 20))
        guard m * k <= 1 << 28, k * n <= 1 << 28 else {
            throw UsageError("--shape \(m)x\(k) --n \(n) is too large: at most 2^28 elements per operand")
        }
        let seed = try arguments.int("--seed", default: 1, in: 0...Int.max)
        let parameters = try parseParameters(arguments.values("--param"))
        let traits = FormatTraits.of(variant.weightType)!

        let kindName = arguments.value("--data") ?? "gauss"
        guard let kind = DataKind(rawValue: kindName) else {
            throw UsageError("--data expects one of \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(kindName)'")
        }
        let data = try CaseData.make(kind, type: variant.weightType, m: m, k: k, n: n, seed: UInt64(seed))
        let w = data.weights, x = data.x
        let prepared = try variant.prepareWeights(w, parameters)

        let start = DispatchTime.now().uptimeNanoseconds
        let y = try AccuracyRunner.multiply(variant, prepared, x, n: n, unaligned: arguments.has("--unaligned"),
                                            parameters: parameters, context: .shared)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let exact = ExactReference.multiply(w, x, n: n)
        // The format's own error needs the unquantized weights, which the bench kind never builds.
        let truth = try data.original.map { ExactReference.multiply(try QuantizedMatrix.quantizing($0, rows: m, columns: k, as: .f32), x, n: n) }
        let kernelError = ErrorMetrics.nmse(y, exact)
        let maxAbs = ErrorMetrics.maxAbsoluteError(y, exact)
        let passed = kernelError <= traits.tolerance.matmulNMSE && y.allSatisfy { $0.isFinite }
        let report = Report(variant: variant.id, format: variant.weightType.name, m: m, k: k, n: n, seed: seed,
                            parameters: try variant.resolve(parameters).named,
                            kernel_nmse: kernelError, max_abs: maxAbs, tolerance: traits.tolerance.matmulNMSE,
                            passed: passed, format_nmse: truth.map { ErrorMetrics.nmse(exact, $0) }, seconds: seconds, data: kind.rawValue)
        if arguments.has("--json") {
            try console.printJSON(report)
        } else {
            console.print("\(report.variant)  \(m)x\(k)x\(n)  \(kind.rawValue) data, seed \(seed)  \(try KernelParameters(named: report.parameters))")
            console.print("  kernel NMSE vs f64:   \(sci(report.kernel_nmse))  (tolerance \(sci(report.tolerance)))  max |error| \(sci(maxAbs))")
            console.print("  format NMSE (W quantized vs unquantized): \(report.format_nmse.map(sci) ?? "- (the bench data keeps no unquantized W)")")
            console.print("  time: \(String(format: "%.3f", seconds * 1e3)) ms (one run; use 'quantlab bench' for timings)")
        }
        if !passed {
            throw InputError("\(variant.id) failed: NMSE \(sci(kernelError)) exceeds tolerance \(sci(traits.tolerance.matmulNMSE))")
        }
    }

    static func chooseVariant(_ arguments: ParsedArguments) throws -> KernelVariant {
        let registry = KernelCatalog.registry
        if let id = arguments.value("--variant") {
            if arguments.value("--type") != nil { throw UsageError("give --variant or --type, not both") }
            guard let v = registry.variant(id: id) else {
                throw InputError("no variant '\(id)'; 'quantlab list' shows the ids")
            }
            let availability = registry.availability(of: v)
            guard availability.supported else { throw InputError("\(id) cannot run here: \(availability.reason ?? "")") }
            return v
        }
        let type = try parseType(arguments.value("--type") ?? "q4_0")
        guard let v = registry.variants.first(where: { $0.weightType == type && $0.method == .reference }) else {
            throw InputError("no kernel multiplies \(type.name) weights; weight formats: \(FormatTraits.weightFormats.map(\.name).joined(separator: ", "))")
        }
        return v
    }

    static func parseParameters(_ items: [String]) throws -> KernelParameters {
        var parameters = KernelParameters()
        for item in items {
            let pieces = item.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, let value = Int(pieces[1]) else {
                throw UsageError("--param expects NAME=INTEGER, got '\(item)'")
            }
            guard let name = ParameterName(name: String(pieces[0])) else {
                throw UsageError("--param: no kernel parameter is called '\(pieces[0])'; they are \(ParameterName.allCases.map(\.name).joined(separator: ", "))")
            }
            parameters[name] = value
        }
        return parameters
    }
}

func sci(_ value: Double) -> String { String(format: "%.3e", value) }

