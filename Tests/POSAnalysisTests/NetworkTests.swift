import Glibc
import POSAnalysis
import Testing

/// A `TransactionTable` built row by row, for the network, firmware-change and code-table tests.
struct HandBuiltTable {
    private(set) var table = TransactionTable()
    private var terminalIndex: [String: UInt32] = [:]
    private var valueIndex: [[String: UInt32]] = Array(
        repeating: ["unknown": 0], count: TransactionTable.attributeCount)

    /// The index of terminal `id`, added on first use.
    mutating func terminal(_ id: String) -> UInt32 {
        if let index = terminalIndex[id] { return index }
        let index = UInt32(table.terminals.count)
        table.terminals.append(id)
        terminalIndex[id] = index
        return index
    }

    /// The code of `value` of attribute `name`, added on first use.
    mutating func code(_ name: String, _ value: String) -> UInt32 {
        let attribute = TransactionTable.attributeIndex(name)!
        if let code = valueIndex[attribute][value] { return code }
        let code = UInt32(table.values[attribute].count)
        table.values[attribute].append(value)
        valueIndex[attribute][value] = code
        return code
    }

    /// Appends a transaction; attributes not given are `unknown`.
    @discardableResult
    mutating func add(
        terminal id: String, time: Int64, outcome: Outcome, cause: Cause? = nil, code: String? = nil,
        attributes: [String: String] = [:]
    ) -> Int {
        let terminal = terminal(id)
        for (index, name) in TransactionTable.attributeNames.enumerated() {
            let value = attributes[name].map { self.code(name, $0) } ?? 0
            table.attributes[index].append(value)
        }
        table.outcome.append(outcome)
        table.cause.append(cause)
        table.responseCode.append(table.codeIndex(code))
        table.acquirerResponseCode.append(table.codeIndex(code))
        table.terminal.append(terminal)
        table.time.append(time)
        table.count += 1
        return table.count - 1
    }

    /// The same rows in time order (ties by insertion), as the lead's table holds them.
    func sortedByTime() -> TransactionTable {
        let order = (0..<table.count).sorted { (table.time[$0], $0) < (table.time[$1], $1) }
        var sorted = table
        for attribute in 0..<TransactionTable.attributeCount {
            var column = AttributeColumn()
            for row in order { column.append(table.attributes[attribute][row]) }
            sorted.attributes[attribute] = column
        }
        sorted.outcome = order.map { table.outcome[$0] }
        sorted.cause = order.map { table.cause[$0] }
        sorted.responseCode = order.map { table.responseCode[$0] }
        sorted.acquirerResponseCode = order.map { table.acquirerResponseCode[$0] }
        sorted.terminal = TerminalColumn(order.map { table.terminal[$0] })
        sorted.time = TimeColumn(order.map { table.time[$0] })
        return sorted
    }
}

/// 2026-11-20T00:00:00Z in ms.
let handBuiltEpoch: Int64 = 1_795_132_800_000
private let second: Int64 = 1000
private let minute: Int64 = 60_000

private func isUnknown(_ outcome: Outcome) -> Bool { outcome == .unknown }

