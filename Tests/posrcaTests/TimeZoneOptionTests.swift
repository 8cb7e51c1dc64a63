import Foundation
import Testing

// `--acquirer-tz`, `--terminal-tz` and their POSRCA_* variables on the real binary: a UTC offset or
// a tz database zone (daylight saving time followed); anything else is a usage error (exit 64)
// naming the value, before the database is touched.

@Suite("--acquirer-tz and --terminal-tz", .serialized)
struct TimeZoneOptionTests {
    @Test(
        "a value that is neither an offset nor a tz database zone is a usage error",
        arguments: [
            (["--acquirer-tz", "Mars/Olympus_Mons"], [String: String](), "--acquirer-tz Mars/Olympus_Mons"),
            (["--terminal-tz", "CST"], [:], "--terminal-tz CST"),
            (["--acquirer-tz", "+25:00"], [:], "--acquirer-tz +25:00"),
            ([], ["POSRCA_ACQUIRER_TZ": "Asia/Nowhere"], "POSRCA_ACQUIRER_TZ Asia/Nowhere"),
            ([], ["POSRCA_TERMINAL_TZ": "eight"], "POSRCA_TERMINAL_TZ eight"),
        ])
    func refused(arguments: [String], environment: [String: String], named: String) throws {
        let work = Workspace()
        for command in [["ingest", work.inbox], ["nightly", "--inbox", work.inbox, "--reports", work.reports]] {
            let outcome = try posrca(command + ["--db", work.db] + arguments, environment: environment)
            #expect(outcome.exitStatus == 64, "\(outcome)")
            #expect(
                outcome.stderr.contains("\(named) is neither a UTC offset such as +08:00 or -0300 nor a tz database zone such as Asia/Shanghai."),
                "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: work.db))
        }
    }

    @Test("a tz database zone reads acquirer times in the offset in force then, and the warning names it")
    func namedZone() throws {
        let work = Workspace()
        // Two messages without a zone, in São Paulo's summer time (2014, −02:00) and after Brazil
        // dropped it (2022, −03:00); no SystemMonitor block states the JVM's zone.
        let log =
            ["2014-12-18T15:12:37.001", "2022-12-18T15:12:37.002"].enumerated().map { index, at in
                "<log realm=\"cup-channel/10.1.2.3:5000\" at=\"\(at)\" lifespan=\"7ms\">\n  <receive>\n    <isomsg direction=\"incoming\">\n"
                    + "      <field id=\"0\" value=\"0210\"/>\n      <field id=\"11\" value=\"00000\(index + 1)\"/>\n      <field id=\"39\" value=\"00\"/>\n"
                    + "    </isomsg>\n  </receive>\n</log>"
            }.joined(separator: "\n") + "\n"
        try log.write(toFile: work.inbox + "/q2.log", atomically: true, encoding: .utf8)
        let ingest = try posrca(["ingest", "--db", work.db, "--acquirer-tz", "America/Sao_Paulo", work.inbox])
        #expect(ingest.exitStatus == 0, "\(ingest)")
        #expect(ingest.stdout.contains("2 times without a zone read in America/Sao_Paulo (--acquirer-tz)"), "\(ingest.stdout)")
        let query = try posrca(["sql", "--db", work.db, "--format", "csv", "SELECT ts, tz FROM acquirer_msgs ORDER BY ts"])
        #expect(query.exitStatus == 0, "\(query)")
        // Instants computed with Python's zoneinfo.
        #expect(parseCSV(query.stdout).dropFirst() == [["1418922757001", "-120"], ["1671387157002", "-180"]], "\(query.stdout)")
    }
}
