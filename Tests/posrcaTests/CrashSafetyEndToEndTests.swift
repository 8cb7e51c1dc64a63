import Foundation
import Glibc
import Testing

// Issue 5, part 3: `posrca ingest` and `posrca nightly` killed with SIGKILL at random points.
// After every kill the database passes `PRAGMA integrity_check` and no file is half in (each
// file the ledger has as in holds exactly the rows of a clean run); the next run ends with
// exactly the rows of a clean run. `scripts/kill-loop.sh N` is the long version.
//
// POSRCA_KILL_POINTS (default 20) sets how many kills land on a running process, POSRCA_KILL_SEED
// replays a schedule (the seed is in every failure message).

/// The data set every kill test reads: generated once, never written to.
final class KillCorpus: Sendable {
    static let shared = KillCorpus()
    let workspace = Workspace.shared("kill-corpus")
    var inbox: String { workspace.inbox }

    init() {
        try! generateSampleSet(into: workspace.inbox, terminals: 140)
    }
}

/// What a database holds as far as crash safety is concerned.
struct LedgerState: Equatable, CustomStringConvertible {
    /// `PRAGMA integrity_check`'s answer.
    var integrity: String
    /// path → "status rows/rejects table:n …", every table's real rows for that file.
    var files: [String: String]
    /// "table:n" of rows whose file is not in the ledger.
    var orphans: [String]

    var description: String {
        "integrity \(integrity); orphans \(orphans)\n" + files.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
    }

    /// The state of a database killed before its first commit, with its journal still hot.
    static let hotJournal = "hot journal, rolled back by the next writer"

    static let tables = [
        "terminal_txns", "terminal_boots", "firmware_updates", "terminal_signins", "terminal_errors", "net_events", "acquirer_msgs",
        "inventory", "catalogue_entries", "rejected_lines",
    ]

    /// Reads the state of `db`; a database without a schema yet (killed before it) is empty.
    init(_ workspace: Workspace, db: String? = nil) throws {
        let db = db ?? workspace.db
        guard FileManager.default.fileExists(atPath: db) else {
            integrity = "ok"
            files = [:]
            orphans = []
            return
        }
        let check = try posrca(["sql", "--db", db, "--format", "csv", "PRAGMA integrity_check"])
        if check.exitStatus == 2, check.stderr.contains("SQLite error 776"), FileManager.default.fileExists(atPath: db + "-journal") {
            // Killed while a new database switched to WAL: a hot rollback journal that a read-only
            // connection may not roll back (SQLITE_READONLY_ROLLBACK). Nothing was committed yet;
            // the next writer rolls it back, which the completing run checks.
            integrity = Self.hotJournal
            files = [:]
            orphans = []
            return
        }
        #expect(check.exitStatus == 0, "\(check)")
        integrity = parseCSV(check.stdout).dropFirst().map { $0.first ?? "" }.joined(separator: "; ")
        let perTable = Self.tables.map { "SELECT file_id, '\($0)' AS name, count(*) AS n FROM \($0) GROUP BY file_id" }.joined(
            separator: " UNION ALL ")
        let query = try posrca([
            "sql", "--db", db, "--format", "csv",
            """
            WITH c AS (\(perTable))
            SELECT 'file', f.path, f.status || ' ' || f.rows || '/' || f.rejects FROM input_files AS f
            UNION ALL
            SELECT 'rows', COALESCE(f.path, '#orphan'), c.name || ':' || c.n FROM c LEFT JOIN input_files AS f ON f.id = c.file_id
            """,
        ])
        // A run killed before the schema was committed leaves a database without tables: nothing is in.
        if query.exitStatus == 2, query.stderr.contains("no such table") {
            files = [:]
            orphans = []
            return
        }
        #expect(query.exitStatus == 0, "\(query)")
        let rows = parseCSV(query.stdout).dropFirst()
        var status: [String: String] = [:]
        var tables: [String: [String]] = [:]
        var orphans: [String] = []
        for row in rows where row.count == 3 {
            if row[0] == "file" {
                if status[row[1]] != nil { Issue.record("two ledger rows for \(row[1])") }
                status[row[1]] = row[2]
            } else if row[1] == "#orphan" {
                orphans.append(row[2])
            } else {
                tables[row[1], default: []].append(row[2])
            }
        }
        files = status.mapValues { $0 }
        for (path, value) in status { files[path] = value + " " + (tables[path] ?? []).sorted().joined(separator: " ") }
        self.orphans = orphans.sorted()
    }