/// 50 terminals × 100 transactions, 10 minutes apart. Before transaction k = 10i + 5 of every
/// terminal (i = 0…9) a network event: 5 s before for i < 3, 30 s before for 3 ≤ i < 7,
/// 200 s before for i ≥ 7. Those with even i are unknown (garbled, `O0`); so is transaction 99
/// (a code-table gap, `A7`). 40 s after transaction k ≡ 8 (mod 10) another event, which lies
/// 560 s before the next one.
///
/// Exposed before, by window: 10 s: 150 rows, 100 unknown; 60 s: 350, 200; 300 s: 500, 250.
/// 300 unknowns in 5,000. After: 500 rows in the 60 s and 300 s windows, none unknown.
private func plantedNetwork(
    eventsAfterFailures: Bool = false, afterEvents: Bool = true
) -> (table: HandBuiltTable, events: NetworkEvents) {
    var builder = HandBuiltTable()
    var terminalEvents: [(terminal: UInt32, time: Int64)] = []
    for terminal in 0..<50 {
        let id = "T\(terminal)"
        for k in 0..<100 {
            let time = handBuiltEpoch + Int64(k) * 10 * minute
            var outcome = Outcome.approved
            var cause: Cause?
            var code: String? = "00"
            if k % 10 == 5 {
                let i = k / 10
                let lead = i < 3 ? 5 * second : i < 7 ? 30 * second : 200 * second
                terminalEvents.append((builder.terminal(id), time - lead))
                if i % 2 == 0 {
                    outcome = .unknown
                    cause = .garbledResponse
                    code = "O0"
                    if eventsAfterFailures { terminalEvents.append((builder.terminal(id), time + 20 * second)) }
                }
            }
            if k == 99 {
                outcome = .unknown
                cause = .codeTableGap
                code = "A7"
            }
            if afterEvents, k % 10 == 8 { terminalEvents.append((builder.terminal(id), time + 40 * second)) }
            builder.add(terminal: id, time: time, outcome: outcome, cause: cause, code: code)
        }
    }
    terminalEvents.sort { ($0.terminal, $0.time) < ($1.terminal, $1.time) }
    let events = NetworkEvents(
        terminalEvents: terminalEvents, realmEvents: [], periodStart: handBuiltEpoch,
        periodEnd: handBuiltEpoch + 99 * 10 * minute)
    return (builder, events)
}

