import Foundation
import Testing

@testable import POSAnalysis

/// Adds `count` transactions of code `code` at terminals with the given code table and firmware.
private func arrivals(
    _ builder: inout HandBuiltTable, _ count: Int, code: String, outcome: Outcome, table: String, firmware: String,
    cause: Cause? = nil, clock: inout Int64
) {
    for index in 0..<count {
        clock += 1000
        builder.add(
            terminal: "\(firmware)-\(index % 7)", time: clock, outcome: outcome, cause: cause, code: code,
            attributes: ["code_table": table, "firmware": firmware])
    }
}

@Suite("Code-gap test")
struct CodeGapTests {
    /// A7: unknown to CUP2010 (30 on firmware F1, 12 on F3), known to CUP2015 (48 declined on F2,
    /// 2 shown as unknown). D1: 19 unknown at CUP2010, below support. 05: declined everywhere. 00:
    /// approved. A timeout that carries A7 has no verdict. 63 unknown arrivals: support is 20.
    private func fleet(cause: (Outcome) -> Cause? = { $0 == .unknown ? .codeTableGap : nil }) -> TransactionTable {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        func add(_ n: Int, _ code: String, _ outcome: Outcome, _ table: String, _ firmware: String) {
            arrivals(&builder, n, code: code, outcome: outcome, table: table, firmware: firmware, cause: cause(outcome), clock: &clock)
        }
        add(30, "A7", .unknown, "CUP2010", "F1")
        add(12, "A7", .unknown, "CUP2010", "F3")
        add(48, "A7", .declined, "CUP2015", "F2")
        add(2, "A7", .unknown, "CUP2015", "F2")
        add(1, "A7", .timeout, "CUP2010", "F1")
        add(19, "D1", .unknown, "CUP2010", "F1")
        add(5, "D1", .declined, "CUP2015", "F2")
        add(40, "05", .declined, "CUP2010", "F1")
        add(40, "05", .declined, "CUP2015", "F2")
        add(300, "00", .approved, "CUP2015", "F2")
        return builder.table
    }

    @Test("cells with enough unknown arrivals are tested with Fisher's exact test, BH over every cell that could reach support")
    func exactCounts() throws {
        let tests = CodeGapAnalysis.analyze(fleet())
        #expect(tests.map { "\($0.code) \($0.attribute)=\($0.value)" } == ["A7 code_table=CUP2010", "A7 firmware=F1"])
        let table = try #require(tests.first)
        #expect((table.unknown, table.arrivals, table.otherUnknown, table.otherArrivals) == (42, 42, 2, 50))
        let firmware = try #require(tests.last)
        #expect((firmware.unknown, firmware.arrivals, firmware.otherUnknown, firmware.otherArrivals) == (30, 30, 14, 62))
        // scipy.stats.fisher_exact([[42, 0], [2, 48]], alternative="greater") and [[30, 0], [14, 48]].
        #expect(abs(table.pValue / 3.249968970156331e-24 - 1) < 1e-9)
        #expect(abs(firmware.pValue / 7.714758924169822e-14 - 1) < 1e-9)
        // The family: the two tested cells and the eight that had 20 arrivals but fewer unknown
        // (A7 at CUP2015 and F2, 05 at both tables and F1, F2, 00 at CUP2015 and F2), p = 1.
        #expect(abs(table.qValue / 3.249968970156331e-23 - 1) < 1e-9)
        #expect(abs(firmware.qValue / 3.857379462084911e-13 - 1) < 1e-9)
        #expect(table.lacks && firmware.lacks)
        #expect(table.knownAt == [CodeGapAnalysis.Knowing(value: "CUP2015", known: 48, arrivals: 50)])
    }

    @Test("the classification is not used: the same verdicts whatever the causes say")
    func noCircularity() {
        let classified = CodeGapAnalysis.analyze(fleet())
        let unclassified = CodeGapAnalysis.analyze(fleet(cause: { _ in nil }))
        let misclassified = CodeGapAnalysis.analyze(fleet(cause: { $0 == .unknown ? .garbledResponse : nil }))
        #expect(classified == unclassified)
        #expect(classified == misclassified)
    }

