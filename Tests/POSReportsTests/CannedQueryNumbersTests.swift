import POSAnalysis
import POSReports
import POSStore
import Testing

/// Every canned query, run on the fixture (see `Fixture`), must give exactly the rows worked out
/// by hand from the fixture's table.
@Suite("Canned query numbers")
struct CannedQueryNumbersTests {
    @Test func everyQueryHasANumbersTest() {
        let tested: Set<String> = [
            "unknown_rate_by_day", "unknown_rate_by_brand_model", "unknown_rate_by_channel_agent", "unknown_rate_by_fee_tier",
            "unknown_rate_by_channel_fee_tier", "unknown_rate_by_firmware", "unknown_rate_by_firmware_code_table",
            "unknown_rate_by_network_window", "top_unknown_codes", "terminals_most_unknown", "failure_causes",
            "network_events_before_failures", "firmware_upgrade_effect", "acquirer_unmatched_late", "rejects_by_file_reason",
            "code_gaps",
        ]
        #expect(Set(repositoryQueries.queries.map(\.name)) == tested)
    }

    @Test func unknownRateByDay() throws {
        // Day 1: T1 1–4, T2 1–3, T3 1–2 = 9 with T2/2 and T3/1 unknown; day 2: T1 5–6, T2 4–6, T4 1–2 = 7 with T1/6, T2/4, T2/5.
        expectRows(
            try run("unknown_rate_by_day"),
            [
                [.text(Fixture.day1)] + rate(2, of: 9),
                [.text(Fixture.day2)] + rate(3, of: 7),
            ])
        expectRows(try run("unknown_rate_by_day", ["since": Fixture.day2]), [[.text(Fixture.day2)] + rate(3, of: 7)])
        expectRows(try run("unknown_rate_by_day", ["until": "2026-11-19"]), [])
    }

    @Test func dateDefaultsFollowTheLatestAnalysisWindow() throws {
        // The fixture's run covers both days; a later run over day 2 only moves every default.
        let path = try ReadOnlyTests.writableCopy()
        let database = try Database(path: path)
        let query = try repositoryQueries.query(named: "unknown_rate_by_day")
        #expect(try WindowDefault.window(database) == (Fixture.day1, Fixture.day2))
        try database.execute(
            """
            INSERT INTO analysis_runs(id, started_at, seconds, options, transactions, findings, window_since, window_until)
            VALUES (2, 0, 0, 'later', 7, 0, '\(Fixture.day2)', '\(Fixture.day2)')
            """)
        expectRows(try query.run(on: database), [[.text(Fixture.day2)] + rate(3, of: 7)])
        // Explicit dates still win over the window.
        expectRows(
            try query.run(on: database, parameters: ["since": Fixture.day1]),
            [
                [.text(Fixture.day1)] + rate(2, of: 9),
                [.text(Fixture.day2)] + rate(3, of: 7),
            ])
        // Without any run: the last 28 days with data, which hold both days.
        try database.execute("DELETE FROM run_findings; DELETE FROM analysis_runs")
        #expect(try WindowDefault.window(database) == ("2026-10-25", Fixture.day2))
        #expect(try query.run(on: database).rows.count == 2)
    }

    @Test func unknownRateByBrandModel() throws {
        expectRows(
            try run("unknown_rate_by_brand_model"),
            [
                [.text("Landi"), .text("A8")] + rate(4, of: 8),
                [.text("PAX"), .text("A920")] + rate(1, of: 6),
                [.text("Newland"), .text("ME31")] + rate(0, of: 2),
            ])
        expectRows(
            try run("unknown_rate_by_brand_model", ["min_txns": "3"]),
            [
                [.text("Landi"), .text("A8")] + rate(4, of: 8),
                [.text("PAX"), .text("A920")] + rate(1, of: 6),
            ])
    }

    @Test func unknownRateByChannelAgent() throws {
        // Ties on rate go to the larger group; T1 and T4 have no agent: `unknown`, never dropped.
        expectRows(
            try run("unknown_rate_by_channel_agent"),
            [
                [.text("third_party"), .text("汇联代理")] + rate(3, of: 6),
                [.text("third_party"), .text("QuickPay")] + rate(1, of: 2),
                [.text("official"), .text("unknown")] + rate(1, of: 8),
            ])
    }

    @Test func unknownRateByFeeTier() throws {
        expectRows(
            try run("unknown_rate_by_fee_tier"),
            [
                [.text("waived")] + rate(3, of: 6),
                [.text("standard")] + rate(2, of: 8),
                [.text("preferential")] + rate(0, of: 2),
            ])
    }

