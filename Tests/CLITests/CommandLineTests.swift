import Foundation
import Testing
import QuantLabCLI
import QuantFormats

/// Runs `quantlab ARGS` in-process and returns (status, stdout, stderr).
func quantlab(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    quantlab(arguments)
}

func quantlab(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    let console = Console(capture: true)
    let status = QuantLabCommandLine.run(arguments, console: console)
    return (status, console.output, console.errors)
}

func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct CommandLineTests {
    static let commandNames = QuantLabCommandLine.commandNames

    @Test(arguments: commandNames)
    func everyCommandHasHelp(_ name: String) {
        let result = quantlab(name, "--help")
        #expect(result.status == 0)
        #expect(result.output.contains("usage: quantlab \(name)"))
        #expect(result.output.contains("--help"))
    }

    @Test(arguments: commandNames)
    func everyCommandRefusesUnknownFlags(_ name: String) {
        let result = quantlab(name, "--no-such-flag")
        #expect(result.status == 2)
        #expect(result.errors.contains("unknown option '--no-such-flag'"))
        #expect(result.errors.split(separator: "\n").count == 1, "one-line error, got: \(result.errors)")
    }

    @Test func noArgumentsAndUnknownCommandsAreUsageErrors() {
        #expect(quantlab([]).status == 2)
        let unknown = quantlab("frobnicate")
        #expect(unknown.status == 2)
        #expect(unknown.errors.contains("unknown command 'frobnicate'"))
        #expect(quantlab("--help").output.contains("matmul"))
    }

    @Test func cpuReportsFeaturesAndCores() throws {
        let result = quantlab("cpu", "--json")
        #expect(result.status == 0)
        let object = try json(result.output)
        #expect((object["logical_cores"] as? Int ?? 0) >= 1)
        #expect(object["features"] is [Any])
        #expect(object["caches"] is [Any])
    }

    @Test func listJSONFollowsTheContract() throws {
        let result = quantlab("list", "--json")
        #expect(result.status == 0)
        let variants = try #require(try json(result.output)["variants"] as? [[String: Any]])
        #expect(!variants.isEmpty)
        for v in variants {
            for key in ["id", "format", "kind", "features", "supported"] { #expect(v[key] != nil, "variant lacks \(key)") }
            #expect(v.keys.contains("reason") || (v["supported"] as? Bool) == true)
        }
        let formats = Set(variants.compactMap { $0["format"] as? String })
        for f in ["q4_0", "q4_1", "q5_0", "q8_0", "q4_K", "q6_K"] { #expect(formats.contains(f), "no variant for \(f)") }
    }

    @Test(arguments: FormatTraits.weightFormats.map(\.name))
    func matmulReportsErrorWithinToleranceForEveryWeightFormat(_ format: String) throws {
        let result = quantlab("matmul", "--type", format, "--shape", "16x512", "--n", "2", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let report = try json(result.output)
        let nmse = try #require(report["kernel_nmse"] as? Double)
        let tolerance = try #require(report["tolerance"] as? Double)
        #expect(nmse <= tolerance)
        #expect(report["passed"] as? Bool == true)
    }

    @Test func matmulRejectsBadShapesTypesAndVariants() {
        let unaligned = quantlab("matmul", "--type", "q4_K", "--shape", "4x100")
        #expect(unaligned.status == 1)
        #expect(unaligned.errors.contains("256"), "names the block size: \(unaligned.errors)")
        #expect(quantlab("matmul", "--shape", "4x0").status == 2)
        #expect(quantlab("matmul", "--n", "0").status == 2)
        let triple = quantlab("matmul", "--shape", "4x256x3")
        #expect(triple.status == 2 && triple.errors.contains("--shape 4x256 --n 3"), "one shape grammar, and the way to say it: \(triple.errors)")
        #expect(quantlab("matmul", "--shape", "banana").status == 2)
        let badType = quantlab("matmul", "--type", "q9_9")
        #expect(badType.status == 1)
        #expect(badType.errors.contains("unknown type 'q9_9'"))
        #expect(quantlab("matmul", "--variant", "nope.scalar.reference").status == 1)
        #expect(quantlab("matmul", "--seed", "-3").status == 2)
        #expect(quantlab("matmul", "--param", "tile").status == 2)
        // A name no variant has is a bad flag (usage, 2); a real name the chosen variant lacks is bad input (1).
        let unknownParameter = quantlab("matmul", "--param", "tile=4")
        #expect(unknownParameter.status == 2)
        #expect(unknownParameter.errors.contains("no kernel parameter is called 'tile'") && unknownParameter.errors.contains("decode_rows"))
        let notThisVariants = quantlab("matmul", "--variant", "q8_0xq8_0.scalar.reference", "--param", "slice=1024")
        #expect(notThisVariants.status == 1)
        #expect(notThisVariants.errors.contains("has no parameter 'slice'"), "\(notThisVariants.errors)")
    }
}
