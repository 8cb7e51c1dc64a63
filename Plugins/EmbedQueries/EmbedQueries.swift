import Foundation
import PackagePlugin

/// Builds every `Queries/NAME.sql` into the binary: on each build, the `embed-queries` tool turns
/// the target's `.sql` files into one Swift source (`BuiltInQueries.generatedFiles`) in the build
/// folder. Nothing generated is kept in the repository; a query added, edited or removed is picked
/// up by the next build with no other step.
@main
struct EmbedQueries: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let queries = target.sourceFiles(withSuffix: ".sql").map(\.url).sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedQueries.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(queries.count) canned queries in \(target.name)",
                executable: try context.tool(named: "embed-queries").url,
                arguments: [output.path(percentEncoded: false)] + queries.map { $0.path(percentEncoded: false) },
                inputFiles: queries,
                outputFiles: [output]
            )
        ]
    }
}
