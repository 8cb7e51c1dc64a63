import Foundation
import Glibc
import Testing

// Issue 5, part 2, through the real binary: what a person or a scheduler sees (the per-file line,
// the message, the exit status) and what the process costs in memory (peak RSS of the `posrca`
// process alone, from `wait4`).

@Suite("Hostile input through posrca: messages, exit codes and flat memory", .serialized)
struct HostileInputEndToEndTests {
    /// Peak RSS of `posrca ingest` on one small, clean file: what every run costs anyway. Needs
    /// GNU time: only tests enabled by `gnuTimeAvailable` call it.
    static func baselineRSS() throws -> Int {
        let space = Workspace("baseline")
        try space.write("a.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=boot fw=A920_V1\n")
        let run = try #require(try posrcaMeasured(["ingest", "--db", space.db, space.inbox]), "GNU time is needed to measure peak RSS")
        #expect(run.exitStatus == 0, "\(run)")
        #expect(run.maxRSSKiB > 1000, "\(run)")
        return run.maxRSSKiB
    }

    /// An inbox with a gzip bomb, `b-bomb.log.gz` (returned), and a one-line day log. The bomb is
    /// one gzip member of 64 MiB of zeros made by the system gzip, written 16 times: a valid
    /// multi-member gzip that inflates to 1 GiB.
    static func bombInbox(_ space: Workspace) throws -> String {
        let member = space.root + "/member.gz"
        let made = try ChildProcess("/bin/sh", ["-c", "head -c 67108864 /dev/zero | gzip -9 > '\(member)'"]).wait()
        #expect(made.exitStatus == 0, "\(made)")
        let one = fileBytes(member)
        #expect(one.count > 1000 && one.count < 100_000)
        var bomb = Data()
        for _ in 0..<16 { bomb.append(one) }
        let path = try space.write("b-bomb.log.gz", Array(bomb))
        try space.write("a-day.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved\n")
        return path
    }

