import ArgumentParser
import POSJobs

extension POSRCA {
    /// `posrca ingest`: stream files and folders into the database (docs/cli.md §2.1).
    struct Ingest: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var ingest: IngestOptions
        @Argument(help: .init(Settings.inbox, "Files and folders to ingest.")) var paths: [String] = []

        func job() throws -> IngestJob {
            let inputs = paths.isEmpty ? [Settings.inbox.value(nil) ?? Defaults.inbox] : paths
            return IngestJob(database: database.path, inputs: inputs, settings: try ingest.settings(), output: try output.settings())
        }
    }
}
