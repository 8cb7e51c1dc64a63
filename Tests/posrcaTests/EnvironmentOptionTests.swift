import Foundation
import Testing

// One way to read options (docs/cli.md §1), through the real binary: a POSRCA_* variable is
// checked as its flag is, by every command that reads it, and a bad one exits 64 naming the
// variable before anything is read or created.

@Suite("POSRCA_* variables are checked like their flags")
struct EnvironmentOptionTests {
    @Test(
        "a bad variable is a usage error naming it, and nothing is created",
        arguments: [
            (["ingest"], "POSRCA_MAX_LINE_BYTES", "100"),
            (["ingest"], "POSRCA_LOG_FORMAT", "xml"),
            (["ingest"], "POSRCA_VERIFY_UNCHANGED", "2"),
            (["ingest"], "POSRCA_QUIET", "maybe"),
            (["nightly"], "POSRCA_MAX_INFLATE_RATIO", "1"),
            (["nightly"], "POSRCA_KIND", "zip"),
            (["nightly"], "POSRCA_TOP", "-1"),
            (["nightly"], "POSRCA_OUTCOME", "lost"),
            (["nightly"], "POSRCA_NO_ARCHIVE", "2"),
            (["nightly"], "POSRCA_GROUP_READABLE", "maybe"),
            (["analyze"], "POSRCA_DAYS", "0"),
            (["codes"], "POSRCA_FORMAT", "xls"),
        ])
    func refused(command: [String], variable: String, value: String) throws {
        let work = Workspace()
        let arguments = command + ["--db", work.db] + (command == ["nightly"] ? ["--inbox", work.inbox, "--reports", work.reports] : [])
        let outcome = try posrca(arguments, environment: [variable: value])
        #expect(outcome.exitStatus == 64, "\(outcome)")
        #expect(outcome.stderr.contains("\(variable) \(value) is not "), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.db))
        #expect(!FileManager.default.fileExists(atPath: work.reports))
    }

    @Test("a boolean variable is on with true or yes, not only 1", arguments: ["true", "yes", "1"])
    func booleanWords(_ value: String) throws {
        let work = Workspace()
        try work.write("day.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved\n")
        let first = try posrca(["ingest", "--db", work.db, work.inbox])
        #expect(first.exitStatus == 0, "\(first)")
        // Verified: the unchanged file is hashed, still unchanged.
        let again = try posrca(["ingest", "--db", work.db, work.inbox], environment: ["POSRCA_VERIFY_UNCHANGED": value])
        #expect(again.exitStatus == 0, "\(again)")
        #expect(again.stdout.hasPrefix("unchanged "), "\(again.stdout)")
        // --no-archive from its variable: prune needs no --archive then.
        let prune = try posrca(["prune", "--db", work.db, "--before", "2026-11-01"], environment: ["POSRCA_NO_ARCHIVE": value])
        #expect(prune.exitStatus == 0, "\(prune)")
        #expect(prune.stdout.contains("Nothing before 2026-11-01 to prune."), "\(prune.stdout)")
    }
}
