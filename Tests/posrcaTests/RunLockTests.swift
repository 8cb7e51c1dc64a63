import Foundation
import Glibc
import Testing

// One writer at a time on a database: while another process holds `DB.lock`, writers (analyze,
// prune) and settled readers (report, export) either wait for it or, with --no-wait, exit 75
// naming the holder and changing nothing.
//
// The lock is held by util-linux's flock(1), as deterministically as a test can: a shell under
// `flock -o DB.lock` writes flock's PID into the file (what a posrca holder writes) and holds
// until the test creates a release file. No timing is asserted; the test waits for events.

/// True when util-linux's flock(1) is installed.
let flockAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")

/// A process holding a database's run lock until `release()`.
final class LockHolder {
    let process: ChildProcess
    let releaseFile: String

    /// Takes the lock of `database` (exclusive, or shared) and returns once it is held.
    init(database: String, shared: Bool = false) throws {
        let lock = database + ".lock"
        releaseFile = database + ".release"
        // $PPID is flock's PID, which holds the lock (-o: the shell does not inherit it). The
        // loop ends by itself after 120 s, so that a failing test cannot leave it behind.
        let script = """
            \(shared ? "" : "echo $PPID > \"$0\";") echo held > "$1.held"
            i=0; while [ ! -e "$1" ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i+1)); done
            """
        process = try ChildProcess("/usr/bin/flock", [shared ? "-s" : "-x", "-o", lock, "/bin/sh", "-c", script, lock, releaseFile])
        let held = releaseFile + ".held"
        #expect(waitFor { FileManager.default.fileExists(atPath: held) || !self.process.isRunning }, "the holder never took the lock")
        #expect(process.isRunning, "\(process.wait())")
    }

    /// Lets the holder end, and waits for it: the lock is free afterwards.
    func release() {
        _ = FileManager.default.createFile(atPath: releaseFile, contents: nil)
        let outcome = process.wait()
        #expect(outcome.exitStatus == 0, "\(outcome)")
    }

    deinit {
        if process.isRunning { release() }
    }
}

/// Polls `condition` every 20 ms; false when it is still false after `limit` seconds (a safety
/// net for a test that would otherwise hang, not a timing assertion).
func waitFor(limit: Double = 120, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(limit)
    while !condition() {
        if Date() > deadline { return false }
        pause(0.02)
    }
    return true
}

@Suite("Run lock: one writer at a time", .serialized, .enabled(if: flockAvailable))
struct RunLockTests {
    /// A database with a day of a few transactions, not yet analysed.
    private func database() throws -> Workspace {
        let work = Workspace()
        var text = ""
        for n in 1...40 {
            let second = String(format: "%02d", n % 60)
            text +=
                "ts=2026-11-20T08:10:\(second)Z tid=2048\(1000 + n % 7) ev=txn type=sale stan=\(String(format: "%06d", n)) amt=100 cur=156 rc=00 disp=approved\n"
        }
        try work.write("terminal-2026-11-20.log", text)
        let ingest = try posrca(["ingest", "--db", work.db, work.inbox])
        #expect(ingest.exitStatus == 0, "\(ingest)")
        return work
    }

    @Test(
        "while another process holds the lock, --no-wait makes analyze, prune, report and export exit 75 naming it, and changes nothing",
        arguments: [
            ["analyze"], ["prune", "--before", "2026-11-21", "--archive", "ARCHIVE"], ["report", "--out", "REPORTS"],
            ["export", "--out", "ARCHIVE"],
        ])
    func noWaitExits75(_ command: [String]) throws {
        let work = try database()
        let holder = try LockHolder(database: work.db)
        defer { holder.release() }
        let before = fileBytes(work.db)
        let arguments = command.map { $0 == "ARCHIVE" ? work.root + "/archive" : $0 == "REPORTS" ? work.reports : $0 }
        let outcome = try posrca(arguments + ["--db", work.db, "--no-wait"])
        #expect(outcome.exitStatus == 75, "\(command): \(outcome)")
        #expect(outcome.stderr.contains("another posrca run (PID \(holder.process.pid)) is writing \(work.db); try again later"), "\(outcome.stderr)")
        #expect(holder.process.isRunning, "the holder still holds the lock")
        #expect(fileBytes(work.db) == before, "\(command) changed the database")
        #expect(!FileManager.default.fileExists(atPath: work.root + "/archive"), "\(command) wrote an archive")
        #expect(!FileManager.default.fileExists(atPath: work.reports), "\(command) wrote reports")
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 0)
        #expect(try work.count("SELECT count(*) FROM transactions") == 40)
    }

    @Test("POSRCA_NO_WAIT=1 is --no-wait")
    func noWaitFromEnvironment() throws {
        let work = try database()
        let holder = try LockHolder(database: work.db)
        defer { holder.release() }
        let outcome = try posrca(["analyze", "--db", work.db], environment: ["POSRCA_NO_WAIT": "1"])
        #expect(outcome.exitStatus == 75, "\(outcome)")
    }

    @Test("a shared holder (a report being written) keeps writers out but lets another reader in")
    func sharedHolderAdmitsReaders() throws {
        let work = try database()
        let holder = try LockHolder(database: work.db, shared: true)
        defer { holder.release() }
        let writer = try posrca(["analyze", "--db", work.db, "--no-wait"])
        #expect(writer.exitStatus == 75, "\(writer)")
        let reader = try posrca(["export", "--db", work.db, "--no-wait", "--out", work.root + "/export"])
        #expect(reader.exitStatus == 0, "\(reader)")
        #expect(archiveDays(work.root + "/export", "transactions") == ["2026-11-20"])
    }

    @Test("analyze without --no-wait waits for the holder, says so on stderr, and runs once the lock is free")
    func analyzeWaits() throws {
        let work = try database()
        let holder = try LockHolder(database: work.db)
        // Standard error to a file of our own, so that it can be read while the process runs.
        let stderrFile = work.root + "/analyze.err"
        let analyze = try ChildProcess(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" 2>\"$ANALYZE_ERR\"", posrcaBinary, "analyze", "--db", work.db],
            environment: ["ANALYZE_ERR": stderrFile])
        let waiting = "posrca: waiting for the posrca run (PID \(holder.process.pid)) that is writing \(work.db) to finish"
        func stderrText() -> String { (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? "" }
        #expect(waitFor { stderrText().contains(waiting) || !analyze.isRunning }, "no waiting line: \(stderrText())")
        #expect(analyze.isRunning, "analyze ended while the lock was held: \(analyze.wait()) \(stderrText())")
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 0, "nothing was analysed while waiting")

        holder.release()
        let outcome = analyze.wait()
        #expect(outcome.exitStatus == 0, "\(outcome)\n\(stderrText())")
        #expect(outcome.stdout.contains("analysed 40 transactions"), "\(outcome.stdout)")
        #expect(stderrText().contains(waiting))
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 1)
    }
}