    @Test func unknownRateByChannelFeeTier() throws {
        expectRows(
            try run("unknown_rate_by_channel_fee_tier"),
            [
                [.text("official"), .text("preferential")] + rate(0, of: 2),
                [.text("official"), .text("standard")] + rate(1, of: 6),
                [.text("third_party"), .text("standard")] + rate(1, of: 2),
                [.text("third_party"), .text("waived")] + rate(3, of: 6),
            ])
    }

    @Test func unknownRateByFirmware() throws {
        expectRows(
            try run("unknown_rate_by_firmware"),
            [
                [.text("A8_OLD")] + rate(4, of: 8),
                [.text("A920_V2")] + rate(1, of: 2),
                [.text("A920_V1")] + rate(0, of: 4),
                [.text("ME31_X")] + rate(0, of: 2),
            ])
    }

    @Test func unknownRateByFirmwareCodeTable() throws {
        expectRows(
            try run("unknown_rate_by_firmware_code_table", ["min_txns": "2"]),
            [
                [.text("A8_OLD"), .text("CUP2010")] + rate(4, of: 8),
                [.text("A920_V2"), .text("CUP2015")] + rate(1, of: 2),
                [.text("A920_V1"), .text("CUP2015")] + rate(0, of: 4),
                [.text("ME31_X"), .text("CUP2015")] + rate(0, of: 2),
            ])
    }

    @Test func unknownRateByNetworkWindow() throws {
        // T2's day-2 transactions followed its weak signal; one of the three timed out (not unknown).
        expectRows(
            try run("unknown_rate_by_network_window"),
            [
                [.text("yes"), .text("<-105")] + rate(2, of: 3),
                [.text("no"), .text(">=-85")] + rate(3, of: 13),
            ])
    }

    @Test func topUnknownCodes() throws {
        // Q1 twice (sent so by the host), then A7, O0, P1 once each by code. A7 was declined by T4's CUP2015.
        expectRows(
            try run("top_unknown_codes"),
            [
                [.text("Q1"), .int(2), .real(0.4), .int(1), .int(2), .text("CUP2010"), .null],
                [.text("A7"), .int(1), .real(0.2), .int(1), .int(1), .text("CUP2010"), .text("CUP2015")],
                [.text("O0"), .int(1), .real(0.2), .int(1), .int(0), .text("CUP2010"), .null],
                [.text("P1"), .int(1), .real(0.2), .int(1), .int(1), .text("CUP2015"), .null],
            ])
        #expect(try run("top_unknown_codes", ["limit": "1"]).rows.count == 1)
    }

    @Test func codeGaps() throws {
        // The terminal's code with a verdict (unknown, declined, approved) per code table and
        // firmware; T2's timeout has no code. The fixture's run has no code-gap test.
        func row(_ code: String, _ table: String, _ firmware: String, unknown: Int, known: Int) -> [Cell] {
            [
                .text(code), .text(table), .text(firmware), .int(Int64(unknown)), .int(Int64(known)),
                .real(Double(unknown) / Double(unknown + known)), .null, .int(0), .null, .int(0),
            ]
        }
        let expected = [
            row("Q1", "CUP2010", "A8_OLD", unknown: 2, known: 0),
            row("A7", "CUP2010", "A8_OLD", unknown: 1, known: 0),
            row("O0", "CUP2010", "A8_OLD", unknown: 1, known: 0),
            row("P1", "CUP2015", "A920_V2", unknown: 1, known: 0),
            row("00", "CUP2010", "A8_OLD", unknown: 0, known: 2),
            row("00", "CUP2015", "A920_V1", unknown: 0, known: 4),
            row("00", "CUP2015", "A920_V2", unknown: 0, known: 1),
            row("00", "CUP2015", "ME31_X", unknown: 0, known: 1),
            row("05", "CUP2010", "A8_OLD", unknown: 0, known: 1),
            row("A7", "CUP2015", "ME31_X", unknown: 0, known: 1),
        ]
        expectRows(try run("code_gaps"), expected)
        expectRows(
            try run("code_gaps", ["since": Fixture.day2]),
            [
                row("Q1", "CUP2010", "A8_OLD", unknown: 2, known: 0),
                row("P1", "CUP2015", "A920_V2", unknown: 1, known: 0),
                row("00", "CUP2015", "A920_V2", unknown: 0, known: 1),
                row("00", "CUP2015", "ME31_X", unknown: 0, known: 1),
                row("A7", "CUP2015", "ME31_X", unknown: 0, known: 1),
            ])

        // With the latest run's test: A7 lacking at CUP2010, tested and not lacking at A8_OLD.
        let path = try ReadOnlyTests.writableCopy()
        let database = try Database(path: path)
        try database.execute(
            """
            INSERT INTO run_code_gap_tests(run_id, code, attribute, value, unknown, arrivals, other_unknown, other_arrivals,
                risk_ratio, rr_lo, rr_hi, p_value, q_value, lacks, known_at)
            VALUES ((SELECT max(id) FROM analysis_runs), 'A7', 'code_table', 'CUP2010', 1, 1, 0, 1, 3, 0.3, 30, 0.5, 0.01, 1, 'CUP2015:1/1'),
                   ((SELECT max(id) FROM analysis_runs), 'A7', 'firmware', 'A8_OLD', 1, 1, 0, 1, 3, 0.3, 30, 0.5, 0.5, 0, 'ME31_X:1/1')
            """)
        let table = try repositoryQueries.query(named: "code_gaps").run(on: database)
        let tested: [Cell] = [.text("A7"), .text("CUP2010"), .text("A8_OLD"), .int(1), .int(0), .real(1), .real(0.01), .int(1), .real(0.5), .int(0)]
        expectRows(ResultTable(columns: table.columns, rows: [table.rows[1]]), [tested])
    }

