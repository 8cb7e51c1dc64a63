import Glibc

/// A file found on the command line or under a folder given there.
public struct DiscoveredFile: Sendable, Hashable {
    /// The path as reached from the argument (folder path joined with the names below it).
    public var path: String
    public var size: Int64
    public var modificationTimeNanoseconds: Int64
}

/// Something on the command line that could not be used, with the reason.
public struct DiscoveryProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: InputError.Reason
    /// True for a loop of symbolic links: skipped by design, nothing behind it is lost (a folder
    /// reached again is read once; a cycle of links points at nothing).
    public var isLoop: Bool = false
    public var description: String { "\(path): \(reason)" }
}

/// Expands files and folders (recursively) into the list of files to ingest.
///
/// Folders are walked in name order so runs are reproducible; symbolic links are followed, but a
/// folder already on the current path (a loop through links) is reported, not entered again, and a
/// file reached twice is listed once. Names starting with `.` are skipped (editor and system files),
/// and so are files in `excluding` (the database and its journal, should the inbox hold them).
public enum InputDiscovery {
    /// An identity of a file on disk, to recognise the same file under two paths.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// The identity of `path`, following links; nil when it does not exist.
    public static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The files under `arguments`, and the arguments or entries that could not be read.
    public static func files(
        in arguments: [String], excluding: Set<FileIdentity> = []
    ) -> (files: [DiscoveredFile], problems: [DiscoveryProblem]) {
        var files: [DiscoveredFile] = []
        var problems: [DiscoveryProblem] = []
        var seen = Set<FileIdentity>()
        for argument in arguments {
            var info = stat()
            guard stat(argument, &info) == 0 else {
                problems.append(DiscoveryProblem(path: argument, reason: .system(errno: errno)))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                walk(argument, ancestors: [identity(info)], excluding: excluding, seen: &seen, files: &files, problems: &problems)
            } else {
                add(argument, info, excluding: excluding, seen: &seen, files: &files, problems: &problems)
            }
        }
        return (files, problems)
    }

    private static func identity(_ info: stat) -> FileIdentity {
        FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    private static func add(
        _ path: String, _ info: stat, excluding: Set<FileIdentity>, seen: inout Set<FileIdentity>,
        files: inout [DiscoveredFile], problems: inout [DiscoveryProblem]
    ) {
        let id = identity(info)
        guard !excluding.contains(id) else { return }
        guard info.st_mode & S_IFMT == S_IFREG else {
            problems.append(DiscoveryProblem(path: path, reason: .notRegularFile))
            return
        }
        guard seen.insert(id).inserted else { return }
        files.append(
            DiscoveredFile(
                path: path, size: Int64(info.st_size),
                modificationTimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            ))
    }

    private static func walk(
        _ directory: String, ancestors: [FileIdentity], excluding: Set<FileIdentity>, seen: inout Set<FileIdentity>,
        files: inout [DiscoveredFile], problems: inout [DiscoveryProblem]
    ) {
        guard let handle = opendir(directory) else {
            problems.append(DiscoveryProblem(path: directory, reason: .system(errno: errno)))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                problems.append(DiscoveryProblem(path: path, reason: .system(errno: code), isLoop: code == ELOOP))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                let id = identity(info)
                if ancestors.contains(id) {
                    problems.append(DiscoveryProblem(path: path, reason: .folderLoop, isLoop: true))
                    continue
                }
                walk(path, ancestors: ancestors + [id], excluding: excluding, seen: &seen, files: &files, problems: &problems)
            } else {
                add(path, info, excluding: excluding, seen: &seen, files: &files, problems: &problems)
            }
        }
    }
}