    @Test("a code unknown everywhere lacks nowhere, and one arrival shown as unknown is no test")
    func unknownEverywhere() {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        arrivals(&builder, 60, code: "X9", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 60, code: "X9", outcome: .unknown, table: "CUP2015", firmware: "F2", clock: &clock)
        arrivals(&builder, 1, code: "N1", outcome: .unknown, table: "CUP2010", firmware: "F1", clock: &clock)
        arrivals(&builder, 200, code: "N1", outcome: .declined, table: "CUP2015", firmware: "F2", clock: &clock)
        let tests = CodeGapAnalysis.analyze(builder.table)
        #expect(tests.allSatisfy { $0.code == "X9" })
        #expect(!tests.isEmpty && tests.allSatisfy { !$0.lacks && $0.pValue == 1 })
    }

    @Test("a larger support leaves the cells below it untested")
    func supportIsTheExplainPasses() {
        #expect(CodeGapAnalysis.analyze(fleet(), options: ExplainOptions(minSupport: 43)).isEmpty)
        #expect(CodeGapAnalysis.analyze(fleet(), options: ExplainOptions(minSupport: 31)).map(\.value) == ["CUP2010"])
    }
}

@Suite("Findings: ranking, folding, code gaps, terminals, recommendations")
struct FindingAssemblyTests {
    /// Four blocks of transactions, ten terminals each:
    /// T1·A·R1 100 rows (72 unknown, firmware F1), T1·B·R2 100 (18), T2·A·R2 100 (18), T2·B·R1 700 (7).
    private func blocks() -> TransactionTable {
        var builder = HandBuiltTable()
        var clock = handBuiltEpoch
        let blocks: [(table: String, brand: String, region: String, firmware: String, rows: Int, unknown: Int)] = [
            ("T1", "A", "R1", "F1", 100, 72), ("T1", "B", "R2", "F2", 100, 18), ("T2", "A", "R2", "F2", 100, 18),
            ("T2", "B", "R1", "F2", 700, 7),
        ]
        for (b, block) in blocks.enumerated() {
            for k in 0..<block.rows {
                clock += 1000
                let unknown = k < block.unknown
                builder.add(
                    terminal: "\(b)\(k % 10)", time: clock, outcome: unknown ? .unknown : .approved,
                    cause: unknown ? .codeTableGap : nil, code: unknown ? "A7" : "00",
                    attributes: ["code_table": block.table, "brand": block.brand, "region": block.region, "firmware": block.firmware])
            }
        }
        return builder.table
    }

    private func finding(_ pattern: String, excess: Double, kind: String = "combination", confounded: String? = nil) -> Finding {
        Finding(
            kind: kind, pattern: pattern, outcome: "unknown", transactions: 0, outcomes: 0, rate: 0, rateLow: 0, rateHigh: 0,
            baselineRate: 0, riskRatio: kind == "firmware_change" ? 0.2 : 5, riskRatioLow: 2, riskRatioHigh: 9, pValue: 0.001,
            qValue: 0.01, excess: excess, shareOfOutcome: 0, topCause: "code_table_gap:0.90", topCodes: "A7:72",
            confoundedBy: confounded, evidence: "E \(pattern).", evidenceZH: "证据 \(pattern)。")
    }

    private func item(_ table: TransactionTable, _ name: String, _ value: String) -> (attribute: Int, value: UInt32) {
        let a = TransactionTable.attributeIndex(name)!
        return (a, UInt32(table.values[a].firstIndex(of: value)!))
    }

    private func candidates(_ table: TransactionTable) -> [Candidate] {
        [
            Candidate(finding: finding("code_table=T1", excess: 80), population: .items([item(table, "code_table", "T1")])),
            // 72 of its 90 unknown are T1's: 80%, folded.
            Candidate(finding: finding("brand=A", excess: 70), population: .items([item(table, "brand", "A")])),
            // 18 of its 36 are T1's: kept.
            Candidate(finding: finding("region=R2", excess: 20), population: .items([item(table, "region", "R2")])),
            // Every unknown on F1 is T1's, but a firmware change is never folded.
            Candidate(finding: finding("firmware=F1→F2", excess: 10, kind: "firmware_change"), population: .firmware(worse: "F1", better: "F2")),
            // The largest excess, but confounded: after the unconfounded ones. 18 of its 25 unknown
            // (72%) are T1's and the same 18 are R2's: kept.
            Candidate(finding: finding("brand=B", excess: 200, confounded: "code_table"), population: .items([item(table, "brand", "B")])),
            // The same pattern from another pass with a smaller excess: dropped.
            Candidate(finding: finding("code_table=T1", excess: 50, kind: "network"), population: .items([item(table, "code_table", "T1")])),
        ]
    }

