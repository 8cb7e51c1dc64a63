import Glibc
import POSAnalysis
import Testing

private let day: Int64 = 86_400_000
private let hour: Int64 = 3_600_000

/// Ten transactions a day (08:00–17:00, on the hour) for days 0–19 from `handBuiltEpoch`, for each
/// terminal of `firmwareAt`; a transaction is unknown when `unknown(terminal, hour, firmware)` says.
private func fleet(
    terminals: [String], firmwareAt: (String, Int64) -> String, unknown: (String, Int, String) -> Bool
) -> TransactionTable {
    var builder = HandBuiltTable()
    for terminal in terminals {
        for dayNumber in 0..<20 {
            for hourOfDay in 8...17 {
                let time = handBuiltEpoch + Int64(dayNumber) * day + Int64(hourOfDay) * hour
                let firmware = firmwareAt(terminal, time)
                let isUnknown = unknown(terminal, hourOfDay, firmware)
                builder.add(
                    terminal: terminal, time: time, outcome: isUnknown ? .unknown : .approved,
                    cause: isUnknown ? .codeTableGap : nil, code: isUnknown ? "A7" : "00",
                    attributes: ["firmware": firmware])
            }
        }
    }
    return builder.sortedByTime()
}

private let upgraded = (0..<20).map { "U\($0)" }
private let controls = (0..<20).map { "C\($0)" }
private let others = (0..<5).map { "X\($0)" }
/// Day 10, 12:30: every U terminal upgrades A → B.
private let upgradeTime = handBuiltEpoch + 10 * day + 12 * hour + 30 * 60_000

/// U terminals run A until `upgradeTime`, then B; C terminals stay on A; X terminals run X,
/// with many unknowns that must not count anywhere.
private func massUpgrade(unknown: @escaping (String, Int, String) -> Bool) -> (TransactionTable, [FirmwareUpgrade]) {
    let table = fleet(
        terminals: upgraded + controls + others,
        firmwareAt: { terminal, time in
            terminal.hasPrefix("X") ? "X" : terminal.hasPrefix("U") && time >= upgradeTime ? "B" : "A"
        },
        unknown: { terminal, hourOfDay, firmware in
            terminal.hasPrefix("X") ? hourOfDay <= 12 : unknown(terminal, hourOfDay, firmware)
        })
    let upgrades = upgraded.map {
        FirmwareUpgrade(
            terminal: UInt32(table.terminals.firstIndex(of: $0)!), time: upgradeTime, from: "A", to: "B")
    }
    return (table, upgrades)
}

private func isUnknown(_ outcome: Outcome) -> Bool { outcome == .unknown }

@Suite("FirmwareChangeTests")
struct FirmwareChangeTests {
    // Per U terminal: before [τ − 14 d, τ) holds days 0–9 and day 10 08:00–12:00, 105
    // transactions, 11 of them at 09:00; after [τ, τ + 14 d) holds day 10 13:00–17:00 and days
    // 11–19, 95 transactions, 9 at 09:00. The C terminals cover the same dates.