    /// Checks what must hold after any kill: intact, nothing half in.
    func expectConsistent(with clean: LedgerState, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(integrity == "ok" || integrity == Self.hotJournal, "\(context): integrity_check says \(integrity)", sourceLocation: sourceLocation)
        #expect(orphans.isEmpty, "\(context): rows of no file: \(orphans)", sourceLocation: sourceLocation)
        for (path, state) in files {
            #expect(
                state == clean.files[path], "\(context): \(path) is \(state), a clean run has \(clean.files[path] ?? "nothing")",
                sourceLocation: sourceLocation)
        }
    }
}

@Suite("Crash safety: SIGKILL at random points", .serialized)
struct KillTests {
    static let killPoints = ProcessInfo.processInfo.environment["POSRCA_KILL_POINTS"].flatMap(Int.init) ?? 20
    static let seed = ProcessInfo.processInfo.environment["POSRCA_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)

    /// Transactions as the view shows them after the runs (analysis columns included once analysed).
    static let transactionsSQL = """
        SELECT tid, ts, type, stan, amount, currency, rc, disp, latency_ms, outcome, cause, acquirer_rc, file, line
        FROM transactions ORDER BY file, line
        """

    @Test("posrca ingest killed at random points: intact after every kill, and the next run ends as a clean run")
    func killIngest() throws {
        let corpus = KillCorpus.shared
        let cleanSpace = Workspace("kill-ingest-clean")
        let cleanRun = try posrca(["ingest", "--db", cleanSpace.db, corpus.inbox])
        #expect(cleanRun.exitStatus == 1, "\(cleanRun)")  // the data set has rejected lines
        let clean = try LedgerState(cleanSpace)
        #expect(clean.files.count >= 20)
        let cleanTransactions = try cleanSpace.sql(Self.transactionsSQL)
        #expect(cleanTransactions.count > 2000)

        var random = SeededRandom(seed: Self.seed)
        let wanted = (Self.killPoints * 3 + 4) / 5
        var kills = 0
        var round = 0
        while kills < wanted, round < wanted * 2 {
            round += 1
            let space = Workspace("kill-ingest-\(round)")
            // Two kills on the same database: the second hits a run that resumes a killed one.
            for attempt in 1...2 where kills < wanted {
                let delay = Double.random(in: 0.01...max(0.05, cleanRun.seconds), using: &random)
                let child = try ChildProcess(posrcaBinary, ["ingest", "--db", space.db, corpus.inbox])
                pause(delay)
                let context = "seed \(Self.seed), round \(round), kill \(attempt) after \(String(format: "%.3f", delay)) s"
                if child.isRunning {
                    // The run may end between the check and the signal: then it is a finished run.
                    let outcome = child.kill()
                    if outcome.signal == SIGKILL {
                        kills += 1
                    } else {
                        #expect(outcome.exitStatus == 0 || outcome.exitStatus == 1, "\(context): \(outcome)")
                    }
                } else {
                    let outcome = child.wait()
                    #expect(outcome.exitStatus == 0 || outcome.exitStatus == 1, "\(context): \(outcome)")
                }
                try LedgerState(space).expectConsistent(with: clean, context)
            }
            let finish = try posrca(["ingest", "--db", space.db, corpus.inbox])
            let context = "seed \(Self.seed), round \(round), completing run"
            #expect(finish.exitStatus == 0 || finish.exitStatus == 1, "\(context): \(finish)")
            #expect(!finish.stdout.contains("failed "), "\(context): \(finish)")
            let after = try LedgerState(space)
            #expect(after == clean, "\(context): got\n\(after)\nclean\n\(clean)")
            #expect(try space.sql(Self.transactionsSQL) == cleanTransactions, "\(context): transactions differ")
        }
        #expect(kills >= wanted, "seed \(Self.seed): only \(kills) kills landed in \(round) rounds")
    }

    @Test("posrca nightly killed at random points: intact, reports whole or absent, and the next run ends as a clean run")
    func killNightly() throws {
        let corpus = KillCorpus.shared
        let cleanSpace = Workspace("kill-nightly-clean")
        let cleanRun = try posrca(["nightly", "--db", cleanSpace.db, "--inbox", corpus.inbox, "--reports", cleanSpace.reports])
        #expect(cleanRun.exitStatus == 1, "\(cleanRun)")
        let clean = try LedgerState(cleanSpace)
        let cleanTransactions = try cleanSpace.sql(Self.transactionsSQL)
        let findingsSQL = "SELECT rank, kind, pattern, n_txns, n_unknown, top_cause FROM findings ORDER BY rank"
        let cleanFindings = try cleanSpace.sql(findingsSQL)
        #expect(!cleanFindings.isEmpty)
        let date = try #require(try FileManager.default.contentsOfDirectory(atPath: cleanSpace.reports).first { !$0.hasPrefix(".") })
        let cleanReports = try FileManager.default.contentsOfDirectory(atPath: cleanSpace.reports + "/" + date).sorted()
        #expect(cleanReports.contains("manifest.json"))

        var random = SeededRandom(seed: Self.seed &+ 1)
        let wanted = Self.killPoints - (Self.killPoints * 3 + 4) / 5
        var kills = 0
        var round = 0
        while kills < wanted, round < wanted * 2 {
            round += 1
            let space = Workspace("kill-nightly-\(round)")
            for attempt in 1...2 where kills < wanted {
                let delay = Double.random(in: 0.01...max(0.05, cleanRun.seconds), using: &random)
                let child = try ChildProcess(posrcaBinary, ["nightly", "--db", space.db, "--inbox", corpus.inbox, "--reports", space.reports])
                pause(delay)
                let context = "seed \(Self.seed &+ 1), round \(round), kill \(attempt) after \(String(format: "%.3f", delay)) s"
                if child.isRunning {
                    child.kill()
                    kills += 1
                } else {
                    let outcome = child.wait()
                    #expect(outcome.exitStatus == 0 || outcome.exitStatus == 1, "\(context): \(outcome)")
                }
                try LedgerState(space).expectConsistent(with: clean, context)
                // A report folder is there whole (swapped in in one step) or not at all.
                let folder = space.reports + "/" + date
                if FileManager.default.fileExists(atPath: folder) {
                    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == cleanReports, "\(context)")
                }
            }
            // The next run takes over the lock the killed one left, and finishes the work.
            let holder = (try? String(contentsOfFile: space.db + ".lock", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let finish = try posrca(["nightly", "--db", space.db, "--inbox", corpus.inbox, "--reports", space.reports])
            let context = "seed \(Self.seed &+ 1), round \(round), completing run"
            #expect(finish.exitStatus == 0 || finish.exitStatus == 1, "\(context): \(finish)")
            if !holder.isEmpty {
                #expect(finish.stderr.contains("took over the lock left by PID \(holder)"), "\(context): \(finish)")
            }
            let after = try LedgerState(space)
            #expect(after == clean, "\(context): got\n\(after)\nclean\n\(clean)")
            #expect(try space.sql(Self.transactionsSQL) == cleanTransactions, "\(context): transactions differ")
            #expect(try space.sql(findingsSQL) == cleanFindings, "\(context): findings differ")
            #expect(try FileManager.default.contentsOfDirectory(atPath: space.reports + "/" + date).sorted() == cleanReports, "\(context)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: space.reports).filter { $0.hasPrefix(".") } == [], "\(context): leftovers")
        }
        #expect(kills >= wanted, "seed \(Self.seed &+ 1): only \(kills) kills landed in \(round) rounds")
    }
}

/// True when this process may mount a tmpfs in a private mount namespace (util-linux's unshare,
/// and root with CAP_SYS_ADMIN): what `fullTmpfs` needs to make a small disk.
let tmpfsMountAvailable: Bool = {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
    let mountPoint = NSTemporaryDirectory() + "/posrca-tmpfs-probe-\(getpid())"
    guard (try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)) != nil else { return false }
    defer { try? FileManager.default.removeItem(atPath: mountPoint) }
    let probe = try? ChildProcess(
        "/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", "mount -t tmpfs -o size=1m tmpfs '\(mountPoint)'"])
    return probe?.wait().exitStatus == 0
}()

