import Foundation
import Glibc
import POSSampleData
import Testing

// Helpers for the end-to-end tests: they run the real `posrca` binary, built next to the test
// bundle, in scratch folders, and read the database through `posrca sql`.

/// The `posrca` executable of this build.
///
/// SwiftPM puts executables next to the test bundle (`.build/debug/posrca` beside
/// `posrcaPackageTests.xctest`); `POSRCA_TEST_BINARY` overrides that, e.g. to test a release build.
let posrcaBinary: String = {
    if let explicit = ProcessInfo.processInfo.environment["POSRCA_TEST_BINARY"], !explicit.isEmpty { return explicit }
    let bundle = Bundle.main.bundleURL
    let candidates = [
        bundle.appendingPathComponent("posrca"),
        bundle.deletingLastPathComponent().appendingPathComponent("posrca"),
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/posrca"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates[0].path
}()

/// How a child process ended.
struct ProcessOutcome: CustomStringConvertible {
    /// The exit status, or nil when a signal ended it.
    var exitStatus: Int32?
    /// The signal that ended it, if one did.
    var signal: Int32?
    var stdout: String
    var stderr: String
    /// Peak resident memory of the process, in KiB; only `posrcaMeasured` gives a true figure.
    ///
    /// `wait4`'s `ru_maxrss` of a child made by `posix_spawn` (vfork) starts at the parent's peak:
    /// Linux keeps the high-water mark of the memory the child had before `exec`, which is the
    /// test process's own. GNU time forks from its own small process, so its `%M` is the child's.
    var maxRSSKiB: Int
    var seconds: Double

    var description: String {
        "exit \(exitStatus.map(String.init) ?? "-") signal \(signal.map(String.init) ?? "-") in \(String(format: "%.2f", seconds)) s, "
            + "max RSS \(maxRSSKiB) KiB\n--- stdout\n\(stdout.suffix(3000))\n--- stderr\n\(stderr.suffix(3000))"
    }
}

/// A child process started with `posix_spawn`, its output going to files (no pipe can fill up).
final class ChildProcess {
    let pid: pid_t
    let started = Date()
    private let outPath: String
    private let errPath: String
    private var outcome: ProcessOutcome?

    /// Starts `executable` with `arguments`. The environment is this process's without any
    /// `POSRCA_*` variable (so that the caller's settings cannot change what is tested), plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String = NSTemporaryDirectory()) throws {
        let tag = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        outPath = directory + "/.out-\(tag)"
        errPath = directory + "/.err-\(tag)"
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("POSRCA_") }
        env["POSRCA_QUIET"] = "1"
        for (key, value) in environment { env[key] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        pid = child
    }

    /// Sends SIGKILL (no cleanup of any kind can run) and reaps the process.
    @discardableResult
    func kill() -> ProcessOutcome {
        if outcome == nil { Glibc.kill(pid, SIGKILL) }
        return wait()
    }

    /// Waits for the end and returns how it went (once; later calls return the same).
    @discardableResult
    func wait() -> ProcessOutcome {
        if let outcome { return outcome }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        let signal = status & 0x7F
        let result = ProcessOutcome(
            exitStatus: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            maxRSSKiB: Int(usage.ru_maxrss), seconds: seconds
        )
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        outcome = result
        return result
    }

    /// True while the process has not ended (it may be a zombie not yet reaped).
    var isRunning: Bool {
        guard outcome == nil else { return false }
        var status: Int32 = 0
        var usage = rusage()
        let reaped = wait4(pid, &status, WNOHANG, &usage)
        if reaped == pid {
            // Ended: keep its outcome for `wait()`.
            let signal = status & 0x7F
            outcome = ProcessOutcome(
                exitStatus: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                maxRSSKiB: Int(usage.ru_maxrss), seconds: Date().timeIntervalSince(started)
            )
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            return false
        }
        return true
    }
}

/// Runs `posrca` with `arguments` to its end.
@discardableResult
func posrca(_ arguments: [String], environment: [String: String] = [:], directory: String = NSTemporaryDirectory()) throws -> ProcessOutcome {
    try ChildProcess(posrcaBinary, arguments, environment: environment, directory: directory).wait()
}

