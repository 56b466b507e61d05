import Foundation
import PackagePlugin

/// Embeds every experiment's notebook template (`Experiments/NAME/notebook.md`) in the Experiments target as
/// `NotebookTemplates.text`, so a notebook's words are edited as markdown and the binary needs no resource files.
@main struct NotebookTemplatePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let experiments = context.package.directoryURL.appending(path: "Experiments")
        let names = try FileManager.default.contentsOfDirectory(atPath: experiments.path).sorted()
        let templates = names.map { (name: $0, url: experiments.appending(path: $0).appending(path: "notebook.md")) }
            .filter { FileManager.default.fileExists(atPath: $0.url.path) }
        let output = context.pluginWorkDirectoryURL.appending(path: "NotebookTemplates.swift")
        return [.buildCommand(displayName: "Embedding \(templates.count) notebook templates",
                              executable: try context.tool(named: "NotebookTemplateTool").url,
                              arguments: [output.path] + templates.map { "\($0.name)=\($0.url.path)" },
                              inputFiles: templates.map(\.url), outputFiles: [output])]
    }
}
