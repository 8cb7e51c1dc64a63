import Foundation
import Glibc
import Testing

/// What posrca writes holds masked card numbers, terminal IDs, amounts and acquirer hosts: it is
/// created for the owner alone whatever the umask, or for the owner's group with `--group-readable`.
@Suite("Files posrca creates are private by default")
struct PermissionsTests {
    /// Every path under `root` posrca created (the inbox is the test's own), with its mode bits.
    static func modes(under root: String, excluding inbox: String) -> [(path: String, mode: UInt32, isDirectory: Bool)] {
        var found: [(String, UInt32, Bool)] = []
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        while let name = walker.nextObject() as? String {
            let path = root + "/" + name
            if path.hasPrefix(inbox) { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            found.append((path, UInt32(info.st_mode) & 0o777, (info.st_mode & S_IFMT) == S_IFDIR))
        }
        return found
    }

    @Test(
        "nightly with an archive: database, WAL, lock, reports and archive are 0600 files and 0700 folders under umask 022",
        arguments: [false, true])
    func nightlyFileModes(groupReadable: Bool) throws {
        let work = Workspace("permissions-\(groupReadable)")
        try generateSampleSet(into: work.inbox, terminals: 40, days: 3, perDay: 6, seed: 5)
        let previous = umask(0o022)
        defer { umask(previous) }
        var arguments = [
            "nightly", "--inbox", work.inbox, "--db", work.db, "--reports", work.reports, "--keep-data-days", "1",
            "--archive", work.root + "/archive",
        ]
        if groupReadable { arguments.append("--group-readable") }
        let run = try posrca(arguments)
        #expect(run.exitStatus == 0 || run.exitStatus == 1, "\(run)")
        let written = Self.modes(under: work.root, excluding: work.inbox)
        let names = Set(written.map { ($0.path as NSString).lastPathComponent })
        #expect(names.contains("posrca.sqlite") && names.contains("posrca.sqlite.lock") && names.contains("summary.html"))
        #expect(names.contains("part-0.csv.gz") && names.contains("_schema.json") && names.contains("manifest.json"))
        let (fileMode, folderMode): (UInt32, UInt32) = groupReadable ? (0o640, 0o750) : (0o600, 0o700)
        for entry in written {
            #expect(entry.mode == (entry.isDirectory ? folderMode : fileMode), "\(entry.path) is \(String(entry.mode, radix: 8))")
        }
    }
}