    @Test("a planted fall after the upgrade: hand-counted groups, ratio below 1, the old version blamed")
    func plantedFall() throws {
        // Unknown at 09:00 while on A, never on B.
        let (table, upgrades) = massUpgrade { _, hourOfDay, firmware in hourOfDay == 9 && firmware == "A" }
        let result = FirmwareChangeAnalysis.compare(
            table, upgrades: upgrades, isTarget: isUnknown, targetName: "unknown")
        let comparison = try #require(result.comparisons.first)
        #expect(result.comparisons.count == 1)
        #expect(comparison.upgradedTerminals == 20)
        #expect(comparison.upgradedBefore == OutcomeCount(outcomes: 220, total: 2100))
        #expect(comparison.upgradedAfter == OutcomeCount(outcomes: 0, total: 1900))
        #expect(comparison.notUpgradedBefore == OutcomeCount(outcomes: 220, total: 2100))
        #expect(comparison.notUpgradedAfter == OutcomeCount(outcomes: 180, total: 1900))

        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.kind == "firmware_change")
        #expect(finding.pattern == "firmware=A→B")
        // A zero cell: 0.5 is added to every cell, and the two before-rates cancel:
        // DiD = (0.5/1901) / (180.5/1901) = 0.5/180.5.
        #expect(abs(finding.riskRatio - 0.5 / 180.5) < 1e-15)
        #expect(finding.riskRatioHigh < 1)
        #expect(finding.transactions == 1900)
        #expect(finding.outcomes == 0)
        #expect(finding.rate == 0)
        #expect(finding.baselineRate == 220.0 / 2100)
        #expect(abs(finding.excess - 220 * (1 - 0.5 / 180.5)) < 1e-9)
        #expect(finding.topCause == "code_table_gap:1.00")
        #expect(finding.topCodes == "A7:220")
        // The before-half's 220 of all unknowns: 220 (U), 20 · 20 (C, every day), 5 · 5 · 20 (X).
        #expect(finding.shareOfOutcome == 220.0 / 1120)
        #expect(
            finding.evidence.hasPrefix(
                "After 20 terminals upgraded A to B, their unknown rate went from 10.5% (220 of 2,100) in the 14 days"
                    + " before to 0.00% (0 of 1,900) in the 14 days after, while terminals still on A went from"
                    + " 10.5% to 9.47%; difference-in-differences ratio 0.003 ("))
        #expect(finding.evidence.hasSuffix("the rate fell with the upgrade, so A caused it."))
        // analyze gives the same findings.
        #expect(
            FirmwareChangeAnalysis.analyze(table, upgrades: upgrades, isTarget: isUnknown, targetName: "unknown")
                == result.findings)
    }

    @Test("a planted rise: ratio 2 exactly, the new version blamed")
    func plantedRise() throws {
        // 09:00 on A; 09:00 and 10:00 on B.
        let (table, upgrades) = massUpgrade { _, hourOfDay, firmware in
            hourOfDay == 9 || (hourOfDay == 10 && firmware == "B")
        }
        let result = FirmwareChangeAnalysis.compare(
            table, upgrades: upgrades, isTarget: isUnknown, targetName: "unknown")
        let comparison = try #require(result.comparisons.first)
        // After: days 11–19 at 09:00 and 10:00 (day 10's are before 12:30).
        #expect(comparison.upgradedAfter == OutcomeCount(outcomes: 360, total: 1900))
        let finding = try #require(result.findings.first)
        // (360/1900 ÷ 220/2100) / (180/1900 ÷ 220/2100) = 2.
        #expect(abs(finding.riskRatio - 2) < 1e-12)
        // var = Σ (1/o − 1/n) over the four groups.
        let variance = 1.0 / 360 - 1.0 / 1900 + 2 * (1.0 / 220 - 1.0 / 2100) + 1.0 / 180 - 1.0 / 1900
        #expect(abs(finding.riskRatioLow - 2 * exp(-1.959963984540054 * variance.squareRoot())) < 1e-9)
        #expect(finding.riskRatioLow > 1)
        #expect(abs(finding.excess - 180) < 1e-9)
        #expect(finding.topCodes == "A7:360")
        #expect(finding.evidence.hasSuffix("the rate rose with the upgrade, so B caused it."))
    }

    @Test("an upgrade that changes nothing gives no finding")
    func noChange() throws {
        let (table, upgrades) = massUpgrade { _, hourOfDay, _ in hourOfDay == 9 }
        let result = FirmwareChangeAnalysis.compare(
            table, upgrades: upgrades, isTarget: isUnknown, targetName: "unknown")
        let comparison = try #require(result.comparisons.first)
        #expect(comparison.upgradedAfter == OutcomeCount(outcomes: 180, total: 1900))
        #expect(abs(comparison.differenceInDifferences!.estimate.ratio - 1) < 1e-12)
        #expect(result.findings.isEmpty)
    }

    @Test("staggered upgrades: the not-yet-upgraded controls, counted by hand")
    func staggeredControls() throws {
        // Two-day windows. U0 upgrades on day 5, U1 on day 8, L0 on day 15, all at 12:30, A → B;
        // C0 never upgrades. Unknown: every 09:00 transaction.
        let times = ["U0": 5, "U1": 8, "L0": 15].mapValues {
            handBuiltEpoch + Int64($0) * day + 12 * hour + 30 * 60_000
        }
        let table = fleet(
            terminals: ["U0", "U1", "L0", "C0"],
            firmwareAt: { terminal, time in times[terminal].map { time >= $0 ? "B" : "A" } ?? "A" },
            unknown: { _, hourOfDay, _ in hourOfDay == 9 })
        let upgrades = times.map {
            FirmwareUpgrade(
                terminal: UInt32(table.terminals.firstIndex(of: $0.key)!), time: $0.value, from: "A", to: "B")
        }
        let result = FirmwareChangeAnalysis.compare(
            table, upgrades: upgrades, isTarget: isUnknown, targetName: "unknown", options: FirmwareOptions(windowDays: 2))
        let comparison = try #require(result.comparisons.first)
        // Each half of each upgrade: 20 transactions (5 + 10 + 5), two at 09:00.
        #expect(comparison.upgradedBefore == OutcomeCount(outcomes: 6, total: 60))
        #expect(comparison.upgradedAfter == OutcomeCount(outcomes: 6, total: 60))
        // Before-halves (days): [3.5, 5.5), [6.5, 8.5), [13.5, 15.5); after-halves [5.5, 7.5),
        // [8.5, 10.5), [15.5, 17.5). C0: three of each, 60 + 60. U1, on A until 8.5 and more
        // than two days from its upgrade until 6.5: [3.5, 5.5) before (20), [5.5, 6.5) after
        // (10, one at 09:00). L0, on A until 15.5: the first two halves of each side (40 + 40).
        // U0 is upgraded in its own window and on B after it: never a control.
        #expect(comparison.notUpgradedBefore == OutcomeCount(outcomes: 12, total: 120))
        #expect(comparison.notUpgradedAfter == OutcomeCount(outcomes: 11, total: 110))
        #expect(result.findings.isEmpty)
    }

    @Test("pairs are kept apart, a terminal's next upgrade cuts its window, same-version upgrades are ignored")
    func pairsAreSeparate() throws {
        let (table, upgrades) = massUpgrade { _, hourOfDay, firmware in hourOfDay == 9 && firmware == "A" }
        let xTerminal = UInt32(table.terminals.firstIndex(of: "X0")!)
        // X0 goes X → Y with the others, Y → Z a day later, and logs a Y → Z → Z no-op; its
        // `firmware` attribute says X throughout (a log that never booted again), and X
        // terminals are unknown at 08:00–12:00.
        let more =
            upgrades + [
                FirmwareUpgrade(terminal: xTerminal, time: upgradeTime, from: "X", to: "Y"),
                FirmwareUpgrade(terminal: xTerminal, time: upgradeTime + day, from: "Y", to: "Z"),
                FirmwareUpgrade(terminal: xTerminal, time: upgradeTime + 2 * day, from: "Z", to: "Z"),
            ]
        let result = FirmwareChangeAnalysis.compare(table, upgrades: more, isTarget: isUnknown, targetName: "unknown")
        #expect(result.comparisons.map { "\($0.from)→\($0.to)" } == ["A→B", "X→Y", "Y→Z"])
        let xy = result.comparisons[1]
        // Before: days 0–9 and day 10 08:00–12:00 (55 unknown of 105); after: cut at the
        // Y → Z upgrade, day 10 13:00–17:00 and day 11 08:00–12:00 (5 of 10).
        #expect(xy.upgradedTerminals == 1)
        #expect(xy.upgradedBefore == OutcomeCount(outcomes: 55, total: 105))
        #expect(xy.upgradedAfter == OutcomeCount(outcomes: 5, total: 10))
        // Controls: X1–X4 only; X0 has upgraded, whatever its attribute says.
        #expect(xy.notUpgradedBefore == OutcomeCount(outcomes: 4 * 55, total: 4 * 105))
        #expect(xy.notUpgradedAfter == OutcomeCount(outcomes: 4 * 45, total: 4 * 95))
        // Y → Z: before is cut at X → Y (the same 10 transactions); after, day 11 13:00 on: 85,
        // 40 unknown. No transaction says firmware Y, so there is no control and no ratio.
        let yz = result.comparisons[2]
        #expect(yz.upgradedBefore == OutcomeCount(outcomes: 5, total: 10))
        #expect(yz.upgradedAfter == OutcomeCount(outcomes: 40, total: 85))
        #expect(yz.notUpgradedBefore == OutcomeCount(outcomes: 0, total: 0))
        #expect(yz.differenceInDifferences == nil)
        #expect(yz.qValue.isNaN)
        #expect(result.comparisons[0].upgradedBefore == OutcomeCount(outcomes: 220, total: 2100))
        #expect(result.findings.map(\.pattern) == ["firmware=A→B"])
    }

    @Test("window edges: before is [τ − W, τ), after is [τ, τ + W), for upgraded and controls alike")
    func windowEdges() throws {
        // τ on the hour: day 10, 12:00; two-day windows.
        let upgradeAt = handBuiltEpoch + 10 * day + 12 * hour
        let table = fleet(
            terminals: ["U0", "C0"],
            firmwareAt: { terminal, time in terminal == "U0" && time >= upgradeAt ? "B" : "A" },
            unknown: { _, hourOfDay, _ in hourOfDay == 12 })
        let upgrade = FirmwareUpgrade(
            terminal: UInt32(table.terminals.firstIndex(of: "U0")!), time: upgradeAt, from: "A", to: "B")
        let result = FirmwareChangeAnalysis.compare(
            table, upgrades: [upgrade], isTarget: isUnknown, targetName: "unknown", options: FirmwareOptions(windowDays: 2))
        let comparison = try #require(result.comparisons.first)
        // Before: day 8 12:00–17:00 (6, from exactly τ − W), day 9 (10), day 10 08:00–11:00 (4);
        // unknown at 12:00 on days 8 and 9. After: day 10 12:00–17:00 (6, from exactly τ), day 11
        // (10), day 12 08:00–11:00 (4; 12:00 is exactly τ + W, outside); 12:00 on days 10, 11.
        for count in [
            comparison.upgradedBefore, comparison.upgradedAfter, comparison.notUpgradedBefore,
            comparison.notUpgradedAfter,
        ] {
            #expect(count == OutcomeCount(outcomes: 2, total: 20))
        }
    }
}