    @Test("a gzip bomb (1 GiB of zeros, 1 MB on disk) fails with the likely-gzip-bomb message, exit 2")
    func gzipBomb() throws {
        let space = Workspace("bomb")
        let path = try Self.bombInbox(space)
        let run = try posrca(["ingest", "--db", space.db, space.inbox])
        #expect(run.exitStatus == 2, "\(run)")
        let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("b-bomb.log.gz") }.map(String.init))
        #expect(line.hasPrefix("failed "), "\(line)")
        #expect(line.contains("— \(path): decompresses to more than 200 times its size ("), "\(line)")
        #expect(line.hasSuffix("stopped as a likely gzip bomb; raise --max-inflate-ratio if the file is genuine"), "\(line)")
        #expect(run.stdout.contains("2 files, 1 rows, 0 rejects"), "\(run)")
        #expect(try space.sql("SELECT status, rows FROM files WHERE path = '\(path)'") == [["failed", "0"]])

        // A stricter ratio stops it the same way; a looser one is a usage error below 2.
        let strict = try posrca(["ingest", "--db", space.db, "--max-inflate-ratio", "50", path])
        #expect(strict.exitStatus == 2)
        #expect(strict.stdout.contains("decompresses to more than 50 times its size"), "\(strict)")
        let bad = try posrca(["ingest", "--db", space.db, "--max-inflate-ratio", "1", path])
        #expect(bad.exitStatus == 64, "\(bad)")
        #expect(bad.stderr.contains("--max-inflate-ratio must be at least 2."), "\(bad)")
    }

    @Test(
        "a gzip bomb's peak RSS stays where a run on a small file is: nothing of the inflated gigabyte is kept",
        .enabled(if: gnuTimeAvailable, "needs GNU time (/usr/bin/time, Debian package time) to measure peak RSS"))
    func gzipBombMemory() throws {
        let space = Workspace("bomb-memory")
        _ = try Self.bombInbox(space)
        let baseline = try Self.baselineRSS()
        let run = try #require(try posrcaMeasured(["ingest", "--db", space.db, space.inbox]))
        #expect(run.exitStatus == 2, "\(run)")
        #expect(run.maxRSSKiB < baseline + 16 * 1024, "peak RSS \(run.maxRSSKiB) KiB against \(baseline) KiB for a small file")
    }

    @Test(
        "a <log> that never closes: rejected with its line, and memory does not grow with the file (6 MB and 46 MB)",
        .enabled(if: gnuTimeAvailable, "needs GNU time (/usr/bin/time, Debian package time) to measure peak RSS"))
    func unclosedLogMemory() throws {
        var peaks: [Int] = []
        for fieldLines in [100_000, 800_000] {
            let space = Workspace("unclosed-\(fieldLines)")
            // One readable element first: a file of which nothing can be read fails whole (issue 9).
            var text =
                "<logger class=\"x\">\n<log realm=\"cup-channel/10.1.2.3:5000\" at=\"2026-11-20T08:15:00.000+08:00\">\n"
                + "<receive><peer-disconnect/></receive>\n</log>\n"
                + "<log realm=\"cup-channel\" at=\"2026-11-20T08:16:00.210\">\n<receive>\n"
            text += String(repeating: "<field id=\"48\" value=\"0123456789abcdef0123456789abcdef\"/>\n", count: fieldLines)
            try space.write("cup.xml", text)
            let run = try #require(try posrcaMeasured(["ingest", "--db", space.db, space.inbox]))
            #expect(run.exitStatus == 1, "\(run)")
            #expect(run.stdout.contains("rejects 1 (log element larger than 4194304 bytes: 1)"), "\(run)")
            #expect(try space.sql("SELECT line, reason FROM rejects") == [["5", "log element larger than 4194304 bytes"]])
            peaks.append(run.maxRSSKiB)
        }
        let baseline = try Self.baselineRSS()
        // The element buffer is capped at 4 MiB: eight times the file, (almost) the same peak.
        #expect(abs(peaks[1] - peaks[0]) < 4 * 1024, "peaks \(peaks) KiB")
        #expect(peaks.allSatisfy { $0 < baseline + 24 * 1024 }, "peaks \(peaks) KiB against \(baseline) KiB")
    }

    @Test("a 10 MB line: the per-file line says it was rejected and why; exit 1; the rest is in")
    func tenMegabyteLine() throws {
        let space = Workspace("long-line")
        let long = "ts=2026-11-20T08:00:01Z tid=20481234 ev=error msg=" + String(repeating: "A", count: 10 << 20)
        try space.write(
            "day.log",
            [
                "ts=2026-11-20T08:00:00Z tid=20481234 ev=boot fw=A920_V1", long, "ts=2026-11-20T08:00:02Z tid=20481234 ev=boot fw=A920_V2",
            ].joined(separator: "\n") + "\n")
        let run = try posrca(["ingest", "--db", space.db, space.inbox])
        #expect(run.exitStatus == 1, "\(run)")
        #expect(run.stdout.contains("lines 3  rows 2  rejects 1 (line longer than 1048576 bytes: 1)"), "\(run)")
        #expect(
            try space.sql("SELECT line, reason, length(text) FROM rejects") == [
                ["2", "line longer than 1048576 bytes", String(4096 + "…[\(long.utf8.count) bytes in all]".count)]
            ])
        // A higher limit takes it (the line is then a valid error event).
        let wide = Workspace("long-line-wide")
        try FileManager.default.copyItem(atPath: space.inbox + "/day.log", toPath: wide.inbox + "/day.log")
        let taken = try posrca(["ingest", "--db", wide.db, "--max-line-bytes", String(16 << 20), wide.inbox])
        #expect(taken.exitStatus == 0, "\(taken)")
        #expect(try wide.sql("SELECT length(message) FROM terminal_errors") == [[String(10 << 20)]])
    }

    @Test("empty files, a missing path and a folder loop: each has its message; the files that can be read are in")
    func emptyMissingAndLooping() throws {
        let space = Workspace("odd-paths")
        try space.write("empty.log", [])
        try space.write("sub/day.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved\n")
        try FileManager.default.createSymbolicLink(atPath: space.inbox + "/sub/loop", withDestinationPath: "..")
        let empty = try posrca(["ingest", "--db", space.db, space.inbox + "/empty.log"])
        #expect(empty.exitStatus == 0, "\(empty)")
        #expect(empty.stdout.hasPrefix("ok                 terminal_log  \(space.inbox)/empty.log  lines 0  rows 0  rejects 0"), "\(empty)")

        let looping = try posrca(["ingest", "--db", space.db, space.inbox, space.root + "/nowhere"])
        #expect(looping.exitStatus == 2, "\(looping)")
        #expect(looping.stderr.contains("posrca: \(space.inbox)/sub/loop: folder loop through a symbolic link: skipped"), "\(looping)")
        #expect(looping.stderr.contains("posrca: \(space.root)/nowhere: No such file or directory"), "\(looping)")
        #expect(looping.stdout.contains("unchanged          -             \(space.inbox)/empty.log  — already ingested, same content"), "\(looping)")
        #expect(looping.stdout.contains("ok                 terminal_log  \(space.inbox)/sub/day.log  lines 1  rows 1"), "\(looping)")
        #expect(try space.count("SELECT count(*) FROM transactions") == 1)
    }
}
