import Foundation
import POSJobs
import POSReports
import POSStore
import Testing

@Suite("A database from an earlier build, opened to read")
struct SchemaUpgradeTests {
    @Test("its schema is brought up to date first: the profile rates are rolled up from the profiles it holds")
    func readingUpgradesTheSchema() throws {
        let path = NSTemporaryDirectory() + "posrca-upgrade-\(getpid()).sqlite"
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        do {
            let store = try IngestStore(database: Database(path: path))
            #expect(Schema.isCurrent(store.database))
            try store.database.execute(
                """
                INSERT INTO agg_profiles(day, brand, model, channel, agent, fee_tier, region, outcome, cause, transactions) VALUES
                    ('2026-11-20', 'PAX', 'A920', 'bank', '', 'standard', '上海', 'approved', 'none', 90),
                    ('2026-11-20', 'PAX', 'A920', 'bank', '', 'standard', '上海', 'unknown', 'code_table_gap', 7),
                    ('2026-11-20', 'PAX', 'A920', 'bank', '', 'standard', '上海', 'unknown', 'garbled_response', 2),
                    ('2026-11-20', 'PAX', 'A920', 'bank', '', 'standard', '上海', 'timeout', 'no_response', 1),
                    ('2026-11-21', 'Landi', 'A8', 'third_party', '汇联代理', 'discount', '成都', 'declined', 'none', 5);
                -- What an earlier build left: no profile rates, another schema text.
                DROP VIEW daily_profile_rates; DROP TABLE agg_profile_rates;
                UPDATE meta SET value = 'earlier' WHERE key = 'schema_hash';
                """)
            #expect(!Schema.isCurrent(store.database))
        }
        let reader = try DatabaseAccess.openReadOnly(path)
        #expect(Schema.isCurrent(reader))
        let rows = try QueryRunner.run(sql: "SELECT * FROM daily_profile_rates ORDER BY day", on: reader).rows
        #expect(
            rows == [
                ["2026-11-20", "PAX", "A920", "bank", "", "standard", "上海", "100", "9"],
                ["2026-11-21", "Landi", "A8", "third_party", "汇联代理", "discount", "成都", "5", "0"],
            ])
        // The read itself stays read-only.
        #expect(throws: DatabaseError.self) { try reader.execute("DELETE FROM agg_profiles") }
    }
}