    @Test func terminalsWithTheMostUnknowns() throws {
        // T4 has none and is left out; T1's latest transaction ran A920_V2.
        let table = try run("terminals_most_unknown")
        #expect(
            table.columns == [
                "tid", "brand", "model", "channel", "agent", "fee_tier", "firmware", "code_table", "last_seen",
                "transactions", "unknown", "rate", "rate_lo", "rate_hi",
            ])
        expectRows(
            table,
            [
                [
                    .text("T2"), .text("Landi"), .text("A8"), .text("third_party"), .text("汇联代理"), .text("waived"), .text("A8_OLD"), .text("CUP2010"),
                    .text("2026-11-21T02:05:00.000Z"),
                ] + rate(3, of: 6),
                [
                    .text("T3"), .text("Landi"), .text("A8"), .text("third_party"), .text("QuickPay"), .text("standard"), .text("A8_OLD"),
                    .text("CUP2010"),
                    .text("2026-11-20T07:00:00.000Z"),
                ] + rate(1, of: 2),
                [
                    .text("T1"), .text("PAX"), .text("A920"), .text("official"), .text("unknown"), .text("standard"), .text("A920_V2"),
                    .text("CUP2015"),
                    .text("2026-11-21T01:20:00.000Z"),
                ] + rate(1, of: 6),
            ])
    }

    @Test func failureCauses() throws {
        expectRows(
            try run("failure_causes"),
            [
                [.text("unknown"), .text("code_table_gap"), .int(2), .real(0.4), .int(2)],
                [.text("unknown"), .text("nonstandard_code"), .int(2), .real(0.4), .int(1)],
                [.text("unknown"), .text("garbled_response"), .int(1), .real(0.2), .int(1)],
                [.text("timeout"), .text("late_response"), .int(1), .real(1.0), .int(1)],
            ])
    }

    @Test func networkEventsBeforeFailures() throws {
        // Within 60 s: T2's weak signal before T2/4 and T2/5 (both unknown; T2/6 is 5 min later),
        // the agentpay peer-disconnect before T3/1 (unknown), T1's down before T1/1 (approved).
        // The other 12 transactions followed no event; 3 of them failed (T1/6, T2/2, T2/6).
        let baseline = 3.0 / 12.0
        func row(_ event: String, _ failures: Int, _ of: Int) -> [Cell] {
            let r = rate(failures, of: of)
            return [.text(event)] + [r[0], r[1], r[2], r[3], r[4]] + [.real(baseline), .real(Double(failures) / Double(of) / baseline)]
        }
        expectRows(
            try run("network_events_before_failures"),
            [
                row("terminal weak", 2, 2),
                row("acquirer peer-disconnect", 1, 1),
                row("terminal down", 0, 1),
            ])
        // With a 10 s window, T2/4 (30 s after) and T3/1 (20 s after) fall out; T1/1 (10 s) stays.
        let narrow = try run("network_events_before_failures", ["window_s": "10"])
        #expect(narrow.rows.map { $0[0] } == ["terminal down"])
        // With 300 s, T2/6 (exactly 300 s after the weak signal, a timeout) joins T2/4 and T2/5; the
        // other 11 transactions followed no event, 2 of them failed (T1/6, T2/2).
        let wide = 2.0 / 11.0
        func wideRow(_ event: String, _ failures: Int, _ of: Int) -> [Cell] {
            let r = rate(failures, of: of)
            return [.text(event)] + [r[0], r[1], r[2], r[3], r[4]] + [.real(wide), .real(Double(failures) / Double(of) / wide)]
        }
        expectRows(
            try run("network_events_before_failures", ["window_s": "300"]),
            [
                wideRow("terminal weak", 3, 3),
                wideRow("acquirer peer-disconnect", 1, 1),
                wideRow("terminal down", 0, 1),
            ])
        // Schema 2: the daily aggregate keeps the windows of 10, 60 and 300 s only; another window
        // finds nothing rather than a wrong count.
        #expect(try run("network_events_before_failures", ["window_s": "30"]).rows.isEmpty)
    }

    @Test func firmwareUpgradeEffect() throws {
        // Only T1 changed firmware (T3 rebooted on the same one). Schema 2 changed the query's
        // semantics: it compares whole local days before and after the day of the change and leaves
        // that day out. T1 upgraded at day 2 00:00, so day 1 (4 transactions, none unknown) is
        // before, day 2 (T1/5, T1/6) is the day of the change and counts on neither side, and no
        // later day has data: nothing after (it was 2 with 1 unknown when the sides were split at
        // the change's time). The analysis's DiD finding is joined in.
        let before = WilsonInterval(outcomes: 0, trials: 4)
        let expected: [[Cell]] = [
            [
                .text("A920_V1"), .text("A920_V2"), .int(1),
                .int(4), .int(0), .real(0), .real(0), .real(before.upper),
                .int(0), .int(0), .null, .null, .null,
                .null, .real(3.5), .real(1.2), .real(9.8),
            ]
        ]
        expectRows(try run("firmware_upgrade_effect"), expected)
        expectRows(try run("firmware_upgrade_effect", ["days": "1"]), expected)
        // A window of no days holds only the day of the change, which is left out: no upgrade can be judged.
        expectRows(try run("firmware_upgrade_effect", ["days": "0"]), [])
    }

    @Test func unmatchedAndLateAcquirerResponses() throws {
        expectRows(
            try run("acquirer_unmatched_late"),
            [
                [.text(Fixture.cup), .int(3), .int(2), .int(1), .int(0), .int(1), .int(40_000), .int(0)],
                [.text(Fixture.agentpay), .int(2), .int(1), .int(0), .int(1), .int(1), .int(35_000), .int(1)],
            ])
        // A higher threshold makes neither late.
        let strict = try run("acquirer_unmatched_late", ["late_ms": "50000"])
        #expect(strict.rows.map { $0[5] } == ["0", "0"])
        // Lateness is counted in whole seconds (schema 2, daily_acquirer_lifespans): cup's 500 ms
        // answer is 0 s and stays on time even against a 1 ms threshold.
        let strictest = try run("acquirer_unmatched_late", ["late_ms": "1"])
        #expect(strictest.rows.map { [$0[0], $0[5]] } == [[Fixture.cup, "1"], [Fixture.agentpay, "1"]])
    }

    @Test func rejectsByFileAndReason() throws {
        let table = try run("rejects_by_file_reason")
        #expect(table.columns == ["file", "kind", "status", "reason", "rejects", "first_line", "first_text"])
        #expect(table.rows.count == 3)
        // Two `amt` lines (10 and 11) share a reason, the line without a tid (3) has its own, and the
        // truncated file is listed with its error.
        let amount = try #require(table.rows.first)
        #expect(amount[0]?.hasSuffix("inputs/terminal.log") == true)
        #expect(amount[1] == "terminal_log" && amount[2] == "ok")
        #expect(amount[4] == "2" && amount[5] == "10")
        #expect(amount[6] == "ts=2026-11-21T09:10:00.000+08:00 tid=T1 ev=txn type=sale stan=000006 amt=oops cur=156 rc=P1 disp=unknown")
        #expect(table.rows[1][4] == "1" && table.rows[1][5] == "3")
        #expect(table.rows[1][3] != amount[3])
        expectRows(
            ResultTable(columns: table.columns, rows: [table.rows[2]]),
            [
                [
                    .text("late/terminal-cut.log.gz"), .text("terminal_log"), .text("truncated"), .text("file_truncated"), .int(0), .null,
                    .text("gzip stream ends early"),
                ]
            ])
        #expect(try run("rejects_by_file_reason", ["min_rejects": "2"]).rows.count == 2)
    }
}
