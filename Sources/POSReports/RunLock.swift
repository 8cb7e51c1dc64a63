import Glibc

/// The lock that keeps one writer at a time on a database: a file beside the database
/// (`posrca.sqlite.lock`) holding the exclusive holder's PID, locked with `flock`. Writers
/// (`ingest`, `analyze`, `nightly`, `prune`) hold it exclusively; readers that must not see a
/// half-written night (`report`, `export`) hold it shared.
///
/// The kernel drops a `flock` when its process dies, however it dies, so a lock left by a killed
/// run never blocks the next one: the next run takes it and reports the dead PID it found in the
/// file (`previousHolder`). The file is emptied, not deleted, on release: deleting it would let a
/// third run lock a new file while a second still waits on the old one.
public final class RunLock {
    /// What trying to take the lock gave.
    public enum Acquisition {
        /// The lock is ours until `release()` or the end of the process.
        case acquired(RunLock)
        /// Another live process holds it; its PID when the file names one.
        case held(by: Int32?)
    }

    public let path: String
    /// The PID left in the file by a run that ended without releasing (killed), if any.
    public let previousHolder: Int32?
    private var descriptor: Int32

    private let shared: Bool

    private init(path: String, descriptor: Int32, previousHolder: Int32?, shared: Bool = false) {
        self.path = path
        self.descriptor = descriptor
        self.previousHolder = previousHolder
        self.shared = shared
    }

    deinit { release() }

    /// Takes the lock, waiting while another process holds it when `wait` is true (`onWait` is
    /// called at once and then every `reportEvery` seconds with the holder's PID, for a progress
    /// line). A shared lock admits other shared holders (readers such as `report`) and keeps out
    /// the exclusive ones (writers such as `ingest`, `analyze`, `nightly`, `prune`).
    public static func acquire(
        path: String, shared: Bool, wait: Bool, reportEvery: Double = 10, onWait: (Int32?) -> Void = { _ in }
    ) throws -> Acquisition {
        var waited = 0.0
        var nextReport = 0.0
        while true {
            let attempt = try acquire(path: path, shared: shared)
            guard wait, case .held(let holder) = attempt else { return attempt }
            if waited >= nextReport {
                onWait(holder)
                nextReport = waited + reportEvery
            }
            usleep(200_000)
            waited += 0.2
        }
    }

    /// Tries once, without waiting. Throws only when the lock file cannot be created or written.
    public static func acquire(path: String, shared: Bool = false) throws -> Acquisition {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileOutputError.system(path, "cannot open the lock file") }
        let content = readAll(fd)
        let recorded = Int32(content.trimmingBlanks().split(separator: "\n").first.map(String.init) ?? "")
        guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            if busy { return .held(by: recorded) }
            throw FileOutputError.system(path, "cannot lock")
        }
        if shared { return .acquired(RunLock(path: path, descriptor: fd, previousHolder: nil, shared: true)) }
        // Read again under the lock: the holder we raced with may have just released.
        let left = Int32(readAll(fd).trimmingBlanks().split(separator: "\n").first.map(String.init) ?? "")
        let text = "\(getpid())\n"
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.utf8.count, 0) == text.utf8.count else {
            let failure = FileOutputError.system(path, "cannot write the PID")
            close(fd)
            throw failure
        }
        fsync(fd)
        return .acquired(RunLock(path: path, descriptor: fd, previousHolder: left))
    }

    /// Empties the file and unlocks. Safe to call twice.
    public func release() {
        guard descriptor >= 0 else { return }
        if !shared { ftruncate(descriptor, 0) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// True when a process with this PID exists (it may belong to another user).
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    private static func readAll(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }
}
