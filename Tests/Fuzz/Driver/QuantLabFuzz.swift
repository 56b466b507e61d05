import Foundation
import FuzzHarness

// Built two ways (Tests/Fuzz/run.sh):
// - with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer's main drives `LLVMFuzzerTestOneInput`, and
//   $QUANTLAB_FUZZ_TARGET picks the parser;
// - plainly: `quantlab-fuzz TARGET FILE...` replays inputs (a crash found by the fuzzer, reproduced without it), and
//   `quantlab-fuzz seeds DIR` writes the seed corpus.
#if FUZZING
let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["QUANTLAB_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set QUANTLAB_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// libFuzzer's entry for programs that have their own main.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: FuzzCallback) -> CInt

/// SwiftPM links an executable target's entry under this name (so tests can link the module), which leaves
/// libFuzzer's own main unused: hand control to libFuzzer's driver from here.
@_cdecl("quantlab_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
enum QuantLabFuzz {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let usage = "usage: quantlab-fuzz TARGET FILE... | quantlab-fuzz seeds DIR   (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))"
        guard let first = arguments.first else {
            FileHandle.standardError.write(Data("quantlab-fuzz: \(usage)\n".utf8))
            exit(2)
        }
        if first == "--help" {
            print(usage)
            return
        }
        if first == "seeds", arguments.count == 2 {
            let written = try SeedCorpus.write(to: arguments[1])
            print("wrote \(written) seed files under \(arguments[1])")
            return
        }
        guard let target = FuzzTarget(rawValue: first), arguments.count > 1 else {
            FileHandle.standardError.write(Data("quantlab-fuzz: \(usage)\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("quantlab-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            target.run([UInt8](data))
            print("ok \(path)")
        }
    }
}
#endif
