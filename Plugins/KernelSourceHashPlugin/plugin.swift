import Foundation
import PackagePlugin

/// Generates `KernelSourceHash.swift` for the target it is applied to (Tuner): a hash of every source that decides
/// a kernel's result or speed, so tuning results are keyed to the kernels that produced them without a hand edit.
/// The inputs are declared, so the build reruns the tool whenever one of them changes.
@main struct KernelSourceHashPlugin: BuildToolPlugin {
    /// The targets whose sources are hashed: everything under Kernels/, the formats the kernels read, and the
    /// contract, row driver and thread pool they run on (KernelCore).
    static let hashedTargets: Set<String> = [
        "QuantFormats", "KernelCore", "ReferenceKernels", "PortableKernels", "X86AVX2Kernels", "X86AVX512Kernels",
        "X86AVX512TiledKernels", "X86Probes", "KernelCatalog",
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sources = context.package.targets
            .filter { Self.hashedTargets.contains($0.name) }
            .compactMap { $0 as? SourceModuleTarget }
            .flatMap { $0.sourceFiles(withSuffix: "swift") }
            .map(\.url)
        let output = context.pluginWorkDirectoryURL.appending(path: "KernelSourceHash.swift")
        return [.buildCommand(displayName: "Hashing \(sources.count) kernel sources",
                              executable: try context.tool(named: "KernelSourceHashTool").url,
                              arguments: [context.package.directoryURL.path, output.path] + sources.map(\.path),
                              inputFiles: sources, outputFiles: [output])]
    }
}