@Suite("Crash safety: a full disk through the real binary")
struct DiskFullEndToEndTests {
    @Test(
        "on a full tmpfs the file that does not fit fails with SQLite's reason and exit 2; the others are in; with room again the next run completes",
        .enabled(if: tmpfsMountAvailable, "needs to mount a tmpfs in a private mount namespace (root, util-linux unshare)"))
    func fullTmpfs() throws {
        let space = Workspace("tmpfs")
        let ts = "ts=2026-11-20T08:00:00Z"
        try space.write("a-small.log", "\(ts) tid=20481234 ev=txn type=sale stan=000001 amt=1 cur=156 rc=00 disp=approved\n")
        var big = ""
        for i in 0..<40_000 {
            big +=
                "\(ts) tid=\(10_000_000 + i) ev=txn type=sale stan=\(String(format: "%06d", i)) amt=\(i) cur=156 rc=00 disp=approved lat_ms=\(i % 3000)\n"
        }
        try space.write("b-big.log", big)
        try space.write("c-small.log", "\(ts) tid=20489999 ev=txn type=sale stan=000002 amt=2 cur=156 rc=00 disp=approved\n")
        let mountPoint = space.root + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let db = mountPoint + "/posrca.sqlite"
        // A private mount namespace: the tmpfs disappears with the shell, whatever happens.
        let script = """
            mount -t tmpfs -o size=1m tmpfs '\(mountPoint)' 2>/dev/null || exit 77
            '\(posrcaBinary)' ingest --db '\(db)' '\(space.inbox)' > '\(space.root)/full.out' 2>&1
            echo $? > '\(space.root)/full.status'
            '\(posrcaBinary)' sql --db '\(db)' --format csv "PRAGMA integrity_check" > '\(space.root)/integrity.csv' 2>&1
            '\(posrcaBinary)' sql --db '\(db)' --format csv "SELECT f.path, f.status, (SELECT count(*) FROM terminal_txns t WHERE t.file_id = f.id) FROM input_files f ORDER BY f.path" > '\(space.root)/files.csv' 2>&1
            mount -o remount,size=64m '\(mountPoint)' || exit 78
            '\(posrcaBinary)' ingest --db '\(db)' '\(space.inbox)' > '\(space.root)/again.out' 2>&1
            echo $? > '\(space.root)/again.status'
            '\(posrcaBinary)' sql --db '\(db)' --format csv "SELECT count(*) FROM transactions" > '\(space.root)/count.csv' 2>&1
            """
        let run = try ChildProcess(
            "/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", script], environment: ["POSRCA_QUIET": "1"]
        ).wait()
        // The trait saw that a tmpfs can be mounted here: a refusal now (exit 77) is a failure.
        try #require(run.exitStatus == 0, "\(run)")
        func read(_ name: String) -> String { (try? String(contentsOfFile: space.root + "/" + name, encoding: .utf8)) ?? "" }
        let full = read("full.out")
        #expect(read("full.status") == "2\n", "\(full)")
        let failed = try #require(full.split(separator: "\n").first { $0.contains("b-big.log") })
        #expect(failed.hasPrefix("failed "), "\(full)")
        #expect(failed.contains("— SQLite error 13: database or disk is full"), "\(full)")
        #expect(full.contains("ok                 terminal_log  \(space.inbox)/a-small.log"), "\(full)")
        #expect(full.contains("ok                 terminal_log  \(space.inbox)/c-small.log"), "\(full)")
        #expect(parseCSV(read("integrity.csv")) == [["integrity_check"], ["ok"]], "\(read("integrity.csv"))")
        // The big file has no row in; if the disk let the failure be recorded, it is as failed.
        let files = parseCSV(read("files.csv")).dropFirst().map { $0 }
        #expect(files.contains([space.inbox + "/a-small.log", "ok", "1"]), "\(files)")
        #expect(files.contains([space.inbox + "/c-small.log", "ok", "1"]), "\(files)")
        #expect(files.allSatisfy { !$0[0].hasSuffix("b-big.log") || $0[1...] == ["failed", "0"] }, "\(files)")
        // Room again: the failed file goes in, the others are unchanged.
        #expect(read("again.status") == "0\n", "\(read("again.out"))")
        #expect(
            read("again.out").contains("ok                 terminal_log  \(space.inbox)/b-big.log  lines 40000  rows 40000"), "\(read("again.out"))")
        #expect(parseCSV(read("count.csv")) == [["count(*)"], ["40002"]], "\(read("count.csv"))")
    }
}