    @Test("ranked by excess (confounded last), one per pattern; ≥ 80% of a higher finding's target rows folds, firmware changes never")
    func rankingAndFolding() throws {
        let table = blocks()
        let findings = FindingAssembly.assemble(candidates(table), table: table, target: .unknown, codeGaps: [], foldShare: 0.8)
        #expect(findings.map(\.pattern) == ["code_table=T1", "region=R2", "firmware=F1→F2", "brand=B"])
        let first = try #require(findings.first)
        #expect(first.kind == "combination" && first.excess == 80)
        #expect(first.folded == ["brand=A"])
        #expect(first.evidence.contains("also seen as brand=A (combination, 90 unknown codes, 80% of them this finding's"))
        #expect(first.evidenceZH.contains("亦表现为 brand=A（90 笔未知应答码，其中 80% 属于本发现"))
        #expect(findings[1].folded.isEmpty && findings[3].folded.isEmpty)
        // A confounded finding folds too: region=R1 holds 72 of T1's unknown and 7 more, 91% T1's.
        var withR1 = candidates(table)
        withR1.append(Candidate(finding: finding("region=R1", excess: 300, confounded: "brand"), population: .items([item(table, "region", "R1")])))
        let folded = FindingAssembly.assemble(withR1, table: table, target: .unknown, codeGaps: [], foldShare: 0.8)
        #expect(folded.first?.folded == ["brand=A", "region=R1"])
        // At 0.95, brand=A stays.
        let strict = FindingAssembly.assemble(candidates(table), table: table, target: .unknown, codeGaps: [], foldShare: 0.95)
        #expect(strict.map(\.pattern).contains("brand=A"))
    }

    @Test("a finding's terminals: every terminal of its rows with n and target counts, most target rows first")
    func terminals() throws {
        let table = blocks()
        let findings = FindingAssembly.assemble(candidates(table), table: table, target: .unknown, codeGaps: [], foldShare: 0.8)
        let terminals = try #require(findings.first?.terminals)
        #expect(terminals.count == 20)
        #expect(terminals.reduce(0) { $0 + $1.transactions } == 200)
        #expect(terminals.reduce(0) { $0 + $1.outcomes } == 90)
        #expect(terminals.first?.tid == "00" && terminals.first?.outcomes == 8 && terminals.first?.transactions == 10)
        #expect(terminals.first?.brand == "A" && terminals.first?.firmware == "F1" && terminals.first?.region == "R1")
        #expect(zip(terminals, terminals.dropFirst()).allSatisfy { $0.outcomes >= $1.outcomes })
    }