/// True when GNU time is installed as `/usr/bin/time` (Debian's package `time`; `.ci/run`
/// installs it): the memory checks measure peak RSS with it, and are disabled without it.
let gnuTimeAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")

/// Runs `posrca` with `arguments` under `/usr/bin/time`, so that `maxRSSKiB` is the peak RSS of
/// the `posrca` process alone; nil when GNU time is not installed.
func posrcaMeasured(_ arguments: [String], directory: String = NSTemporaryDirectory()) throws -> ProcessOutcome? {
    let time = "/usr/bin/time"
    guard FileManager.default.isExecutableFile(atPath: time) else { return nil }
    let report = directory + "/.rss-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    defer { try? FileManager.default.removeItem(atPath: report) }
    var outcome = try ChildProcess(time, ["-f", "%M", "-o", report, posrcaBinary] + arguments, directory: directory).wait()
    let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
    // GNU time adds "Command exited with non-zero status N" before the figure: the last line is it.
    outcome.maxRSSKiB = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? -1
    return outcome
}

/// Folders of shared fixtures (never deinitialised), removed when the test process exits.
nonisolated(unsafe) private var foldersToRemoveAtExit: [String] = []

/// A scratch folder for one test, removed at the end: a database, an inbox and a reports folder.
final class Workspace: Sendable {
    let root: String
    var db: String { root + "/posrca.sqlite" }
    var inbox: String { root + "/inbox" }
    var reports: String { root + "/reports" }

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        root = NSTemporaryDirectory() + "posrca-e2e-\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
    }

    /// A workspace shared by a suite through a static: it lives until the process exits.
    static func shared(_ name: String) -> Workspace {
        let workspace = Workspace(name)
        if foldersToRemoveAtExit.isEmpty {
            atexit {
                for folder in foldersToRemoveAtExit { try? FileManager.default.removeItem(atPath: folder) }
            }
        }
        foldersToRemoveAtExit.append(workspace.root)
        return workspace
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` to `inbox/name` (folders created).
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Writes raw bytes to `inbox/name` (folders created).
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = inbox + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Rows of a read-only query through `posrca sql --format csv` (header dropped; NULL reads as "").
    func sql(_ query: String, db: String? = nil) throws -> [[String]] {
        let outcome = try posrca(["sql", "--db", db ?? self.db, "--format", "csv", query])
        guard outcome.exitStatus == 0 else {
            Issue.record("posrca sql failed: \(query)\n\(outcome)")
            return []
        }
        return Array(parseCSV(outcome.stdout).dropFirst())
    }

    /// The first cell of a query, as an integer (-1 when there is none).
    func count(_ query: String, db: String? = nil) throws -> Int {
        try sql(query, db: db).first.flatMap { $0.first }.flatMap(Int.init) ?? -1
    }

    /// Every regular file under `folder`, recursively, as paths.
    static func files(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(path) }
        }
        return found.sorted()
    }
}

/// A small RFC 4180 reader: quoted fields with doubled quotes and line breaks inside quotes.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var iterator = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
        if let p = pending {
            pending = nil
            return p
        }
        return iterator.next()
    }
    while let c = next() {
        if quoted {
            if c == "\"" {
                if let after = next() {
                    if after == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        pending = after
                    }
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"": quoted = true
        case ",":
            record.append(field)
            field = ""
        case "\r": break
        case "\n":
            record.append(field)
            records.append(record)
            record = []
            field = ""
        default: field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
    }
    return records
}

/// A seeded generator (SplitMix64), so that a failing kill schedule can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates a data set with `POSSampleData` into `folder`.
@discardableResult
func generateSampleSet(into folder: String, terminals: Int, days: Int = 2, perDay: Double = 12, seed: UInt64 = 20_261_120) throws -> GroundTruth {
    var config = SampleConfiguration()
    config.seed = seed
    config.terminals = terminals
    config.days = days
    config.transactionsPerTerminalPerDay = perDay
    return try SampleGenerator(config).write(to: folder)
}

/// The bytes of a file, empty when it does not exist.
func fileBytes(_ path: String) -> Data {
    FileManager.default.contents(atPath: path) ?? Data()
}

/// Sleeps for `seconds` (fractions allowed).
func pause(_ seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
}
