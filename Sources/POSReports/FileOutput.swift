import Glibc

/// A file-system failure, with the path and the system's reason.
public struct FileOutputError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The error for the current `errno`.
    static func system(_ path: String, _ action: String) -> FileOutputError {
        FileOutputError(path: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }

    public var description: String { "\(path): \(reason)" }
}

/// Files written so that a reader never sees half of one: the bytes go to a temporary name in the
/// same folder, are flushed to disk, then renamed over the final name in one step.
public enum FileOutput {
    /// Writes `text` to `path` atomically (a temporary name in the same folder, then `rename`).
    ///
    /// A reader sees the old file or the whole new one, never a cut-off CSV; a killed writer leaves
    /// at most a `.NAME.tmp-PID` file beside it, which the next run may delete.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let (folder, name) = split(path)
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileOutputError.system(temporary, "cannot create") }
        var failure: FileOutputError?
        var utf8 = text
        utf8.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .system(temporary, "cannot write")
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .system(temporary, "cannot flush") }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = .system(path, "cannot rename \(temporary) to it") }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// The whole file as UTF-8 text (invalid bytes become U+FFFD).
    public static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileOutputError.system(path, "cannot open") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileOutputError.system(path, "cannot read")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names in a folder (not `.` and `..`), sorted.
    public static func list(_ folder: String) throws -> [String] {
        guard let directory = opendir(folder) else { throw FileOutputError.system(folder, "cannot list") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// True when `path` is a folder (following symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when anything exists at `path` (a dangling symbolic link counts).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Creates `path` and its missing parents.
    public static func makeDirectories(_ path: String) throws {
        if path.isEmpty || isDirectory(path) { return }
        let (parent, _) = split(path)
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw FileOutputError.system(path, "cannot create the folder") }
    }

    /// Deletes `path` and, when it is a folder, everything in it. Symbolic links are removed, not followed.
    public static func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileOutputError.system(path, "cannot inspect")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 { throw FileOutputError.system(path, "cannot remove the folder") }
        } else if unlink(path) != 0 {
            throw FileOutputError.system(path, "cannot remove")
        }
    }

    /// (folder, last component) of a path; the folder is empty for a bare name.
    static func split(_ path: String) -> (folder: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return ("", String(trimmed)) }
        let folder = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        return (folder, String(trimmed[trimmed.index(after: slash)...]))
    }
}
