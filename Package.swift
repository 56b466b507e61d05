// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Instruction-set targets get their compile flags only when the package is built on x86-64; elsewhere (arm64) their
// sources compile to empty catalogs, so the package builds everywhere and the registry picks at run time. The
// compiler may use the flagged instructions anywhere in such a module, so KernelCatalog enters it only on a CPU
// with all of them (`CPUFeature.avx2Target` and `.avx512Target` repeat these feature sets).
#if arch(x86_64)
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c", "-Xcc", "-mbmi2"])]
let avx512Flags: [SwiftSetting] = [.unsafeFlags([
    "-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c", "-Xcc", "-mbmi2",
    "-Xcc", "-mavx512f", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512vl", "-Xcc", "-mavx512dq", "-Xcc", "-mavx512vnni",
])]
#else
let avx2Flags: [SwiftSetting] = []
let avx512Flags: [SwiftSetting] = []
#endif

// Each experiment's notebook template (Experiments/NAME/notebook.md) reaches the binary through
// NotebookTemplatePlugin, not as a source or resource, so the Experiments target excludes every one found.
let notebookTemplates = ((try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/Experiments")) ?? [])
    .map { "\($0)/notebook.md" }
    .filter { FileManager.default.fileExists(atPath: Context.packageDirectory + "/Experiments/" + $0) }

// Module graph (lowest first):
//   QuantFormats      GGML types, block layouts, reference quantizers and block dot products
//   GGUF              memory-mapped reader and writer of GGUF files
//   KernelCore        kernel contract, registry, CPU features, quantized matrices
//   ReferenceKernels  Kernels/Reference: scalar integer kernels and the f64 exact reference
//   PortableKernels   Kernels/Portable: Swift SIMD types, any CPU
//   ExampleKernels    Kernels/Examples: the worked example of adding a variant (README)
//   X86AVX2Kernels    Kernels/AVX2: AVX2 + FMA + F16C intrinsics
//   X86AVX512Kernels  Kernels/AVX512: AVX-512 F/BW/VL + VNNI intrinsics, row (decode) kernels
//   X86AVX512TiledKernels Kernels/AVX512Tiled: repacked, register-tiled AVX-512 VNNI kernels for prefill
//   X86Probes         Kernels/Probes: the machine's limits (read bandwidth, int8 dot-product peak)
// The instruction-set targets' names sort after every other target's on purpose: SwiftPM links objects in that
// order and the linker keeps the first copy of a helper several modules emit (`__swift_memcpy64_8`, shared
// specialisations), so the copy every module calls is the baseline one, not one built with AVX-512.
// Tests/isa-isolation.sh checks the linked binaries for it.
//   KernelCatalog     every compiled-in variant, in one list
//   Tuner             search strategies, verified drift-aware measurement, decisions, the tuning database
//   Tokenizer         GPT-2 byte-level BPE from a GGUF vocabulary, pre-tokenizers, chat template
//   Model             Llama-family transformer: GGUF loading, fast (tuned kernels) and f64 reference forward passes
//   Accuracy          the accuracy harness: one case list for check and bench, errors against f64, baselines
//   QuantLabCLI       the `quantlab` subcommands, as a library so tests can call them
//   Experiments       Experiments/: `quantlab experiment NAME`, measured findings written as markdown notebooks
//   quantlab          the executable
let package = Package(
    name: "QuantLab",
    products: [
        .executable(name: "quantlab", targets: ["quantlab"]),
        .library(name: "QuantFormats", targets: ["QuantFormats"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "KernelCore", targets: ["KernelCore"]),
    ],
    targets: [
        .target(name: "QuantFormats", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        .target(name: "GGUF", dependencies: ["QuantFormats"]),
        .target(name: "KernelCore", dependencies: ["QuantFormats"]),
        .target(name: "ReferenceKernels", dependencies: ["KernelCore", "QuantFormats"], path: "Kernels/Reference"),
        .target(name: "PortableKernels", dependencies: ["KernelCore", "QuantFormats"], path: "Kernels/Portable"),
        .target(name: "X86AVX2Kernels", dependencies: ["KernelCore", "QuantFormats"], path: "Kernels/AVX2", swiftSettings: avx2Flags),
        .target(name: "X86AVX512Kernels", dependencies: ["KernelCore", "QuantFormats"], path: "Kernels/AVX512", swiftSettings: avx512Flags),
        .target(name: "X86AVX512TiledKernels", dependencies: ["KernelCore", "QuantFormats", "X86AVX512Kernels"],
                path: "Kernels/AVX512Tiled", swiftSettings: avx512Flags),
        .target(name: "ExampleKernels", dependencies: ["KernelCore", "QuantFormats"], path: "Kernels/Examples"),
        .target(name: "X86Probes", dependencies: ["KernelCore"], path: "Kernels/Probes", swiftSettings: avx512Flags),
        .target(name: "KernelCatalog",
                dependencies: ["KernelCore", "ReferenceKernels", "PortableKernels", "ExampleKernels", "X86AVX2Kernels", "X86AVX512Kernels", "X86AVX512TiledKernels"],
                path: "Kernels/Catalog"),
        // KernelSourceHash.swift is generated at build time from the kernel sources (Plugins/KernelSourceHashPlugin).
        .executableTarget(name: "KernelSourceHashTool"),
        .plugin(name: "KernelSourceHashPlugin", capability: .buildTool(), dependencies: ["KernelSourceHashTool"]),
        // NotebookTemplates.swift is generated at build time from Experiments/*/notebook.md (Plugins/NotebookTemplatePlugin).
        .executableTarget(name: "NotebookTemplateTool"),
        .plugin(name: "NotebookTemplatePlugin", capability: .buildTool(), dependencies: ["NotebookTemplateTool"]),
        .target(name: "Tuner", dependencies: ["KernelCore", "QuantFormats"], plugins: ["KernelSourceHashPlugin"]),
        .target(name: "Tokenizer", dependencies: ["GGUF"]),
        .target(name: "Model", dependencies: ["QuantFormats", "GGUF", "KernelCore", "KernelCatalog", "ReferenceKernels", "Tuner", "Tokenizer"]),
        .target(name: "Accuracy", dependencies: ["QuantFormats", "KernelCore", "KernelCatalog", "ReferenceKernels"]),
        .target(name: "QuantLabCLI", dependencies: ["QuantFormats", "GGUF", "KernelCore", "KernelCatalog", "ReferenceKernels", "X86Probes", "Tuner",
                                                    "Tokenizer", "Model", "Accuracy"]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "Experiments",
                dependencies: ["QuantLabCLI", "QuantFormats", "GGUF", "KernelCore", "KernelCatalog", "Tuner", "Model", "CZlib"],
                path: "Experiments",
                // Side-by-side runs against llama.cpp's tools: shell and Python, outside the package.
                exclude: ["accuracy", "kernels", "model-speed", "llama-quantize-parity", "tuning-check", "lib"] + notebookTemplates,
                plugins: ["NotebookTemplatePlugin"]),
        .executableTarget(name: "quantlab", dependencies: ["QuantLabCLI", "Experiments"]),
        // Fuzzing (Tests/Fuzz/run.sh builds quantlab-fuzz with libFuzzer); the plain build replays inputs.
        .target(name: "FuzzHarness", dependencies: ["GGUF", "Tokenizer", "Tuner", "Model"], path: "Tests/Fuzz/Harness"),
        .executableTarget(name: "quantlab-fuzz", dependencies: ["FuzzHarness"], path: "Tests/Fuzz/Driver"),
        .target(name: "TestSupport", dependencies: ["QuantFormats", "KernelCore"], path: "Tests/Support",
                resources: [.copy("Fixtures")]),
        .testTarget(name: "QuantFormatsTests", dependencies: ["QuantFormats", "TestSupport"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "QuantFormats", "TestSupport"]),
        .testTarget(name: "KernelTests", dependencies: ["KernelCore", "KernelCatalog", "ReferenceKernels", "QuantFormats", "TestSupport"]),
        .testTarget(name: "TunerTests", dependencies: ["Tuner", "KernelCore", "KernelCatalog", "QuantFormats", "ReferenceKernels", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "GGUF", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Tokenizer", "GGUF", "KernelCore", "KernelCatalog", "QuantFormats", "Tuner", "TestSupport"]),
        .testTarget(name: "AccuracyTests", dependencies: ["Accuracy", "KernelCore", "KernelCatalog", "QuantFormats", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["QuantLabCLI", "GGUF", "QuantFormats", "Model", "Tuner", "TestSupport"]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzHarness"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "QuantLabCLI", "KernelCatalog", "TestSupport"]),
    ]
)
