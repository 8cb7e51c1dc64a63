import Glibc
import POSStore

/// The nightly job's report folders, `ROOT/YYYY-MM-DD/`, each replaced whole and at once.
///
/// A run writes into `ROOT/.YYYY-MM-DD.tmp-PID/`, then `publish` swaps it in: readers see the
/// previous folder or the new one, never a mix. A killed run leaves only a hidden temporary
/// folder, which the next run (holding the lock) clears with `removeLeftovers`.
public struct DatedReportFolders: Sendable {
    /// The reports folder, e.g. `reports`.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Where a run with process id `pid` writes the reports of `date` before publishing them.
    public func temporaryFolder(for date: String, pid: Int32? = nil) -> String {
        root + "/.\(date).tmp-\(pid ?? getpid())"
    }

    /// The published folder of `date`.
    public func folder(for date: String) -> String {
        root + "/" + date
    }

    /// Makes `temporary` the folder of `date`, replacing an earlier one of the same day atomically.
    ///
    /// Uses `renameat2(RENAME_EXCHANGE)` to swap the two folders in one step, then deletes the old
    /// one. Where the kernel or file system lacks it, moves the old folder aside first (a reader may
    /// then find no folder for a moment, never a partial one; `removeLeftovers` puts it back if the
    /// run dies in between).
    public func publish(temporary: String, date: String) throws {
        let final = folder(for: date)
        if !FileOutput.exists(final) {
            guard rename(temporary, final) == 0 else { throw FileOutputError.system(final, "cannot rename \(temporary) to it") }
            return
        }
        if Self.exchange(temporary, final) {
            try FileOutput.removeTree(temporary)
            return
        }
        let aside = root + "/.\(date).old-\(getpid())"
        guard rename(final, aside) == 0 else { throw FileOutputError.system(final, "cannot move it aside to \(aside)") }
        guard rename(temporary, final) == 0 else {
            let failure = FileOutputError.system(final, "cannot rename \(temporary) to it")
            rename(aside, final)
            throw failure
        }
        try FileOutput.removeTree(aside)
    }

    /// Clears what killed runs left: temporary folders are deleted; a folder moved aside whose
    /// day has no folder any more is put back. Call only while holding the run lock. Returns the
    /// names dealt with.
    @discardableResult
    public func removeLeftovers() throws -> [String] {
        guard FileOutput.isDirectory(root) else { return [] }
        var handled: [String] = []
        for name in try FileOutput.list(root) where name.hasPrefix(".") {
            guard let (date, kind) = Self.leftover(name) else { continue }
            let path = root + "/" + name
            if kind == "old", !FileOutput.exists(folder(for: date)) {
                guard rename(path, folder(for: date)) == 0 else { throw FileOutputError.system(path, "cannot put it back") }
            } else {
                try FileOutput.removeTree(path)
            }
            handled.append(name)
        }
        return handled
    }

    /// Deletes the dated folders more than `keepDays - 1` days before `today`, so that `keepDays`
    /// days of reports remain (today's included). Returns the dates deleted. Other names are left alone.
    @discardableResult
    public func prune(keepDays: Int, today: String) throws -> [String] {
        guard keepDays >= 1, let todayNumber = Self.dayNumber(today), FileOutput.isDirectory(root) else { return [] }
        var removed: [String] = []
        for name in try FileOutput.list(root) {
            guard let day = Self.dayNumber(name), todayNumber - day >= keepDays, FileOutput.isDirectory(root + "/" + name) else { continue }
            try FileOutput.removeTree(root + "/" + name)
            removed.append(name)
        }
        return removed
    }

    /// The local calendar date (the machine's time zone) of a Unix time, as `YYYY-MM-DD`.
    public static func localDate(_ seconds: Int? = nil) -> String {
        var t = seconds.map { time_t($0) } ?? time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return civil(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` name, nil when it is not a date (`LocalDay.number`).
    public static func dayNumber(_ text: String) -> Int? {
        LocalDay.number(text).map(Int.init)
    }

    static func civil(year: Int, month: Int, day: Int) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// (date, "tmp" or "old") of `.YYYY-MM-DD.tmp-PID` / `.YYYY-MM-DD.old-PID`.
    static func leftover(_ name: String) -> (String, String)? {
        let body = name.dropFirst()
        guard body.count > 15 else { return nil }
        let date = String(body.prefix(10))
        let rest = body.dropFirst(10)
        guard LocalDay.number(date) != nil else { return nil }
        for kind in ["tmp", "old"] where rest.hasPrefix(".\(kind)-") { return (date, kind) }
        return nil
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// Swaps two paths atomically with Linux's `renameat2`, looked up at run time because Glibc's
    /// Swift module does not declare it. False when it is missing or the file system refuses.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }
}
