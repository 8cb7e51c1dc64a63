import POSFormats

/// What the analysis stores per transaction (the `txn_facts` table behind the `transactions` view).
struct TransactionFacts {
    var rowID: Int64
    /// Message ids of the matched request and response; 0 for none.
    var requestID: Int64
    var responseID: Int64
    /// The terminal's clock offset in ms; nil when the terminal has no matched pair.
    var clockOffset: Int64?
    /// Dictionary ids (0: none), narrow so that millions of facts stay small in memory.
    var acquirerRC: Int32
    var firmware: Int32
    var app: Int32
    var codeTable: Int32
    var realm: Int32
    var netType: Int32
    var outcome: Outcome
    var cause: Cause?
    /// Index into `TableBuilder.rssiBands`.
    var rssiBand: UInt8
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

    /// The RSSI bands of analysis.md §2.
    static let rssiBands = ["unknown", ">=-85", "-86..-95", "-96..-105", "<-105"]

    /// The band of an RSSI reading, as an index into `rssiBands`.
    static func rssiBand(_ rssi: Int64?) -> UInt8 {
        guard let rssi else { return 0 }
        if rssi >= -85 { return 1 }
        if rssi >= -95 { return 2 }
        if rssi >= -105 { return 3 }
        return 4
    }

    func build() -> (table: TransactionTable, facts: [TransactionFacts], periods: [FirmwarePeriod], upgrades: [FirmwareUpgrade], network: NetworkEvents) {
        let t = data.transactions
        let n = t.count
        // Dictionary text by id, in an array: the per-row loops look values up by index.
        let texts: [String?] = {
            var texts = [String?](repeating: nil, count: Int(data.dictionary.keys.max() ?? 0) + 1)
            for (id, value) in data.dictionary { texts[Int(id)] = value }
            return texts
        }()
        func text(_ id: Int64) -> String? { id > 0 && Int(id) < texts.count ? texts[Int(id)] : nil }
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
        let vocabulary = Vocabulary(data.dictionary)
        // Whether a code is in the catalogue for a realm, by realm then dictionary id: 0 not yet known, 1 yes, 2 no.
        var standardByRealm: [Int64: [UInt8]] = [:]
        func isStandard(_ rc: Int64, realm: Int64) -> Bool {
            guard rc > 0, Int(rc) < vocabulary.size else { return true }
            if standardByRealm[realm] == nil { standardByRealm[realm] = [UInt8](repeating: 0, count: vocabulary.size) }
            let known = standardByRealm[realm]![Int(rc)]
            if known != 0 { return known == 1 }
            let value = text(rc).map { data.catalogue.contains($0, realm: text(realm)) } ?? true
            standardByRealm[realm]![Int(rc)] = value ? 1 : 2
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

            /// Applies the terminal's next boot or upgrade: a new firmware period starts.
            func applyNextSoftwareEvent() {
                let event = data.software[s]
                closePeriod(at: event.ts)
                if event.isUpgrade {
                    upgrades.append((tid, event.ts, event.from != 0 ? event.from : firmware, event.firmware))
                } else {
                    app = event.app
                    codeTable = event.codeTable
                }
                if event.firmware != 0 { firmware = event.firmware }
                periodStart = event.ts
                s += 1
            }

            for r in row..<end {
                let ts = t.ts[r]
                while s < softwareEnd, data.software[s].ts <= ts { applyNextSoftwareEvent() }
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
                let (outcome, cause) = classify(r, pair: pair, realm: realm, corrected: corrected, vocabulary: vocabulary, isStandard: isStandard, covered: covered)
                facts.append(TransactionFacts(
                    rowID: t.id[r], requestID: pair?.request.map { data.messages.id[$0] } ?? 0,
                    responseID: pair?.response.map { data.messages.id[$0] } ?? 0, clockOffset: offset,
                    acquirerRC: Int32(truncatingIfNeeded: pair?.rc ?? 0), firmware: Int32(truncatingIfNeeded: firmware),
                    app: Int32(truncatingIfNeeded: app), codeTable: Int32(truncatingIfNeeded: codeTable),
                    realm: Int32(truncatingIfNeeded: realm), netType: Int32(truncatingIfNeeded: netType),
                    outcome: outcome, cause: cause, rssiBand: Self.rssiBand(rssi), netEvent60s: near
                ))
            }
            // Events after the last transaction still shape the history.
            while s < softwareEnd { applyNextSoftwareEvent() }
            if let start = periodStart {
                periods.append(FirmwarePeriod(tid: tid, firmware: firmware, app: app, codeTable: codeTable, from: start, to: nil))
            }
            softwareIndex = softwareEnd
            netIndex = netEnd
            row = end
        }
        // Terminals with software events but no transactions.
        var withTransactions = Set<Int64>()
        var previousTID: Int64 = -1
        for tid in t.tid where tid != previousTID {
            withTransactions.insert(tid)
            previousTID = tid
        }
        periods.append(contentsOf: historyWithoutTransactions(known: withTransactions))

        // The in-memory table, in the loaded order (by terminal, then time): reading the columns in
        // storage order keeps the loop in cache, where a permutation to global time order would miss
        // on every column of every row. No pass needs global time order.
        let attribute = (
            brand: 0, model: 1, channel: 2, agent: 3, feeTier: 4, region: 5, mcc: 6, firmware: 7, app: 8, codeTable: 9,
            acquirer: 10, netType: 11, rssiBand: 12, netEvent: 13, entry: 14, txnType: 15, hour: 16
        )
        var coder = AttributeCoder(texts: texts)
        let yes = coder.code(attribute.netEvent, "yes")
        let no = coder.code(attribute.netEvent, "no")
        let hourCodes = (0..<24).map { coder.code(attribute.hour, $0 < 10 ? "0\($0)" : "\($0)") }
        let bandCodes = Self.rssiBands.map { coder.code(attribute.rssiBand, $0) }
        var columns = Array(repeating: [UInt32](repeating: 0, count: n), count: TransactionTable.attributeCount)
        var terminalIndex: [Int64: UInt32] = [:]
        var terminals: [String] = []
        var terminalOfRow = [UInt32](repeating: 0, count: n)
        var outcomes = [Outcome](repeating: .approved, count: n)
        var causes = [Cause?](repeating: nil, count: n)
        var responseCodes = [String?](repeating: nil, count: n)
        var acquirerCodes = [String?](repeating: nil, count: n)
        var times = [Int64](repeating: 0, count: n)
        var days = [Int32](repeating: 0, count: n)
        var rowIDs = [Int64](repeating: 0, count: n)
        var lastTID: Int64 = -1
        var inventory: AnalysisData.InventoryRow?
        for i in 0..<n {
            let r = i
            let f = facts[r]
            let tid = t.tid[r]
            if tid != lastTID {
                lastTID = tid
                inventory = data.inventory[tid]
            }
            let localMs = t.ts[r] + Int64(t.tz[r]) * 60_000
            let hour = Int((localMs / 3_600_000 % 24 + 24) % 24)
            let mcc = inventory.flatMap { $0.mcc == 0 ? nil : $0.mcc } ?? t.mcc[r]
            columns[attribute.brand][i] = coder.code(attribute.brand, id: inventory?.brand ?? 0)
            columns[attribute.model][i] = coder.code(attribute.model, id: inventory?.model ?? 0)
            columns[attribute.channel][i] = coder.code(attribute.channel, id: inventory?.channel ?? 0)
            columns[attribute.agent][i] = coder.code(attribute.agent, id: inventory?.agent ?? 0)
            columns[attribute.feeTier][i] = coder.code(attribute.feeTier, id: inventory?.feeTier ?? 0)
            columns[attribute.region][i] = coder.code(attribute.region, id: inventory?.region ?? 0)
            columns[attribute.mcc][i] = coder.code(attribute.mcc, id: mcc)
            columns[attribute.firmware][i] = coder.code(attribute.firmware, id: Int64(f.firmware))
            columns[attribute.app][i] = coder.code(attribute.app, id: Int64(f.app))
            columns[attribute.codeTable][i] = coder.code(attribute.codeTable, id: Int64(f.codeTable))
            columns[attribute.acquirer][i] = coder.code(attribute.acquirer, id: Int64(f.realm))
            columns[attribute.netType][i] = coder.code(attribute.netType, id: Int64(f.netType))
            columns[attribute.rssiBand][i] = bandCodes[Int(f.rssiBand)]
            columns[attribute.netEvent][i] = f.netEvent60s ? yes : no
            columns[attribute.entry][i] = coder.code(attribute.entry, id: t.entry[r])
            columns[attribute.txnType][i] = coder.code(attribute.txnType, id: t.type[r])
            columns[attribute.hour][i] = hourCodes[hour]
            outcomes[i] = f.outcome
            causes[i] = f.cause
            responseCodes[i] = text(t.rc[r])
            acquirerCodes[i] = text(Int64(f.acquirerRC))
            if let known = terminalIndex[tid] {
                terminalOfRow[i] = known
            } else {
                let index = UInt32(terminals.count)
                terminalIndex[tid] = index
                terminals.append(text(tid) ?? "")
                terminalOfRow[i] = index
            }
            times[i] = correctedTime[r]
            days[i] = Int32((localMs >= 0 ? localMs : localMs - 86_399_999) / 86_400_000)
            rowIDs[i] = t.id[r]
        }
        var table = TransactionTable()
        table.count = n
        table.attributes = columns
        table.values = coder.values
        table.outcome = outcomes
        table.cause = causes
        table.responseCode = responseCodes
        table.acquirerResponseCode = acquirerCodes
        table.terminal = terminalOfRow
        table.terminals = terminals
        table.time = times
        table.localDay = days
        table.rowID = rowIDs
        let codes = coder.codes
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
        _ r: Int, pair: AcquirerPair?, realm: Int64, corrected: Int64, vocabulary: Vocabulary,
        isStandard: (Int64, Int64) -> Bool, covered: (Int64, Int64) -> Bool
    ) -> (Outcome, Cause?) {
        let t = data.transactions
        let rc = t.rc[r]
        let disp = vocabulary.display(t.disp[r])
        let errID = t.err[r]
        let outcome: Outcome
        switch disp {
        case .unknown: outcome = .unknown
        case .timeout: outcome = .timeout
        case .error: outcome = .error
        default:
            if rc != 0, !isStandard(rc, realm) {
                outcome = .unknown
            } else if disp == .approved {
                outcome = .approved
            } else if disp == .declined {
                outcome = .declined
            } else if rc == 0 {
                outcome = errID == 0 || errID == vocabulary.tcpTimeout ? .timeout : .error
            } else {
                outcome = vocabulary.isApproval(rc) ? .approved : .declined
            }
        }
        let err: Int64? = errID == 0 ? nil : errID
        switch outcome {
        case .approved, .declined: return (outcome, nil)
        case .error: return (outcome, err != nil ? .localError : nil)
        case .unknown, .timeout: break
        }
        guard let pair, pair.request != nil || pair.response != nil else {
            if let err, err != vocabulary.tcpTimeout { return (outcome, .localError) }
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

/// What the analysis needs to know of dictionary values, looked up by id instead of by text.
struct Vocabulary {
    enum Display: UInt8 { case none, unknown, timeout, error, approved, declined, other }
    /// One more than the largest dictionary id.
    let size: Int
    private var displays: [Display]
    private var approvals: [Bool]
    /// The id of `TCP_TIMEOUT`, the terminal's own timeout error (0 when absent).
    let tcpTimeout: Int64

    init(_ dictionary: [Int64: String]) {
        size = Int(dictionary.keys.max() ?? 0) + 1
        displays = [Display](repeating: .none, count: size)
        approvals = [Bool](repeating: false, count: size)
        var timeoutID: Int64 = 0
        let approvalCodes: Set<String> = ["00", "10", "11", "Y1", "Y3"]
        for (id, value) in dictionary {
            switch value.lowercased() {
            case "unknown": displays[Int(id)] = .unknown
            case "timeout": displays[Int(id)] = .timeout
            case "error": displays[Int(id)] = .error
            case "approved": displays[Int(id)] = .approved
            case "declined": displays[Int(id)] = .declined
            default: displays[Int(id)] = .other
            }
            if approvalCodes.contains(value) { approvals[Int(id)] = true }
            if value == "TCP_TIMEOUT" { timeoutID = id }
        }
        tcpTimeout = timeoutID
    }

    /// What a `disp` value says, by its dictionary id (0: none).
    func display(_ id: Int64) -> Display { id > 0 && Int(id) < size ? displays[Int(id)] : .none }

    /// True for the response codes that approve (00, 10 partial, 11 VIP, Y1/Y3 offline).
    func isApproval(_ id: Int64) -> Bool { id > 0 && Int(id) < size && approvals[Int(id)] }
}

/// Gives each attribute's values small codes, from dictionary ids or from text; code 0 is `unknown`.
struct AttributeCoder {
    private let texts: [String?]
    /// By attribute: dictionary id → code (`.max` until seen).
    private var byID: [[UInt32]]
    private(set) var values: [[String]]
    private(set) var codes: [[String: UInt32]]

    init(texts: [String?]) {
        self.texts = texts
        byID = Array(repeating: [UInt32](repeating: .max, count: texts.count), count: TransactionTable.attributeCount)
        values = Array(repeating: ["unknown"], count: TransactionTable.attributeCount)
        codes = Array(repeating: ["unknown": 0], count: TransactionTable.attributeCount)
    }

    /// The code of a text value of attribute `a` (nil or empty: `unknown`).
    mutating func code(_ a: Int, _ value: String?) -> UInt32 {
        guard let value, !value.isEmpty else { return 0 }
        if let known = codes[a][value] { return known }
        let next = UInt32(values[a].count)
        values[a].append(value)
        codes[a][value] = next
        return next
    }

    /// The last id looked up per attribute and its code: consecutive rows (one terminal's) mostly
    /// repeat their values, and this keeps the large `byID` tables out of the cache's way.
    private var lastID = [Int64](repeating: -1, count: TransactionTable.attributeCount)
    private var lastCode = [UInt32](repeating: 0, count: TransactionTable.attributeCount)

    /// The code of the dictionary value `id` for attribute `a` (0 or out of range: `unknown`).
    @inline(__always)
    mutating func code(_ a: Int, id: Int64) -> UInt32 {
        if lastID[a] == id { return lastCode[a] }
        guard id > 0, Int(id) < texts.count else { return 0 }
        var known = byID[a][Int(id)]
        if known == .max {
            known = code(a, texts[Int(id)])
            byID[a][Int(id)] = known
        }
        lastID[a] = id
        lastCode[a] = known
        return known
    }
}
