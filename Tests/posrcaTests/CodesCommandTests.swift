import Foundation
import Testing

// `posrca codes` through the real binary: the catalogue in force (built-in tables and a catalogue
// file) joined with what the logs showed, read without writing a byte of the database.

@Suite("posrca codes lists the catalogue in force and what the logs showed, read-only")
struct CodesCommandTests {
    @Test("built-in, catalogue-file and non-standard codes, with their counts; the database file is unchanged")
    func catalogueAndSeenCodes() throws {
        let work = Workspace()
        try work.write(
            "terminal-a.log",
            """
            ts=2026-11-20T07:02:11.531+08:00 tid=30798165 ev=txn type=sale stan=058959 batch=000036 amt=429 cur=156 rc=00 disp=approved lat_ms=763 entry=qr
            ts=2026-11-20T07:03:26.412+08:00 tid=30798165 ev=txn type=sale stan=058960 batch=000036 amt=500 cur=156 rc=Q7 disp=unknown lat_ms=900 entry=chip
            ts=2026-11-20T07:04:26.412+08:00 tid=30798166 ev=txn type=sale stan=058961 batch=000036 amt=510 cur=156 rc=Z3 disp=unknown lat_ms=900 entry=chip
            ts=2026-11-20T07:05:26.412+08:00 tid=30798166 ev=txn type=sale stan=058962 batch=000036 amt=520 cur=156 rc=Z3 disp=unknown lat_ms=900 entry=chip

            """)
        try work.write("codes-private.csv", "code,meaning,scope\nQ7,风控拦截（代理商自定义）,agentpay-switch/10.9.0.5:7001\n")
        let ingest = try posrca(["ingest", "--db", work.db, work.inbox])
        #expect(ingest.exitStatus == 0, "\(ingest)")
        let before = fileBytes(work.db)

        let outcome = try posrca(["codes", "--db", work.db, "--format", "csv"])
        #expect(outcome.exitStatus == 0, "\(outcome)")
        let rows = parseCSV(outcome.stdout)
        let header = try #require(rows.first)
        #expect(header == ["code", "meaning", "scope", "source", "terminal_count", "acquirer_count", "first_seen", "last_seen", "meaning_zh"])
        func row(_ code: String, scope: String? = nil) -> [String]? {
            rows.dropFirst().first { $0.first == code && (scope == nil || $0[2] == scope) }
        }
        let approved = try #require(row("00"), "the built-in 00 is listed")
        #expect(approved[4] == "1")
        let agent = try #require(row("Q7", scope: "agentpay-switch/10.9.0.5:7001"), "the catalogue file's Q7 is listed with its scope")
        #expect(agent[1] == "风控拦截（代理商自定义）")
        #expect(agent[4] == "1")
        let nonstandard = try #require(row("Z3"), "a code in no catalogue is listed")
        #expect(nonstandard[4] == "2")
        // A reading command: the database file is byte for byte what ingest left.
        #expect(fileBytes(work.db) == before)
    }
}
