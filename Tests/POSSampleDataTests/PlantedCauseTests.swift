import Foundation
import POSFormats
import POSSampleData
import Testing

/// One transaction line as the tests read it back.
struct ReadTransaction {
    var tid: String
    var codeTable: String
    var firmware: String
    var networkType: String
    var type: String
    var display: String
    var responseCode: String?
}

extension GeneratedSet {
    /// Every accepted transaction line, with the firmware, code table and network type its
    /// terminal last logged before it (files are per day, and every terminal boots each morning).
    func transactions() throws -> [ReadTransaction] {
        var result: [ReadTransaction] = []
        for file in terminalLogs {
            var codeTables: [String: String] = [:]
            var firmware: [String: String] = [:]
            var networks: [String: String] = [:]
            let rejected = Set(file.rejects.map(\.line))
            for (index, line) in try lines(file.path).prefix(file.lines).enumerated() where !rejected.contains(index + 1) {
                guard let fields = logfmtFields(line), let tid = fields["tid"]?.trimmingCharacters(in: .whitespaces) else { continue }
                switch fields["ev"] {
                case "boot":
                    codeTables[tid] = fields["ctab"]
                    firmware[tid] = fields["fw"]
                case "net" where fields["state"] == "up":
                    networks[tid] = fields["type"]
                case "txn":
                    result.append(
                        ReadTransaction(
                            tid: tid, codeTable: codeTables[tid] ?? "?", firmware: firmware[tid] ?? "?", networkType: networks[tid] ?? "?",
                            type: fields["type"] ?? "?", display: fields["disp"] ?? "?", responseCode: fields["rc"]))
                default: break
                }
            }
        }
        return result
    }
}

/// Pearson's chi-square statistic of a 2×k table: the outcome's count and the total per group.
func chiSquare(_ groups: [(outcome: Int, total: Int)]) -> Double {
    let outcomes = Double(groups.reduce(0) { $0 + $1.outcome })
    let total = Double(groups.reduce(0) { $0 + $1.total })
    let rate = outcomes / total
    var statistic = 0.0
    for group in groups where group.total > 0 {
        let expectedYes = Double(group.total) * rate
        let expectedNo = Double(group.total) * (1 - rate)
        statistic += (Double(group.outcome) - expectedYes) * (Double(group.outcome) - expectedYes) / expectedYes
        statistic += (Double(group.total - group.outcome) - expectedNo) * (Double(group.total - group.outcome) - expectedNo) / expectedNo
    }
    return statistic
}

/// Unknowns per brand, from the lines and the inventory.
func unknownsByBrand(_ set: GeneratedSet) throws -> [(outcome: Int, total: Int)] {
    let inventory = try set.inventory()
    var counts: [String: (outcome: Int, total: Int)] = [:]
    for txn in try set.transactions() where txn.type != "reversal" {
        let brand = inventory[txn.tid]?["brand"] ?? "?"
        counts[brand, default: (0, 0)].total += 1
        if txn.display == "unknown" { counts[brand, default: (0, 0)].outcome += 1 }
    }
    return counts.keys.sorted().map { counts[$0]! }
}