    @Test("code gaps go to the finding that names the value, an alias value is named beside them, top_codes lists the lacking codes")
    func codeGapsAttached() throws {
        let table = blocks()
        func gap(_ attribute: String, _ value: String) -> CodeGapAnalysis.Test {
            CodeGapAnalysis.Test(
                code: "A7", attribute: attribute, value: value, unknown: 72, arrivals: 72, otherUnknown: 0, otherArrivals: 500,
                riskRatio: nil, pValue: 1e-30, qValue: 1e-29, lacks: true,
                knownAt: [CodeGapAnalysis.Knowing(value: "T2", known: 500, arrivals: 500)])
        }
        let findings = FindingAssembly.assemble(
            candidates(table), table: table, target: .unknown, codeGaps: [gap("code_table", "T1"), gap("firmware", "F1")], foldShare: 0.8)
        let first = try #require(findings.first)
        #expect(first.topCodes == "A7:72")
        #expect(
            first.evidence.contains(
                "the code-gap test finds code_table=T1 lacks A7 (unknown in 72 of 72 arrivals, 0 of 500 elsewhere; known under T2 500 of 500)"))
        #expect(first.evidence.contains("firmware=F1 lacks the same codes on the same arrivals"))
        #expect(first.evidenceZH.contains("码表 T1 缺少 A7"))
        #expect(first.recommendation.hasPrefix("Push code table T2 (it knows A7)"))
        #expect(first.recommendation.contains("findings/1-terminals.csv"))
        #expect(first.recommendationZH.contains("推送码表 T2"))
        // The firmware change keeps its own numbers.
        #expect(findings[2].topCodes == "A7:72" && !findings[2].evidence.contains("code-gap"))
    }

    @Test("each mechanism has its recommendation, in both languages")
    func recommendations() throws {
        let table = blocks()
        let mechanisms: [(Cause, String, String)] = [
            (.nonstandardCode, "to map its private codes", "映射为银联标准应答码"),
            (.garbledResponse, "Check signal and carrier where they cluster", "排查这些交易集中之处的信号和运营商"),
            (.lateResponse, "Check the latency and the link", "响应时延和链路"),
            (.requestLost, "Check the latency and the link", "响应时延和链路"),
            (.localError, "local errors", "本地错误"),
            (.unmatched, "Load the acquirer logs", "导入覆盖这些交易的收单日志"),
        ]
        for (cause, english, chinese) in mechanisms {
            var candidate = candidates(table)[0]
            candidate.finding.topCause = "\(cause):0.80"
            let finding = try #require(
                FindingAssembly.assemble([candidate], table: table, target: .unknown, codeGaps: [], foldShare: 0.8).first)
            #expect(finding.recommendation.contains(english), "\(cause): \(finding.recommendation)")
            #expect(finding.recommendationZH.contains(chinese), "\(cause): \(finding.recommendationZH)")
            #expect(leftoverEnglish(finding.recommendationZH).isEmpty, "\(cause): \(finding.recommendationZH)")
            #expect(leftoverEnglish(finding.recommendation).count > 5, "the check finds English: \(finding.recommendation)")
        }
        let firmware = try #require(
            FindingAssembly.assemble([candidates(table)[3]], table: table, target: .unknown, codeGaps: [], foldShare: 0.8).first)
        #expect(firmware.recommendation.hasPrefix("Upgrade the 10 terminals still on F1 to F2"))
        #expect(firmware.recommendationZH.hasPrefix("将仍在 F1 上的 10 台终端升级到 F2"))
    }
}

@Suite("Thresholds")
struct ThresholdTests {
    @Test("every threshold reads back its default and what is set, and refuses values outside its range")
    func roundTrip() {
        for threshold in Thresholds.all {
            var options = AnalysisOptions()
            #expect(threshold.set(threshold.defaultValue, in: &options), "\(threshold.name)")
            #expect(threshold.value(in: options) == threshold.defaultValue)
            #expect(!threshold.set("not-a-number", in: &options), "\(threshold.name)")
            #expect(!threshold.set("-1", in: &options), "\(threshold.name)")
            #expect(threshold.value(in: options) == threshold.defaultValue, "a refused value leaves \(threshold.name) as it was")
            #expect(threshold.environmentName.hasPrefix("POSRCA_") && !threshold.environmentName.contains("-"))
            #expect(AnalysisOptions().summary.contains(" \(threshold.name)=\(threshold.defaultValue)"))
        }
        var options = AnalysisOptions()
        #expect(Thresholds.named("firmware-min-fold")!.set("2", in: &options) && options.firmware.minFold == 2)
        #expect(Thresholds.named("network-windows")!.set("5, 30", in: &options) && options.network.windowsSeconds == [5, 30])
        #expect(!Thresholds.named("fold-share")!.set("0.5", in: &options))
        #expect(Set(Thresholds.all.map(\.name)).count == Thresholds.all.count)
    }

    @Test("the README's table of thresholds is every threshold with its default, in order")
    func readmeTable() throws {
        var path = "\(#filePath)"
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        let readme = try String(contentsOfFile: path + "/README.md", encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("  | `--") }.map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(rows.map { $0[0] } == Thresholds.all.map { "`--\($0.name)`" })
        #expect(rows.map { $0[1] } == Thresholds.all.map(\.defaultValue))
    }

    @Test("Chinese text is spaced between Chinese and Latin, not next to full-width punctuation")
    func chineseSpacing() {
        #expect(Wording.spaced("码表为CUP2010的交易（ 1,442 笔中 77 笔 ）") == "码表为 CUP2010 的交易（1,442 笔中 77 笔）")
        #expect(Wording.spaced("地区=上海，63%在4g") == "地区=上海，63% 在 4g")
    }
}