@Suite("NetworkTests")
struct NetworkTests {
    @Test("events planted before failures: exact 2×2 tables per window and a network finding")
    func plantedEventsAreFound() throws {
        let (builder, events) = plantedNetwork()
        let report = NetworkAnalysis.analyze(
            builder.sortedByTime(), events: events, isTarget: isUnknown, targetName: "unknown")

        #expect(report.windows.map(\.seconds) == [10, 60, 300])
        let expected = [(100, 150, 200, 4850), (200, 350, 100, 4650), (250, 500, 50, 4500)]
        for (result, counts) in zip(report.windows, expected) {
            #expect(
                result.before
                    == TwoByTwoTable(
                        outcomesInside: counts.0, sizeInside: counts.1, outcomesOutside: counts.2,
                        sizeOutside: counts.3))
        }
        #expect(
            report.windows[0].after
                == TwoByTwoTable(outcomesInside: 0, sizeInside: 0, outcomesOutside: 300, sizeOutside: 5000))
        #expect(
            report.windows[1].after
                == TwoByTwoTable(outcomesInside: 0, sizeInside: 500, outcomesOutside: 300, sizeOutside: 4500))
        #expect(report.windows[2].after == report.windows[1].after)
        // Nothing a random shift produces comes near: the smallest p 999 shifts can give.
        for result in report.windows {
            #expect(result.permutationPValue == 1.0 / 1000)
            #expect(result.permutationShifts == 999)
            #expect(result.passes)
            #expect(!result.sharedOutage)
        }
        #expect(report.permutationTargets == 300)
        #expect(report.permutationOthers == 4700)

        #expect(report.findings.count == 1)
        let finding = try #require(report.findings.first)
        #expect(finding.kind == "network")
        #expect(finding.pattern == "net_event_60s=yes")
        #expect(finding.outcome == "unknown")
        #expect(finding.transactions == 350)
        #expect(finding.outcomes == 200)
        #expect(finding.rate == 200.0 / 350)
        #expect(finding.baselineRate == 100.0 / 4650)
        let ratio = (200.0 / 350) / (100.0 / 4650)
        #expect(abs(finding.riskRatio - ratio) < 1e-12 * ratio)
        // Katz: var ln RR = 1/200 − 1/350 + 1/100 − 1/4650.
        let halfWidth = 1.959963984540054 * (1.0 / 200 - 1.0 / 350 + 1.0 / 100 - 1.0 / 4650).squareRoot()
        #expect(abs(finding.riskRatioLow - ratio * exp(-halfWidth)) < 1e-9 * ratio)
        #expect(abs(finding.excess - (200 - 350 * 100.0 / 4650)) < 1e-9)
        #expect(finding.shareOfOutcome == 200.0 / 300)
        #expect(finding.topCause == "garbled_response:1.00")
        #expect(finding.topCodes == "O0:200")
        #expect(finding.confoundedBy == nil)
        #expect(finding.evidence.contains("were unknown in 57.1% (200 of 350) against 2.15% otherwise"))
        #expect(finding.evidence.contains("permutation p = 0.001 (999 shifts)"))
        #expect(finding.evidence.contains("ratio by window: 10 s 16, 60 s 27, 300 s 45"))
        #expect(finding.evidence.contains("in the 60 s after the transaction the ratio is"))
        #expect(finding.evidence.hasSuffix("so this is not a shared outage."))
    }

    @Test("the row order of the table does not change any number")
    func rowOrderDoesNotMatter() {
        let (builder, events) = plantedNetwork()
        let options = NetworkOptions(permutations: 99)
        let byTime = NetworkAnalysis.analyze(
            builder.sortedByTime(), events: events, isTarget: isUnknown, targetName: "unknown", options: options)
        let byTerminal = NetworkAnalysis.analyze(
            builder.table, events: events, isTarget: isUnknown, targetName: "unknown", options: options)
        #expect(byTime.windows == byTerminal.windows)
        #expect(byTime.findings == byTerminal.findings)
    }

    @Test("events right after the failures too: the after-window control flags a shared outage")
    func sharedOutageIsFlagged() throws {
        let (builder, events) = plantedNetwork(eventsAfterFailures: true, afterEvents: false)
        let report = NetworkAnalysis.analyze(
            builder.sortedByTime(), events: events, isTarget: isUnknown, targetName: "unknown")
        let window = report.windows[1]
        // Every garbled failure (250) has an event 20 s after it, and nothing else does.
        #expect(
            window.after == TwoByTwoTable(outcomesInside: 250, sizeInside: 250, outcomesOutside: 50, sizeOutside: 4750))
        #expect(
            window.before
                == TwoByTwoTable(outcomesInside: 200, sizeInside: 350, outcomesOutside: 100, sizeOutside: 4650))
        #expect(window.sharedOutage)
        #expect(report.windows[2].sharedOutage)
        // 20 s after is outside the 10 s window: nothing there to compare.
        #expect(report.windows[0].after.sizeInside == 0)
        #expect(!report.windows[0].sharedOutage)
        let finding = try #require(report.findings.first)
        #expect(finding.pattern == "net_event_60s=yes")
        #expect(finding.evidence.contains("shared outage rather than events preceding failures"))
        #expect(!finding.evidence.contains("not a shared outage"))
    }

    @Test("no event after any transaction: said so, and the ratio is missing")
    func noEventAfter() throws {
        let (builder, events) = plantedNetwork(afterEvents: false)
        let report = NetworkAnalysis.analyze(
            builder.sortedByTime(), events: events, isTarget: isUnknown, targetName: "unknown",
            options: NetworkOptions(permutations: 99))
        #expect(report.windows[1].afterRatio == nil)
        #expect(report.windows[1].after.sizeInside == 0)
        let finding = try #require(report.findings.first)
        #expect(
            finding.evidence.hasSuffix(
                "no transaction had an event in the 60 s after it, so this is not a shared outage."))
    }

    /// 40 terminals, 200 transactions each at random times over 5 days, unknown with
    /// probability 0.05 regardless of anything. Events: 20 random ones per terminal, and (with
    /// `eventsLeadTransactions`) one 3–50 s before 5% of the transactions, as reconnects
    /// before a payment happen in real logs, independent of the outcome.
    private func nullData(seed: UInt64, eventsLeadTransactions: Bool) -> (TransactionTable, NetworkEvents) {
        var generator = Xoshiro256StarStar(seed: seed)
        var builder = HandBuiltTable()
        var terminalEvents: [(terminal: UInt32, time: Int64)] = []
        let span: Int64 = 5 * 86_400_000
        for terminal in 0..<40 {
            let id = "N\(terminal)"
            let index = builder.terminal(id)
            for _ in 0..<20 {
                terminalEvents.append((index, handBuiltEpoch + Int64(generator.uniform(below: UInt64(span)))))
            }
            for _ in 0..<200 {
                let time = handBuiltEpoch + Int64(generator.uniform(below: UInt64(span)))
                let unknown = generator.uniform(below: 100) < 5
                builder.add(
                    terminal: id, time: time, outcome: unknown ? .unknown : .approved,
                    cause: unknown ? .garbledResponse : nil, code: unknown ? "O0" : "00")
                if eventsLeadTransactions, generator.uniform(below: 100) < 5 {
                    terminalEvents.append((index, time - 3000 - Int64(generator.uniform(below: 47_001))))
                }
            }
        }
        terminalEvents.sort { ($0.terminal, $0.time) < ($1.terminal, $1.time) }
        let table = builder.sortedByTime()
        return (
            table,
            NetworkEvents(
                terminalEvents: terminalEvents, realmEvents: [], periodStart: table.time[0],
                periodEnd: table.time[table.time.count - 1])
        )
    }

    @Test("null data: events independent of failures give no network finding", arguments: [false, true])
    func nullDataGivesNoFinding(eventsLeadTransactions: Bool) {
        let (table, events) = nullData(seed: 7, eventsLeadTransactions: eventsLeadTransactions)
        let report = NetworkAnalysis.analyze(table, events: events, isTarget: isUnknown, targetName: "unknown")
        #expect(report.findings.isEmpty)
        for result in report.windows {
            #expect(result.permutationPValue > 0.05)
            #expect(!result.passes)
        }
        // Exposure is real (events do precede transactions) and still says nothing about failures.
        if eventsLeadTransactions { #expect(report.windows[1].before.sizeInside >= 300) }
    }

    @Test("the permutation p-value is a function of the seed")
    func permutationIsDeterministic() {
        let (table, events) = nullData(seed: 11, eventsLeadTransactions: true)
        func pValues(_ seed: UInt64) -> [Double] {
            NetworkAnalysis.analyze(
                table, events: events, isTarget: isUnknown, targetName: "unknown",
                options: NetworkOptions(permutations: 199, seed: seed)
            ).windows.map(\.permutationPValue)
        }
        let first = pValues(20_261_120)
        #expect(first == pValues(20_261_120))
        for p in first {
            // (1 + exceedances)/200 with 0 ≤ exceedances ≤ 199.
            #expect(p >= 1.0 / 200 && p <= 1)
            #expect(abs((p * 200).rounded() - p * 200) < 1e-9)
        }
        #expect(first != pValues(1))
    }

    @Test("a dense source searched shift by shift gives the same numbers as the bucketed search")
    func denseAndSparseSearchesAgree() {
        // Realm events every 7 minutes; every terminal in the realm; a mild effect so that the
        // statistic varies from shift to shift.
        var builder = HandBuiltTable()
        var generator = Xoshiro256StarStar(seed: 3)
        let realm = builder.code("acquirer", "cup-direct")
        var realmEvents: [(realm: UInt32, time: Int64)] = []
        var terminalEvents: [(terminal: UInt32, time: Int64)] = []
        for index in 0..<300 { realmEvents.append((realm, handBuiltEpoch + Int64(index) * 7 * minute + 13 * second)) }
        for terminal in 0..<20 {
            let id = "D\(terminal)"
            for _ in 0..<5 {
                terminalEvents.append(
                    (builder.terminal(id), handBuiltEpoch + Int64(generator.uniform(below: 2_100 * 60_000))))
            }
            for _ in 0..<60 {
                let time = handBuiltEpoch + Int64(generator.uniform(below: 2_100 * 60_000))
                let unknown = generator.uniform(below: 10) == 0
                builder.add(
                    terminal: id, time: time, outcome: unknown ? .unknown : .approved,
                    attributes: ["acquirer": "cup-direct"])
            }
        }
        terminalEvents.sort { ($0.terminal, $0.time) < ($1.terminal, $1.time) }
        let table = builder.sortedByTime()
        let events = NetworkEvents(
            terminalEvents: terminalEvents, realmEvents: realmEvents, periodStart: table.time[0],
            periodEnd: table.time[table.time.count - 1])
        let options = NetworkOptions(permutations: 299)
        let perShift = NetworkAnalysis.analyze(
            table, events: events, isTarget: isUnknown, targetName: "unknown", options: options, denseEventCount: 0)
        let bucketed = NetworkAnalysis.analyze(
            table, events: events, isTarget: isUnknown, targetName: "unknown", options: options,
            denseEventCount: .max)
        #expect(perShift.windows == bucketed.windows)
        #expect(perShift.windows.map(\.permutationShifts) == [299, 299, 299])
        // Not all at the floor or the ceiling: the shifts did differ.
        #expect(perShift.windows.contains { $0.permutationPValue > 1.0 / 300 && $0.permutationPValue < 1 })
    }

    @Test("a realm's link event exposes the transactions of every terminal in the realm")
    func realmEventsExposeTheRealm() {
        var builder = HandBuiltTable()
        let north = builder.code("acquirer", "north")
        _ = builder.code("acquirer", "south")
        for terminal in 0..<4 {
            let realmName = terminal < 2 ? "north" : "south"
            // One transaction 30 s after the north link event, one 90 s after it, one 30 s before.
            for offset in [30 * second, 90 * second, -30 * second] {
                builder.add(
                    terminal: "R\(terminal)", time: handBuiltEpoch + 10 * minute + offset, outcome: .approved,
                    attributes: ["acquirer": realmName])
            }
        }
        let events = NetworkEvents(
            terminalEvents: [], realmEvents: [(north, handBuiltEpoch + 10 * minute)], periodStart: handBuiltEpoch,
            periodEnd: handBuiltEpoch + 20 * minute)
        let table = builder.sortedByTime()
        let exposed = NetworkAnalysis.eventBefore(table, events: events, seconds: 60)
        let expected = (0..<table.count).map {
            table.time[$0] == handBuiltEpoch + 10 * minute + 30 * second
                && table.values[10][Int(table.attributes[10][$0])] == "north"
        }
        #expect(exposed == expected)
        #expect(exposed.filter { $0 }.count == 2)
        let report = NetworkAnalysis.analyze(
            table, events: events, isTarget: isUnknown, targetName: "unknown", options: NetworkOptions(permutations: 9))
        // Before: 2 rows within 60 s, 4 within 300 s (the 90 s ones too); after: 2 rows 30 s before it.
        #expect(report.windows.map(\.before.sizeInside) == [0, 2, 4])
        #expect(report.windows.map(\.after.sizeInside) == [0, 2, 2])
        #expect(report.findings.isEmpty)
    }

    @Test("dose–response by rssi_band: counts, Wilson intervals and the trend")
    func doseResponse() {
        var builder = HandBuiltTable()
        // (band, transactions, unknowns): the rate doubles with each weaker band.
        let plan = [(">=-85", 100, 1), ("-86..-95", 100, 2), ("-96..-105", 100, 4), ("<-105", 100, 8), (nil, 50, 0)]
        var clock = handBuiltEpoch
        for (band, transactions, unknowns) in plan {
            for index in 0..<transactions {
                clock += minute
                builder.add(
                    terminal: "S1", time: clock, outcome: index < unknowns ? .unknown : .declined,
                    attributes: band.map { ["rssi_band": $0] } ?? [:])
            }
        }
        let report = NetworkAnalysis.analyze(
            builder.table,
            events: NetworkEvents(terminalEvents: [], realmEvents: [], periodStart: handBuiltEpoch, periodEnd: clock),
            isTarget: isUnknown, targetName: "unknown", options: NetworkOptions(permutations: 0))
        #expect(report.doseResponse.map(\.band) == [">=-85", "-86..-95", "-96..-105", "<-105", "unknown"])
        #expect(
            report.doseResponse.map(\.rate) == [
                WilsonInterval(outcomes: 1, trials: 100), WilsonInterval(outcomes: 2, trials: 100),
                WilsonInterval(outcomes: 4, trials: 100), WilsonInterval(outcomes: 8, trials: 100),
                WilsonInterval(outcomes: 0, trials: 50),
            ])
        // Cochran–Armitage by hand: p̄ = 15/400, T = 34 − 22.5 = 11.5,
        // var = p̄(1 − p̄)(1400 − 600²/400) = 0.0375 · 0.9625 · 500 = 18.046875.
        let z = 11.5 / 18.046875.squareRoot()
        #expect(abs(report.signalTrendZ! - z) < 1e-12)
        #expect(abs(z - 2.707_053_477) < 1e-9)
        // No events: nobody exposed, nothing tested, nothing found.
        #expect(report.windows.allSatisfy { $0.beforeRatio == nil && $0.permutationShifts == 0 })
        #expect(report.findings.isEmpty)
    }

    @Test("ties count as exceedances: when every shift gives the observed statistic, p = 1")
    func tiesCount() {
        // A realm link event every 5 s through the whole period: every transaction has one in
        // each window before it, whatever the shift, so every shifted table equals the observed one.
        var builder = HandBuiltTable()
        let realm = builder.code("acquirer", "chatty")
        var generator = Xoshiro256StarStar(seed: 5)
        for index in 0..<400 {
            let unknown = generator.uniform(below: 4) == 0
            builder.add(
                terminal: "K\(index % 8)", time: handBuiltEpoch + 10 * second + Int64(index) * 17 * second,
                outcome: unknown ? .unknown : .approved, attributes: ["acquirer": "chatty"])
        }
        let end = handBuiltEpoch + 10 * second + 399 * 17 * second
        let realmEvents = stride(from: handBuiltEpoch, through: end, by: 5_000).map { (realm: realm, time: $0) }
        let report = NetworkAnalysis.analyze(
            builder.table,
            events: NetworkEvents(
                terminalEvents: [], realmEvents: realmEvents, periodStart: handBuiltEpoch, periodEnd: end),
            isTarget: isUnknown, targetName: "unknown", options: NetworkOptions(permutations: 99))
        for result in report.windows {
            #expect(result.before.sizeOutside == 0)
            #expect(result.permutationShifts == 99)
            #expect(result.permutationPValue == 1)
        }
        #expect(report.findings.isEmpty)
    }

    @Test("window edges: an event at t or at t − w counts before, one at t + w counts after, as net_event_60s")
    func windowEdges() {
        var builder = HandBuiltTable()
        let at = handBuiltEpoch + 10 * minute
        // E0: event at t. E1: at t − 60 s. E2: at t − 60.001 s. E3: at t + 60 s. E4: at t + 10 s.
        let offsets: [Int64] = [0, -60_000, -60_001, 60_000, 10_000]
        var terminalEvents: [(terminal: UInt32, time: Int64)] = []
        for (index, offset) in offsets.enumerated() {
            builder.add(terminal: "E\(index)", time: at, outcome: .approved)
            terminalEvents.append((builder.terminal("E\(index)"), at + offset))
        }
        let events = NetworkEvents(
            terminalEvents: terminalEvents, realmEvents: [], periodStart: handBuiltEpoch,
            periodEnd: handBuiltEpoch + 20 * minute)
        #expect(
            NetworkAnalysis.eventBefore(builder.table, events: events, seconds: 60) == [
                true, true, false, false, false,
            ])
        #expect(
            NetworkAnalysis.eventBefore(builder.table, events: events, seconds: 10) == [
                true, false, false, false, false,
            ])
        let report = NetworkAnalysis.analyze(
            builder.table, events: events, isTarget: isUnknown, targetName: "unknown",
            options: NetworkOptions(permutations: 0))
        #expect(report.windows.map(\.before.sizeInside) == [1, 2, 3])
        #expect(report.windows.map(\.after.sizeInside) == [1, 2, 2])
    }
}