@Suite("Planted causes")
struct PlantedCauseTests {
    @Test("Old-table terminals show unknown for A/D/F codes at the configured rate; the others never do", arguments: [1.0, 3.0])
    func codeTableGapRate(strength: Double) throws {
        let set = try GeneratedSet(
            SampleConfiguration(
                seed: 11, days: 2, terminals: 200, transactionsPerTerminalPerDay: 10,
                plantedCauses: [.codeTableGap], effectStrength: strength, faults: []),
            name: "gap-\(strength)")
        defer { set.remove() }
        let expected = try #require(set.truth.expectedFindings.first)
        #expect(set.truth.expectedFindings.map(\.cause) == [.codeTableGap])
        #expect(expected.configuredRate == 0.05 * strength)

        let newer: Set<String> = ["A7", "D1", "F3"]
        var oldExposed = 0
        var oldGap = 0
        var oldUnknown = 0
        var others = 0
        var othersUnknown = 0
        for txn in try set.transactions() where txn.type != "reversal" {
            let answered = txn.display != "timeout" && txn.display != "error"
            if txn.codeTable == "CUP2010" {
                #expect(txn.firmware == "A8_LandiOS_V1.6.0")
                if answered { oldExposed += 1 }
                if txn.display == "unknown" { oldUnknown += 1 }
                if txn.display == "unknown", let rc = txn.responseCode, newer.contains(rc) { oldGap += 1 }
            } else {
                others += 1
                if txn.display == "unknown" { othersUnknown += 1 }
                if let rc = txn.responseCode, newer.contains(rc) { #expect(txn.display == "declined") }
            }
        }
        #expect(oldExposed == expected.exposedTransactions)
        #expect(oldGap == expected.plantedTransactions)
        #expect(oldGap == set.truth.totals.byCause["code_table_gap"])
        let rate = Double(oldGap) / Double(oldExposed)
        let sigma = (expected.configuredRate * (1 - expected.configuredRate) / Double(oldExposed)).squareRoot()
        #expect(abs(rate - expected.configuredRate) < 4 * sigma, "measured \(rate), configured \(expected.configuredRate)")
        // The disp=unknown share of old-firmware transactions against the rest.
        let ratio = (Double(oldUnknown) / Double(oldExposed)) / max(1e-9, Double(othersUnknown) / Double(others))
        #expect(ratio > 5 * strength, "risk ratio \(ratio)")
    }

    @Test("2G terminals in Ürümqi time out at the configured rate; other terminals at the baseline")
    func timeoutRate() throws {
        let set = try GeneratedSet(
            SampleConfiguration(
                seed: 12, days: 2, terminals: 240, transactionsPerTerminalPerDay: 10,
                plantedCauses: [.timeouts], effectStrength: 2, faults: []),
            name: "timeouts")
        defer { set.remove() }
        let expected = try #require(set.truth.expectedFindings.first)
        #expect(expected.requiredPairs == [["region=乌鲁木齐", "net_type=2g"]])
        let inventory = try set.inventory()
        var remote = (outcome: 0, total: 0)
        var rest = (outcome: 0, total: 0)
        for txn in try set.transactions() where txn.type != "reversal" && txn.display != "error" {
            let isRemote = inventory[txn.tid]?["region"] == "乌鲁木齐" && txn.networkType == "2g"
            let timedOut = txn.display == "timeout" ? 1 : 0
            if isRemote { remote = (remote.outcome + timedOut, remote.total + 1) } else { rest = (rest.outcome + timedOut, rest.total + 1) }
        }
        #expect(remote.total == expected.exposedTransactions)
        let baseline = 0.0015
        let configured = expected.configuredRate + baseline
        let rate = Double(remote.outcome) / Double(remote.total)
        #expect(abs(rate - configured) < 4 * (configured * (1 - configured) / Double(remote.total)).squareRoot(), "\(rate) vs \(configured)")
        #expect(Double(rest.outcome) / Double(rest.total) < 0.006)
        #expect(remote.outcome - expected.plantedTransactions >= 0)
    }

    @Test("Every planted cause's share among its exposed transactions matches its configured rate")
    func plantedSharesMatch() throws {
        let truth = SharedSets.full.truth
        #expect(truth.expectedFindings.map(\.cause) == PlantedCause.allCases)
        for finding in truth.expectedFindings where finding.kinds != ["firmware_change"] {
            let n = Double(finding.exposedTransactions)
            let p = finding.configuredRate
            #expect(n > 100, "\(finding.cause)")
            let measured = Double(finding.plantedTransactions) / n
            #expect(abs(measured - p) < 4 * (p * (1 - p) / n).squareRoot(), "\(finding.cause): \(measured) vs \(p)")
        }
        let causes = truth.totals.byCause
        let unknownCauses = ["code_table_gap", "nonstandard_code", "garbled_response"].reduce(0) { $0 + causes[$1, default: 0] }
        #expect(unknownCauses == truth.totals.unknown)
        let timeoutCauses = ["late_response", "no_response", "request_lost"].reduce(0) { $0 + causes[$1, default: 0] }
        #expect(timeoutCauses == truth.totals.byOutcome["timeout"])
        #expect(
            truth.files.filter { $0.kind == "terminal_log" && $0.duplicateOf == nil }.reduce(0) { $0 + $1.transactions } == truth.totals.transactions)
    }

