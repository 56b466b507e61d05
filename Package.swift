// swift-tools-version: 6.0
import PackageDescription

// Module graph (lowest first):
//   QuantFormats      GGML types, block layouts, reference quantizers and block dot products
//   GGUF              memory-mapped reader and writer of GGUF files
//   KernelCore        kernel contract, registry, CPU features, quantized matrices
//   ReferenceKernels  Kernels/Reference: scalar integer kernels and the f64 exact reference
//   KernelCatalog     every compiled-in variant, in one list
//   QuantLabCLI       the `quantlab` subcommands, as a library so tests can call them
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
        .target(name: "KernelCatalog", dependencies: ["KernelCore", "ReferenceKernels"], path: "Kernels/Catalog"),
        .target(name: "QuantLabCLI", dependencies: ["QuantFormats", "GGUF", "KernelCore", "KernelCatalog"]),
        .executableTarget(name: "quantlab", dependencies: ["QuantLabCLI"]),
        .target(name: "TestSupport", dependencies: ["QuantFormats", "KernelCore"], path: "Tests/Support",
                resources: [.copy("Fixtures")]),
        .testTarget(name: "QuantFormatsTests", dependencies: ["QuantFormats", "TestSupport"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "QuantFormats", "TestSupport"]),
        .testTarget(name: "KernelTests", dependencies: ["KernelCore", "KernelCatalog", "ReferenceKernels", "QuantFormats", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["QuantLabCLI", "GGUF", "QuantFormats", "TestSupport"]),
    ]
)
