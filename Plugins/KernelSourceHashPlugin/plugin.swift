import Foundation
import PackagePlugin

/// Generates `KernelSourceHash.swift` for the target it is applied to (Tuner): a hash of every source that decides
/// a kernel's result or speed, so tuning results are keyed to the kernels that produced them without a hand edit.
/// The inputs are declared, so the build reruns the tool whenever one of them changes.
@main struct KernelSourceHashPlugin: BuildToolPlugin {
    /// The hashed targets besides every one under Kernels/ (so a new kernel target is hashed with no edit): the
    /// formats the kernels read, and the contract, row driver and thread pool they run on.
    static let sharedTargets: Set<String> = ["QuantFormats", "KernelCore"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let kernels = context.package.directoryURL.appending(path: "Kernels").standardizedFileURL.path + "/"
        let sources = context.package.targets
            .compactMap { $0 as? SourceModuleTarget }
            .flatMap { target in
                target.sourceFiles(withSuffix: "swift").map(\.url).filter {
                    Self.sharedTargets.contains(target.name) || $0.standardizedFileURL.path.hasPrefix(kernels)
                }
            }
        let output = context.pluginWorkDirectoryURL.appending(path: "KernelSourceHash.swift")
        return [.buildCommand(displayName: "Hashing \(sources.count) kernel sources",
                              executable: try context.tool(named: "KernelSourceHashTool").url,
                              arguments: [context.package.directoryURL.path, output.path] + sources.map(\.path),
                              inputFiles: sources, outputFiles: [output])]
    }
}
