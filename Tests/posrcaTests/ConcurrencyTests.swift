import Foundation
import Glibc
import Testing

// Issue 5, part 6: two ingests on one database at once, two nightly runs at once, and a lock
// file left by a killed nightly run.

/// Two data sets of different content, generated once.
final class TwoInboxes: Sendable {
    static let shared = TwoInboxes()
    let workspace = Workspace.shared("two-inboxes")
    var first: String { workspace.inbox + "/first" }
    var second: String { workspace.inbox + "/second" }

    init() {
        try! generateSampleSet(into: workspace.inbox + "/first", terminals: 100, seed: 11)
        try! generateSampleSet(into: workspace.inbox + "/second", terminals: 100, seed: 22)
        // Logs only in the second: an inventory loaded by both would replace the other's rows, and the
        // same code catalogue in both would be a duplicate, each in the order the runs happen to take.
        try! FileManager.default.removeItem(atPath: second + "/inventory.csv")
        try! FileManager.default.removeItem(atPath: second + "/codes-private.csv")
    }
}

@Suite("Concurrency: ingests and nightly runs at the same time", .serialized)
struct ConcurrencyTests {
    @Test("two ingests of different folders into one new database at once both succeed with the totals of one after the other")
    func twoIngestsAtOnce() throws {
        let inboxes = TwoInboxes.shared
        let sequential = Workspace("ingest-sequential")
        #expect(try posrca(["ingest", "--db", sequential.db, inboxes.first]).exitStatus == 1)
        #expect(try posrca(["ingest", "--db", sequential.db, inboxes.second]).exitStatus == 1)
        let expected = try LedgerState(sequential)
        let transactionsSQL = "SELECT tid, ts, type, stan, amount, rc, disp, file, line FROM transactions ORDER BY file, line"
        let expectedTransactions = try sequential.sql(transactionsSQL)
        #expect(expectedTransactions.count > 2000)

        // Three times, since which one waits for which differs from run to run.
        for attempt in 1...3 {
            let space = Workspace("ingest-together-\(attempt)")
            let a = try ChildProcess(posrcaBinary, ["ingest", "--db", space.db, inboxes.first])
            let b = try ChildProcess(posrcaBinary, ["ingest", "--db", space.db, inboxes.second])
            let outcomeA = a.wait()
            let outcomeB = b.wait()
            // Both saw rejected lines (the data sets have them), neither failed a file.
            #expect(outcomeA.exitStatus == 1, "attempt \(attempt): \(outcomeA)")
            #expect(outcomeB.exitStatus == 1, "attempt \(attempt): \(outcomeB)")
            #expect(!outcomeA.stdout.contains("failed ") && !outcomeB.stdout.contains("failed "), "attempt \(attempt)")
            let state = try LedgerState(space)
            #expect(state == expected, "attempt \(attempt): got\n\(state)\nexpected\n\(expected)")
            #expect(try space.sql(transactionsSQL) == expectedTransactions, "attempt \(attempt)")
            #expect(try space.count("SELECT count(*) FROM (SELECT value FROM dictionary GROUP BY value HAVING count(*) > 1)") == 0)
        }
    }

    @Test("a second nightly run while one holds the lock exits 75 at once, naming the holder; the first finishes")
    func twoNightlyRunsAtOnce() throws {
        let corpus = KillCorpus.shared
        let space = Workspace("nightly-twice")
        let first = try ChildProcess(posrcaBinary, ["nightly", "--db", space.db, "--inbox", corpus.inbox, "--reports", space.reports])
        // Wait until the first run has written its PID into the lock file: it holds the lock then.
        let lockPath = space.db + ".lock"
        var waited = 0.0
        while (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) != String(first.pid),
            waited < 10
        {
            pause(0.002)
            waited += 0.002
        }
        #expect(first.isRunning, "the first run ended before the second could start")
        let second = try posrca(["nightly", "--db", space.db, "--inbox", corpus.inbox, "--reports", space.reports])
        #expect(second.exitStatus == 75, "\(second)")
        #expect(second.stderr.contains("another nightly run holds \(lockPath) (PID \(first.pid)); try again later"), "\(second)")
        // It did not wait for the lock: its log is the start and the refusal, nothing after them
        // (no waiting line, no ingest, no report), however long the first run takes.
        let events = second.stderr.split(separator: "\n")
        #expect(
            events.count == 2 && events[0].hasSuffix("nightly run started") && events[1].contains("error: another nightly run holds"), "\(second)")
        #expect(!second.stderr.contains("waiting"), "\(second)")
        let firstOutcome = first.wait()
        #expect(firstOutcome.exitStatus == 1, "\(firstOutcome)")
        // Released: the file is emptied, and a third run goes ahead.
        #expect((try? String(contentsOfFile: lockPath, encoding: .utf8)) == "")
        let third = try posrca(["nightly", "--db", space.db, "--inbox", corpus.inbox, "--reports", space.reports])
        #expect(third.exitStatus == 0, "\(third)")
        #expect(!third.stderr.contains("took over"), "\(third)")
    }

    @Test("nightly takes over a lock file left by a killed run (a PID that no longer runs), and records it")
    func staleLockFile() throws {
        let space = Workspace("stale-lock")
        try space.write("day.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved\n")
        // A PID that surely ran and ended: a child of ours, reaped.
        let gone = try ChildProcess("/bin/true", [])
        gone.wait()
        #expect(kill(gone.pid, 0) == -1 && errno == ESRCH)
        try "\(gone.pid)\n".write(toFile: space.db + ".lock", atomically: false, encoding: .utf8)
        let run = try posrca(["nightly", "--db", space.db, "--inbox", space.inbox, "--reports", space.reports])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(run.stderr.contains("took over the lock left by PID \(gone.pid), a run that ended without releasing it"), "\(run)")
        #expect((try? String(contentsOfFile: space.db + ".lock", encoding: .utf8)) == "")
        let date = try #require(try FileManager.default.contentsOfDirectory(atPath: space.reports).first { !$0.hasPrefix(".") })
        let manifest = try String(contentsOfFile: space.reports + "/" + date + "/manifest.json", encoding: .utf8)
        #expect(
            manifest.contains("\"previous_lock_holder\": \(gone.pid)") || manifest.contains("\"previous_lock_holder\":\(gone.pid)"),
            "\(manifest.prefix(2000))")
        #expect(try space.count("SELECT count(*) FROM transactions") == 1)

        // A PID that runs but does not hold the lock (the PID was reused): the lock is free all the same.
        try "\(getpid())\n".write(toFile: space.db + ".lock", atomically: false, encoding: .utf8)
        let again = try posrca(["nightly", "--db", space.db, "--inbox", space.inbox, "--reports", space.reports])
        #expect(again.exitStatus == 0, "\(again)")
        #expect(again.stderr.contains("took over the lock left by PID \(getpid())"), "\(again)")
    }
}
