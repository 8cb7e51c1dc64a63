import POSAnalysis
import Testing

private func isUnknown(_ outcome: Outcome) -> Bool { outcome == .unknown }

/// Adds `count` transactions of code `code` at terminals with the given code table and firmware.
private func arrivals(
    _ builder: inout HandBuiltTable, _ count: Int, code: String, outcome: Outcome, table: String, firmware: String,
    clock: inout Int64
) {
    for index in 0..<count {
        clock += 1000
        builder.add(
            terminal: "\(firmware)-\(index % 7)", time: clock, outcome: outcome,
            cause: outcome == .unknown ? .codeTableGap : nil, code: code,
            attributes: ["code_table": table, "firmware": firmware])
    }
}

@Suite("CodeTableTests")
struct CodeTableTests {
    /// A7: unknown to CUP2010 (30 on firmware F1, 12 on F3), known to CUP2015 (50 on F2, of
    /// which 2 shown as unknown: a table "knows" a code it mostly declines). D1: 19 gap rows,
    /// one short of the 20 needed. 05: an ordinary decline everywhere. Plus approvals and a
    /// timeout that carries A7 (no verdict).
    private func fleet() -> TransactionTable {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        arrivals(&builder, 30, code: "A7", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 12, code: "A7", outcome: .unknown, table: "CUP2010", firmware: "F3", clock: &clock)
        arrivals(&builder, 48, code: "A7", outcome: .declined, table: "CUP2015", firmware: "F2", clock: &clock)
        arrivals(&builder, 2, code: "A7", outcome: .unknown, table: "CUP2015", firmware: "F2", clock: &clock)
        arrivals(&builder, 1, code: "A7", outcome: .timeout, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 19, code: "D1", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 5, code: "D1", outcome: .declined, table: "CUP2015", firmware: "F2", clock: &clock)
        arrivals(&builder, 40, code: "05", outcome: .declined, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 40, code: "05", outcome: .declined, table: "CUP2015", firmware: "F2", clock: &clock)
        arrivals(&builder, 300, code: "00", outcome: .approved, table: "CUP2015", firmware: "F2", clock: &clock)
        return builder.table
    }

    @Test("a code some tables lack: exact counts per code table and firmware")
    func gapIsCounted() throws {
        let findings = CodeTableAnalysis.analyze(
            fleet(), isTarget: isUnknown, targetName: "unknown", meanings: ["A7": "security processing failure"])
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.kind == "code")
        #expect(finding.pattern == "code=A7")
        #expect(finding.outcome == "unknown")
        #expect(finding.transactions == 42)
        #expect(finding.outcomes == 42)
        #expect(finding.rate == 1)
        #expect(finding.baselineRate == 2.0 / 50)
        #expect(abs(finding.excess - (42 - 42 * 2.0 / 50)) < 1e-12)
        // 42 + 2 + 19 unknowns in all.
        #expect(finding.shareOfOutcome == 42.0 / 63)
        // Katz with a zero cell (b = 0): 0.5 added everywhere, (42.5/43)/(2.5/51).
        #expect(abs(finding.riskRatio - (42.5 / 43) / (2.5 / 51)) < 1e-12)
        #expect(finding.pValue < 1e-10)
        #expect(finding.qValue == finding.pValue)
        #expect(finding.topCause == "code_table_gap:1.00")
        #expect(finding.topCodes == "A7:42")
        #expect(
            finding.evidence
                == "Code A7 (security processing failure) was unknown to code_table=CUP2010 in 42 of 42"
                + " transactions and known to code_table=CUP2015 in 48 of 50; by firmware, unknown on F1 (30 of 30)"
                + " and F3 (12 of 12) and known on F2 (48 of 50).")
    }

    @Test("no table knows the code: NaN ratio, zero baseline, said so")
    func nobodyKnows() throws {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        arrivals(&builder, 25, code: "F3", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 1_208, code: "F3", outcome: .unknown, table: "CUP2012", firmware: "F4", clock: &clock)
        arrivals(&builder, 100, code: "00", outcome: .approved, table: "CUP2015", firmware: "F2", clock: &clock)
        let findings = CodeTableAnalysis.analyze(builder.table, isTarget: isUnknown, targetName: "unknown")
        let finding = try #require(findings.first)
        #expect(finding.transactions == 1_233)
        #expect(finding.baselineRate == 0)
        #expect(finding.riskRatio.isNaN)
        #expect(finding.pValue.isNaN)
        #expect(finding.excess == 1_233)
        #expect(
            finding.evidence
                == "Code F3 was unknown to code_table=CUP2012 in 1,208 of 1,208 and code_table=CUP2010 in 25 of 25"
                + " transactions, and no code table that received it knew it; by firmware, unknown on F4 (1,208 of"
                + " 1,208) and F1 (25 of 25).")
    }

    @Test("codes are examined only with 20 gap rows among the targets")
    func supportAndTarget() {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        arrivals(&builder, 20, code: "A7", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 19, code: "D1", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        #expect(
            CodeTableAnalysis.analyze(builder.table, isTarget: isUnknown, targetName: "unknown").map(\.pattern) == [
                "code=A7"
            ])
        // With timeouts as the target there are no code-table gaps among the targets.
        #expect(CodeTableAnalysis.analyze(builder.table, isTarget: { $0 == .timeout }, targetName: "timeout").isEmpty)
    }

    @Test("several codes: largest excess first")
    func ordering() {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        arrivals(&builder, 20, code: "A7", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 35, code: "D1", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 30, code: "D1", outcome: .declined, table: "CUP2015", firmware: "F2", clock: &clock)
        let findings = CodeTableAnalysis.analyze(builder.table, isTarget: isUnknown, targetName: "unknown")
        #expect(findings.map(\.pattern) == ["code=D1", "code=A7"])
        #expect(findings.map(\.outcomes) == [35, 20])
    }
}
