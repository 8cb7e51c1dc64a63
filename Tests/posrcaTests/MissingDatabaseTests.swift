import Foundation
import Testing

// Commands that read the database, given a path where there is none: exit 2 with a message that
// says what to do, and no file created (no empty database made out of a typo, no lock, no WAL).

@Suite("A missing database: reading commands exit 2 and create nothing")
struct MissingDatabaseTests {
    /// The commands, with `OUT` standing for a folder in the test's workspace.
    static let commands: [[String]] = [
        ["analyze"],
        ["query", "run", "unknown_rate_by_day"],
        ["sql", "SELECT 1"],
        ["report", "--out", "OUT"],
        ["codes"],
        ["export", "--out", "OUT"],
        ["prune", "--before", "2026-11-21", "--archive", "OUT"],
    ]

    /// Runs `arguments` against a database path that does not exist and checks the exit, the
    /// message and that the workspace is as empty afterwards as before.
    private func expectRefused(_ arguments: [String], database: String, environment: [String: String] = [:], in work: Workspace) throws {
        let out = work.root + "/out"
        let resolved = arguments.map { $0 == "OUT" ? out : $0 }
        let before = Set(FileManager.default.enumerator(atPath: work.root)?.allObjects as? [String] ?? [])
        let outcome = try posrca(resolved, environment: environment)
        #expect(outcome.exitStatus == 2, "\(arguments): \(outcome)")
        #expect(outcome.stderr.contains("no database at \(database): run `posrca ingest` first"), "\(arguments): \(outcome.stderr)")
        #expect(outcome.stdout.isEmpty, "\(arguments): \(outcome.stdout)")
        for suffix in ["", ".lock", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: database + suffix), "\(arguments) created \(database + suffix)")
        }
        let after = Set(FileManager.default.enumerator(atPath: work.root)?.allObjects as? [String] ?? [])
        #expect(after == before, "\(arguments) created \(after.subtracting(before).sorted())")
    }

    @Test("--db pointing at a file that does not exist", arguments: commands)
    func missingFile(_ arguments: [String]) throws {
        let work = Workspace()
        let database = work.root + "/typo.sqlite"
        try expectRefused(arguments + ["--db", database], database: database, in: work)
    }

    @Test("--db in a folder that does not exist", arguments: commands)
    func missingFolder(_ arguments: [String]) throws {
        let work = Workspace()
        let database = work.root + "/no-such-folder/posrca.sqlite"
        try expectRefused(arguments + ["--db", database], database: database, in: work)
    }

    @Test("POSRCA_DB pointing at a file that does not exist", arguments: commands)
    func missingFromEnvironment(_ arguments: [String]) throws {
        let work = Workspace()
        let database = work.root + "/from-env.sqlite"
        try expectRefused(arguments, database: database, environment: ["POSRCA_DB": database], in: work)
    }
}