    @Test("Half of the old-firmware terminals upgrade on the middle day and show no A/D/F unknowns after it")
    func firmwareUpgrade() throws {
        let set = SharedSets.full
        let expected = try #require(set.truth.expectedFindings.first { $0.cause == .firmwareUpgrade })
        #expect(expected.requiredPairs == [["firmware=A8_LandiOS_V1.6.0→A8_LandiOS_V1.8.2"]])
        #expect(expected.direction == "lower")
        let planted = set.truth.firmwareUpdates.filter(\.planted)
        #expect(planted.count == expected.exposedTerminals)
        #expect(
            planted.allSatisfy { $0.succeeded && $0.from == "A8_LandiOS_V1.6.0" && $0.to == "A8_LandiOS_V1.8.2" && $0.time.hasPrefix("2026-11-21T") })
        let oldTerminals = try set.inventory().values.filter { $0["firmware"] == "A8_LandiOS_V1.6.0" }.count
        #expect(planted.count == oldTerminals / 2)
        #expect(set.truth.firmwareUpdates.contains { !$0.planted && $0.from == "A920_PayDroid_V02.3.15" })
        let upgraded = Set(planted.map(\.tid))
        for file in set.terminalLogs where file.path.contains("2026-11-22") {
            for line in try set.lines(file.path).prefix(file.lines) {
                guard let fields = logfmtFields(line), let tid = fields["tid"], upgraded.contains(tid) else { continue }
                if fields["ev"] == "boot" { #expect(fields["ctab"] == "CUP2015" && fields["fw"] == "A8_LandiOS_V1.8.2") }
                if fields["ev"] == "txn", let rc = fields["rc"], ["A7", "D1", "F3"].contains(rc) { #expect(fields["disp"] == "declined") }
            }
        }
    }

    @Test("Null data: nothing expected, and unknown rates are equal across brands; planted data is not")
    func nullData() throws {
        let null = try GeneratedSet(
            SampleConfiguration(seed: 13, days: 2, terminals: 180, transactionsPerTerminalPerDay: 18, plantedCauses: []),
            name: "null")
        let planted = try GeneratedSet(
            SampleConfiguration(
                seed: 13, days: 2, terminals: 180, transactionsPerTerminalPerDay: 18, plantedCauses: [.codeTableGap],
                effectStrength: 2, faults: []),
            name: "null-contrast")
        defer {
            null.remove()
            planted.remove()
        }
        #expect(null.truth.isNull && null.truth.decoys.isEmpty && null.truth.plantedCauses.isEmpty)
        #expect(null.truth.totals.unknown > 10)
        #expect(SampleConfiguration.null(seed: 13).plantedCauses.isEmpty)
        #expect(null.truth.totals.byCause["code_table_gap"] == nil)
        // Chi-square with 5 degrees of freedom: 20.5 is the 0.1% critical value.
        let nullStatistic = chiSquare(try unknownsByBrand(null))
        let plantedStatistic = chiSquare(try unknownsByBrand(planted))
        #expect(nullStatistic < 20.5, "null data: chi-square \(nullStatistic) across brands")
        #expect(plantedStatistic > 20.5, "planted data: chi-square \(plantedStatistic) across brands")
    }

    @Test(
        "A reported pattern matches a planted cause only with its required pairs and aliases",
        arguments: [
            ("combination", "firmware=A8_LandiOS_V1.6.0", PlantedCause?.some(.codeTableGap)),
            ("combination", "code_table=CUP2010", .codeTableGap),
            ("combination", "brand=Landi&model=A8&firmware=A8_LandiOS_V1.6.0", .codeTableGap),
            ("combination", "brand=Landi", nil),
            ("combination", "channel=third_party", nil),
            ("combination", "channel=third_party&firmware=A8_LandiOS_V1.6.0", nil),
            ("combination", "channel=third_party&acquirer=agentpay-switch/10.9.0.5:7001", .nonstandardCode),
            ("combination", "fee_tier=waived&acquirer=agentpay-switch/10.9.0.5:7001", nil),
            ("network", "net_event_60s=yes", .networkGarbling),
            ("combination", "rssi_band=<-105&net_event_60s=yes", .networkGarbling),
            ("combination", "region=乌鲁木齐&net_type=2g", .timeouts),
            ("combination", "region=乌鲁木齐", nil),
            ("firmware_change", "firmware=A8_LandiOS_V1.6.0→A8_LandiOS_V1.8.2", .firmwareUpgrade),
            ("firmware_change", "firmware=A920_PayDroid_V02.3.15→A920_PayDroid_V02.3.16", nil),
            ("combination", "firmware=A8_LandiOS_V1.6.0→A8_LandiOS_V1.8.2", nil),
        ])
    func patternMatching(kind: String, pattern: String, cause: PlantedCause?) {
        #expect(SharedSets.full.truth.expectedFinding(kind: kind, pattern: pattern)?.cause == cause)
    }
}
