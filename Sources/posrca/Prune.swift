import ArgumentParser
import POSJobs

extension POSRCA {
    /// `posrca prune --before DATE --archive DIR`: archive and remove old raw rows (docs/cli.md §2.7).
    struct Prune: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @Option(help: .init(Settings.before)) var before: String?
        @Option(help: .init(Settings.archive, "The archive folder the days are written to first.")) var archive: String?
        @Flag(help: .init(Settings.noArchive, "Remove the days without archiving them.")) var noArchive = false
        @OptionGroup var lock: LockOptions

        func job() throws -> PruneJob {
            guard let cutoff = try Settings.before.resolve(text: before) else {
                throw JobUsageError("Give --before YYYY-MM-DD: the first day to keep.")
            }
            let noArchive = try Settings.noArchive.isOn(noArchive)
            let archive = noArchive ? nil : Settings.archive.value(archive)
            if archive == nil && !noArchive {
                throw JobUsageError("Give --archive DIR to keep the days it removes (or --no-archive to remove them without one).")
            }
            return PruneJob(database: database.path, before: cutoff, archive: archive, wait: try lock.waits())
        }
    }

    /// `posrca export --since --until --out DIR`: the archive layout, on demand (docs/cli.md §2.8).
    struct Export: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @Option(help: .init(Settings.since, "The first local day, YYYY-MM-DD.", default: "the first day with data")) var since: String?
        @Option(help: .init(Settings.until, "The last local day, YYYY-MM-DD.", default: "the last day with data")) var until: String?
        @Option(help: .init(Settings.out, "The folder to write into.")) var out: String?
        @OptionGroup var lock: LockOptions

        func job() throws -> ExportJob {
            let (first, last) = (try Settings.since.resolve(text: since), try Settings.until.resolve(text: until))
            guard let out = Settings.out.value(out) else { throw JobUsageError("Give --out DIR: the folder to write the archive layout into.") }
            return ExportJob(database: database.path, since: first, until: last, out: out, wait: try lock.waits())
        }
    }
}
