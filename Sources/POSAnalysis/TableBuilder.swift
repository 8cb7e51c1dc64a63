import POSFormats

/// What the analysis stores per transaction (the `txn_facts` table behind the `transactions` view).
struct TransactionFacts {
    var rowID: Int64
    var outcome: Outcome
    var cause: Cause?
    var acquirerRC: Int64
    var requestID: Int64?
    var responseID: Int64?
    var clockOffset: Int64?
    var firmware: Int64
    var app: Int64
    var codeTable: Int64
    var realm: Int64
    var netType: Int64
    var rssiBand: String
    var netEvent60s: Bool
}

/// A firmware period of one terminal (the `firmware_history` view).
struct FirmwarePeriod {
    var tid: Int64
    var firmware: Int64
    var app: Int64
    var codeTable: Int64
    var from: Int64
    var to: Int64?
}

/// Classifies every transaction and derives its attributes (analysis.md §1–§2).
struct TableBuilder {
    let data: AnalysisData
    let pairs: [AcquirerPair]
    let match: MatchResult
    let options: MatchOptions

    /// The band of an RSSI reading, as analysis.md §2 names them.
    static func rssiBand(_ rssi: Int64?) -> String {
        guard let rssi else { return "unknown" }
        if rssi >= -85 { return ">=-85" }
        if rssi >= -95 { return "-86..-95" }
        if rssi >= -105 { return "-96..-105" }
        return "<-105"
    }

    func build() -> (table: TransactionTable, facts: [TransactionFacts], periods: [FirmwarePeriod], upgrades: [FirmwareUpgrade], network: NetworkEvents) {
        let t = data.transactions
        let n = t.count
        var texts: [Int64: String] = [:]
        func text(_ id: Int64) -> String? {
            guard id != 0 else { return nil }
            if let cached = texts[id] { return cached }
            let value = data.dictionary[id]
            texts[id] = value
            return value
        }
        let disruptive: Set<String> = ["down", "weak", "switch"]
        var disruptiveState: [Int64: Bool] = [:]
        func isDisruptive(_ state: Int64) -> Bool {
            if let known = disruptiveState[state] { return known }
            let value = text(state).map { disruptive.contains($0.lowercased()) } ?? false
            disruptiveState[state] = value
            return value
        }
        // Realm link events, per realm, sorted.
        var realmEvents: [Int64: [Int64]] = [:]
        for event in data.realmLinkEvents { realmEvents[event.realm, default: []].append(event.ts) }
        for key in realmEvents.keys { realmEvents[key]!.sort() }
        func realmEventWithin(_ realm: Int64, before time: Int64, _ window: Int64) -> Bool {
            guard let times = realmEvents[realm], !times.isEmpty else { return false }
            var lo = 0
            var hi = times.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if times[mid] <= time { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 && time - times[lo - 1] <= window
        }
        func covered(_ realm: Int64, _ time: Int64) -> Bool {
            data.coverage[realm]?.contains { time >= $0.start - options.windowMilliseconds && time <= $0.end + options.windowMilliseconds } ?? false
        }
        var standardCache: [Int64: Bool] = [:]
        func isStandard(_ rc: Int64, realm: Int64) -> Bool {
            let key = rc << 24 ^ realm
            if let cached = standardCache[key] { return cached }
            let value = text(rc).map { data.catalogue.contains($0, realm: text(realm)) } ?? true
            standardCache[key] = value
            return value
        }

        var facts: [TransactionFacts] = []
        facts.reserveCapacity(n)
        var periods: [FirmwarePeriod] = []
        var upgrades: [(tid: Int64, ts: Int64, from: Int64, to: Int64)] = []
        var correctedTime = [Int64](repeating: 0, count: n)

        var softwareIndex = 0
        var netIndex = 0
        var row = 0
        while row < n {
            let tid = t.tid[row]
            var end = row
            while end < n, t.tid[end] == tid { end += 1 }
            // This terminal's software history and network events.
            while softwareIndex < data.software.count, data.software[softwareIndex].tid < tid { softwareIndex += 1 }
            var softwareEnd = softwareIndex
            while softwareEnd < data.software.count, data.software[softwareEnd].tid == tid { softwareEnd += 1 }
            while netIndex < data.terminalNet.count, data.terminalNet[netIndex].tid < tid { netIndex += 1 }
            var netEnd = netIndex
            while netEnd < data.terminalNet.count, data.terminalNet[netEnd].tid == tid { netEnd += 1 }

            let inventory = data.inventory[tid]
            var firmware = inventory?.firmware ?? 0
            var app: Int64 = 0
            var codeTable: Int64 = 0
            var periodStart: Int64?
            var s = softwareIndex
            var netType: Int64 = 0
            var rssi: Int64?
            var lastDisruption: Int64?
            var e = netIndex
            let offset = match.clockOffset[tid]
            let usualRealm = match.usualRealm[tid] ?? 0

            func closePeriod(at time: Int64) {
                if let start = periodStart {
                    periods.append(FirmwarePeriod(tid: tid, firmware: firmware, app: app, codeTable: codeTable, from: start, to: time))
                }
            }

            for r in row..<end {
                let ts = t.ts[r]
                while s < softwareEnd, data.software[s].ts <= ts {
                    let event = data.software[s]
                    closePeriod(at: event.ts)
                    if event.isUpgrade {
                        upgrades.append((tid, event.ts, event.from != 0 ? event.from : firmware, event.firmware))
                        if event.firmware != 0 { firmware = event.firmware }
                    } else {
                        if event.firmware != 0 { firmware = event.firmware }
                        app = event.app
                        codeTable = event.codeTable
                    }
                    periodStart = event.ts
                    s += 1
                }
                while e < netEnd, data.terminalNet[e].ts <= ts {
                    let event = data.terminalNet[e]
                    if event.netType != 0 { netType = event.netType }
                    if let value = event.rssi { rssi = value }
                    if isDisruptive(event.state) { lastDisruption = event.ts }
                    e += 1
                }
                let corrected = ts + (offset ?? 0)
                correctedTime[r] = corrected
                let pairIndex = match.pairOfTransaction[r]
                let pair = pairIndex.map { pairs[$0] }
                let realm = pair?.realm ?? usualRealm
                let near = (lastDisruption.map { ts - $0 <= 60_000 } ?? false) || realmEventWithin(realm, before: corrected, 60_000)
                let (outcome, cause) = classify(r, pair: pair, realm: realm, corrected: corrected, text: text, isStandard: isStandard, covered: covered)
                facts.append(TransactionFacts(
                    rowID: t.id[r], outcome: outcome, cause: cause, acquirerRC: pair?.rc ?? 0,
                    requestID: pair?.request.map { data.messages.id[$0] }, responseID: pair?.response.map { data.messages.id[$0] },
                    clockOffset: offset, firmware: firmware, app: app, codeTable: codeTable, realm: realm, netType: netType,
                    rssiBand: Self.rssiBand(rssi), netEvent60s: near
                ))
            }
            // Events after the last transaction still shape the history.
            while s < softwareEnd {
                let event = data.software[s]
                closePeriod(at: event.ts)
                if event.isUpgrade {
                    upgrades.append((tid, event.ts, event.from != 0 ? event.from : firmware, event.firmware))
                    if event.firmware != 0 { firmware = event.firmware }
                } else {
                    if event.firmware != 0 { firmware = event.firmware }
                    app = event.app
                    codeTable = event.codeTable
                }
                periodStart = event.ts
                s += 1
            }
            if let start = periodStart {
                periods.append(FirmwarePeriod(tid: tid, firmware: firmware, app: app, codeTable: codeTable, from: start, to: nil))
            }
            softwareIndex = softwareEnd
            netIndex = netEnd
            row = end
        }
        // Terminals with software events but no transactions.
        periods.append(contentsOf: historyWithoutTransactions(known: Set(t.tid)))

        // The in-memory table, in corrected time order.
        let order = (0..<n).sorted { correctedTime[$0] != correctedTime[$1] ? correctedTime[$0] < correctedTime[$1] : t.id[$0] < t.id[$1] }
        var table = TransactionTable()
        table.count = n
        var codes = Array(repeating: [String: UInt32](), count: TransactionTable.attributeCount)
        for a in 0..<TransactionTable.attributeCount {
            codes[a]["unknown"] = 0
            table.attributes[a].reserveCapacity(n)
        }
        func code(_ a: Int, _ value: String?) -> UInt32 {
            guard let value, !value.isEmpty else { return 0 }
            if let known = codes[a][value] { return known }
            let next = UInt32(table.values[a].count)
            table.values[a].append(value)
            codes[a][value] = next
            return next
        }
        var terminalIndex: [Int64: UInt32] = [:]
        for r in order {
            let f = facts[r]
            let inventory = data.inventory[t.tid[r]]
            let localMs = t.ts[r] + Int64(t.tz[r]) * 60_000
            let hour = Int((localMs / 3_600_000 % 24 + 24) % 24)
            let mcc = inventory.flatMap { $0.mcc == 0 ? nil : $0.mcc } ?? t.mcc[r]
            let row: [String?] = [
                inventory.flatMap { text($0.brand) }, inventory.flatMap { text($0.model) }, inventory.flatMap { text($0.channel) },
                inventory.flatMap { text($0.agent) }, inventory.flatMap { text($0.feeTier) }, inventory.flatMap { text($0.region) },
                text(mcc), text(f.firmware), text(f.app), text(f.codeTable), text(f.realm), text(f.netType), f.rssiBand,
                f.netEvent60s ? "yes" : "no", text(t.entry[r]), text(t.type[r]), hour < 10 ? "0\(hour)" : "\(hour)",
            ]
            for a in 0..<TransactionTable.attributeCount { table.attributes[a].append(code(a, row[a])) }
            table.outcome.append(f.outcome)
            table.cause.append(f.cause)
            table.responseCode.append(text(t.rc[r]))
            table.acquirerResponseCode.append(text(f.acquirerRC))
            let tid = t.tid[r]
            let index: UInt32
            if let known = terminalIndex[tid] {
                index = known
            } else {
                index = UInt32(table.terminals.count)
                terminalIndex[tid] = index
                table.terminals.append(text(tid) ?? "")
            }
            table.terminal.append(index)
            table.time.append(correctedTime[r])
            table.localDay.append(Int32((localMs >= 0 ? localMs : localMs - 86_399_999) / 86_400_000))
            table.rowID.append(t.id[r])
        }
        // Events for the network pass, in the table's codes.
        var terminalEvents: [(terminal: UInt32, time: Int64)] = []
        for event in data.terminalNet where isDisruptive(event.state) {
            guard let index = terminalIndex[event.tid] else { continue }
            terminalEvents.append((index, event.ts + (match.clockOffset[event.tid] ?? 0)))
        }
        terminalEvents.sort { $0.terminal != $1.terminal ? $0.terminal < $1.terminal : $0.time < $1.time }
        let acquirer = TransactionTable.attributeIndex("acquirer")!
        var linkEvents: [(realm: UInt32, time: Int64)] = []
        for event in data.realmLinkEvents {
            guard let name = text(event.realm), let realmCode = codes[acquirer][name] else { continue }
            linkEvents.append((realmCode, event.ts))
        }
        linkEvents.sort { $0.realm != $1.realm ? $0.realm < $1.realm : $0.time < $1.time }
        let network = NetworkEvents(
            terminalEvents: terminalEvents, realmEvents: linkEvents,
            periodStart: table.time.first ?? 0, periodEnd: (table.time.last ?? 0) + 1
        )
        let firmwareUpgrades = upgrades.compactMap { u -> FirmwareUpgrade? in
            guard let index = terminalIndex[u.tid], let to = text(u.to) else { return nil }
            return FirmwareUpgrade(terminal: index, time: u.ts + (match.clockOffset[u.tid] ?? 0), from: text(u.from) ?? "unknown", to: to)
        }
        return (table, facts, periods, firmwareUpgrades, network)
    }

    private func historyWithoutTransactions(known: Set<Int64>) -> [FirmwarePeriod] {
        var periods: [FirmwarePeriod] = []
        var i = 0
        let events = data.software
        while i < events.count {
            let tid = events[i].tid
            var j = i
            while j < events.count, events[j].tid == tid { j += 1 }
            if !known.contains(tid) {
                var firmware = data.inventory[tid]?.firmware ?? 0
                var app: Int64 = 0
                var codeTable: Int64 = 0
                for k in i..<j {
                    let e = events[k]
                    if e.firmware != 0 { firmware = e.firmware }
                    if !e.isUpgrade {
                        app = e.app
                        codeTable = e.codeTable
                    }
                    periods.append(FirmwarePeriod(tid: tid, firmware: firmware, app: app, codeTable: codeTable, from: e.ts, to: k + 1 < j ? events[k + 1].ts : nil))
                }
            }
            i = j
        }
        return periods
    }

    /// Outcome and cause of one transaction (analysis.md §1).
    private func classify(
        _ r: Int, pair: AcquirerPair?, realm: Int64, corrected: Int64, text: (Int64) -> String?,
        isStandard: (Int64, Int64) -> Bool, covered: (Int64, Int64) -> Bool
    ) -> (Outcome, Cause?) {
        let t = data.transactions
        let rc = t.rc[r]
        let disp = text(t.disp[r])?.lowercased()
        let err = text(t.err[r])
        let outcome: Outcome
        switch disp {
        case "unknown": outcome = .unknown
        case "timeout": outcome = .timeout
        case "error": outcome = .error
        default:
            if rc != 0, !isStandard(rc, realm) {
                outcome = .unknown
            } else if disp == "approved" {
                outcome = .approved
            } else if disp == "declined" {
                outcome = .declined
            } else if rc == 0 {
                outcome = err == nil || err == "TCP_TIMEOUT" ? .timeout : .error
            } else {
                let code = text(rc) ?? ""
                outcome = ["00", "10", "11", "Y1", "Y3"].contains(code) ? .approved : .declined
            }
        }
        switch outcome {
        case .approved, .declined: return (outcome, nil)
        case .error: return (outcome, err != nil ? .localError : nil)
        case .unknown, .timeout: break
        }
        guard let pair, pair.request != nil || pair.response != nil else {
            if let err, err != "TCP_TIMEOUT" { return (outcome, .localError) }
            return (outcome, covered(realm, corrected) ? .requestLost : .unmatched)
        }
        guard pair.response != nil, let responseTime = pair.responseTime else { return (outcome, .noResponse) }
        if outcome == .unknown {
            if rc != 0, pair.rc == rc { return (outcome, isStandard(rc, pair.realm) ? .codeTableGap : .nonstandardCode) }
            return (outcome, .garbledResponse)
        }
        // A timeout: when did the terminal give up, on the acquirer's clock?
        let waited = t.latencyMs[r] >= 0 ? t.latencyMs[r] : options.defaultTimeoutMilliseconds
        let sent = corrected - (t.latencyMs[r] >= 0 ? t.latencyMs[r] : 0)
        let deadline = sent + waited
        return (outcome, responseTime >= deadline - options.lateToleranceMilliseconds ? .lateResponse : .responseLost)
    }
}
