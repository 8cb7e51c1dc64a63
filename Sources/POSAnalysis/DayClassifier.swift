import POSFormats

/// What the analysis stores per transaction (the `txn_facts` table behind the `transactions` view).
struct TransactionFacts {
    var rowID: Int64
    /// Message ids of the matched request and response; 0 for none.
    var requestID: Int64
    var responseID: Int64
    /// The terminal's clock offset in ms that day; nil when the terminal matched nothing that day.
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
    /// Index into `DayClassifier.rssiBands`.
    var rssiBand: UInt8
    var netEvent60s: Bool
}

/// A change of what a terminal runs (the `firmware_changes` table).
struct FirmwareChange {
    var tid: Int64
    var ts: Int64
    var day: Int64
    var firmware: Int64
    var app: Int64
    var codeTable: Int64
}

/// One classified (day, terminal) pair: its transactions' rows of the batch, its end-of-day state
/// and what the day snapshot keeps of it besides the transactions.
struct ClassifiedTerminalDay {
    var key: DayTerminal
    /// Batch row indices of its transactions, in time order.
    var rows: Range<Int>
    var carry: CarryState
    /// Its clock offset that day (0 when it matched nothing).
    var clockOffset: Int64
    /// Successful upgrades: (time, from firmware id, to firmware id).
    var upgrades: [(ts: Int64, from: Int64, to: Int64)] = []
    /// Times of its disruptive network events (down, weak, switch), terminal clock.
    var disruptions: [Int64] = []
}

/// A batch after classification.
struct ClassifiedBatch {
    var facts: [TransactionFacts]
    /// Per batch row: the value of each attribute of docs/analysis.md §2 (dictionary ids, or the
    /// encodings `DayClassifier` documents for rssi_band, net_event_60s and hour), and the
    /// network-window event set index.
    var attributes: [[Int64]]
    var eventSet: [Int32]
    /// Event sets: for windows of 10, 60 and 300 s, the kinds seen (terminal state ids as they
    /// are, realm link kinds negated).
    var eventSets: [[[Int64]]]
    var terminalDays: [ClassifiedTerminalDay]
    var firmwareChanges: [FirmwareChange]
}

/// Classifies every transaction of a batch and derives its attributes (docs/analysis.md §1–§2), one
/// (day, terminal) pair at a time from the terminal's state at the end of its previous day.
struct DayClassifier {
    let data: AnalysisData
    let pairs: [AcquirerPair]
    let match: MatchResult
    let options: MatchOptions
    let scope: BatchScope

    /// The RSSI bands of docs/analysis.md §2.
    static let rssiBands = ["unknown", ">=-85", "-86..-95", "-96..-105", "<-105"]
    /// The windows of the network-events aggregate, in seconds.
    static let eventWindows: [Int64] = [10, 60, 300]

    /// The band of an RSSI reading, as an index into `rssiBands`.
    static func rssiBand(_ rssi: Int64?) -> UInt8 {
        guard let rssi else { return 0 }
        if rssi >= -85 { return 1 }
        if rssi >= -95 { return 2 }
        if rssi >= -105 { return 3 }
        return 4
    }

    /// Attribute indices (docs/analysis.md §2 order).
    enum A {
        static let brand = 0, model = 1, channel = 2, agent = 3, feeTier = 4, region = 5, mcc = 6, firmware = 7, app = 8
        static let codeTable = 9, acquirer = 10, netType = 11, rssiBand = 12, netEvent = 13, entry = 14, txnType = 15, hour = 16
    }

    func run() -> ClassifiedBatch {
        let t = data.transactions
        let n = t.count
        let vocabulary = Vocabulary(data.dictionary)
        var disruptiveState: [Int64: Bool] = [:]
        func isDisruptive(_ state: Int64) -> Bool {
            if let known = disruptiveState[state] { return known }
            let value = data.text(state).map { ["down", "weak", "switch"].contains($0.lowercased()) } ?? false
            disruptiveState[state] = value
            return value
        }
        // Realm link events, per realm, sorted.
        var realmEvents: [Int64: [(ts: Int64, kind: Int64)]] = [:]
        for event in data.realmLinkEvents { realmEvents[event.realm, default: []].append((event.ts, event.kind)) }
        func firstRealmEvent(_ realm: Int64, atOrAfter time: Int64) -> Int {
            guard let events = realmEvents[realm] else { return 0 }
            var lo = 0
            var hi = events.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if events[mid].ts < time { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        func realmEventWithin(_ realm: Int64, before time: Int64, _ window: Int64) -> Bool {
            guard let events = realmEvents[realm] else { return false }
            let i = firstRealmEvent(realm, atOrAfter: time - window)
            return i < events.count && events[i].ts <= time
        }
        func covered(_ realm: Int64, _ time: Int64) -> Bool {
            data.coverage[realm]?.contains { time >= $0.start - options.windowMilliseconds && time <= $0.end + options.windowMilliseconds } ?? false
        }
        // Whether a code is in the catalogue for a realm, by realm then dictionary id: 0 not yet known, 1 yes, 2 no.
        var standardByRealm: [Int64: [UInt8]] = [:]
        func isStandard(_ rc: Int64, realm: Int64) -> Bool {
            guard rc > 0, Int(rc) < vocabulary.size else { return true }
            if standardByRealm[realm] == nil { standardByRealm[realm] = [UInt8](repeating: 0, count: vocabulary.size) }
            let known = standardByRealm[realm]![Int(rc)]
            if known != 0 { return known == 1 }
            let value = data.text(rc).map { data.catalogue.contains($0, realm: data.text(realm)) } ?? true
            standardByRealm[realm]![Int(rc)] = value ? 1 : 2
            return value
        }

        // Every (day, terminal) pair with something to classify, in canonical order: those with
        // transactions or events, and those of the scope that had data before (now gone).
        var keys = Set<DayTerminal>()
        for r in 0..<n { keys.insert(DayTerminal(day: t.day[r], tid: t.tid[r])) }
        for e in data.software { keys.insert(DayTerminal(day: e.day, tid: e.tid)) }
        for e in data.terminalNet where !e.beforeDay { keys.insert(DayTerminal(day: e.day, tid: e.tid)) }
        let ordered = keys.sorted()
        // Events by (day, terminal): sorted copies and the range of each key.
        let software = data.software.sorted { ($0.day, $0.tid, $0.ts) < ($1.day, $1.tid, $1.ts) }
        let network = data.terminalNet.sorted { ($0.day, $0.tid, $0.ts) < ($1.day, $1.tid, $1.ts) }

        var facts: [TransactionFacts] = []
        facts.reserveCapacity(n)
        var attributes = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: TransactionTable.attributeCount)
        var eventSet = [Int32](repeating: 0, count: n)
        var eventSets: [[[Int64]]] = [[[], [], []]]
        var eventSetIndex: [[[Int64]]: Int32] = [[[], [], []]: 0]
        var terminalDays: [ClassifiedTerminalDay] = []
        var changes: [FirmwareChange] = []
        /// New end-of-day states by terminal, as the batch computes them in day order.
        var newCarry: [Int64: CarryState] = [:]

        var row = 0
        var s = 0
        var e = 0
        for key in ordered {
            let tid = key.tid
            let day = key.day
            var end = row
            while end < n, t.day[end] == day, t.tid[end] == tid { end += 1 }
            while s < software.count, (software[s].day, software[s].tid) < (day, tid) { s += 1 }
            var softwareEnd = s
            while softwareEnd < software.count, software[softwareEnd].day == day, software[softwareEnd].tid == tid { softwareEnd += 1 }
            while e < network.count, (network[e].day, network[e].tid) < (day, tid) { e += 1 }
            var networkEnd = e
            while networkEnd < network.count, network[networkEnd].day == day, network[networkEnd].tid == tid { networkEnd += 1 }

            // The start: the latest state before this day, computed here or stored.
            var start = data.carry[tid]?.last(where: { $0.day < day })
            if let computed = newCarry[tid], computed.day < day, computed.day >= (start?.day ?? .min) { start = computed }
            let inventory = data.inventory[tid]
            var firmware = start?.firmware ?? 0
            var app = start?.app ?? 0
            var codeTable = start?.codeTable ?? 0
            var netType = start?.netType ?? 0
            var rssi = start?.rssi
            var lastDisruption = start?.lastDisruption
            let offset = match.clockOffset[row..<end].first ?? nil
            let dayKey = Correlation.dayKey(tid: tid, day: day)
            let usualRealm = match.usualRealm[dayKey] ?? start?.realm ?? 0
            var terminalDay = ClassifiedTerminalDay(
                key: key, rows: row..<end,
                carry: CarryState(
                    day: day, transactions: end - row, firmware: 0, app: 0, codeTable: 0, netType: 0, rssi: nil, lastDisruption: nil,
                    realm: usualRealm, clockOffset: offset),
                clockOffset: offset ?? 0)

            func effectiveFirmware() -> Int64 { firmware != 0 ? firmware : (inventory?.firmware ?? 0) }
            /// Applies the terminal's next boot or upgrade.
            func applySoftware(_ event: AnalysisData.SoftwareEvent) {
                let before = (effectiveFirmware(), app, codeTable)
                if event.isUpgrade {
                    terminalDay.upgrades.append((event.ts, event.from != 0 ? event.from : effectiveFirmware(), event.firmware))
                } else {
                    app = event.app
                    codeTable = event.codeTable
                }
                if event.firmware != 0 { firmware = event.firmware }
                if (effectiveFirmware(), app, codeTable) != before {
                    changes.append(FirmwareChange(tid: tid, ts: event.ts, day: day, firmware: effectiveFirmware(), app: app, codeTable: codeTable))
                }
            }
            var k = e
            /// Terminal events seen so far (for the network windows): (time, state).
            var recent: [(ts: Int64, state: Int64)] = []
            func applyNetwork(_ event: AnalysisData.TerminalNetEvent) {
                recent.append((event.ts, event.state))
                guard !event.beforeDay else { return }
                if event.netType != 0 { netType = event.netType }
                if let value = event.rssi { rssi = value }
                if isDisruptive(event.state) {
                    lastDisruption = event.ts
                    terminalDay.disruptions.append(event.ts)
                }
            }

            for r in row..<end {
                let ts = t.ts[r]
                while s < softwareEnd, software[s].ts <= ts {
                    applySoftware(software[s])
                    s += 1
                }
                while k < networkEnd, network[k].ts <= ts {
                    applyNetwork(network[k])
                    k += 1
                }
                let corrected = ts + (offset ?? 0)
                let pairIndex = match.pairOfTransaction[r]
                let pair = pairIndex.map { pairs[$0] }
                let realm = pair?.realm ?? usualRealm
                let near = (lastDisruption.map { ts - $0 <= 60_000 } ?? false) || realmEventWithin(realm, before: corrected, 60_000)
                let (outcome, cause) = classify(r, pair: pair, realm: realm, corrected: corrected, vocabulary: vocabulary, isStandard: isStandard, covered: covered)
                let fw = effectiveFirmware()
                facts.append(TransactionFacts(
                    rowID: t.id[r], requestID: pair?.request.map { data.messages.id[$0] } ?? 0,
                    responseID: pair?.response.map { data.messages.id[$0] } ?? 0, clockOffset: offset,
                    acquirerRC: Int32(truncatingIfNeeded: pair?.rc ?? 0), firmware: Int32(truncatingIfNeeded: fw),
                    app: Int32(truncatingIfNeeded: app), codeTable: Int32(truncatingIfNeeded: codeTable),
                    realm: Int32(truncatingIfNeeded: realm), netType: Int32(truncatingIfNeeded: netType),
                    outcome: outcome, cause: cause, rssiBand: Self.rssiBand(rssi), netEvent60s: near
                ))
                // Attributes: dictionary ids, rssi_band as its band index, net_event_60s 1/0, hour 0–23.
                let localMs = ts + Int64(t.tz[r]) * 60_000
                let mcc = inventory.flatMap { $0.mcc == 0 ? nil : $0.mcc } ?? t.mcc[r]
                attributes[A.brand][r] = inventory?.brand ?? 0
                attributes[A.model][r] = inventory?.model ?? 0
                attributes[A.channel][r] = inventory?.channel ?? 0
                attributes[A.agent][r] = inventory?.agent ?? 0
                attributes[A.feeTier][r] = inventory?.feeTier ?? 0
                attributes[A.region][r] = inventory?.region ?? 0
                attributes[A.mcc][r] = mcc
                attributes[A.firmware][r] = fw
                attributes[A.app][r] = app
                attributes[A.codeTable][r] = codeTable
                attributes[A.acquirer][r] = realm
                attributes[A.netType][r] = netType
                attributes[A.rssiBand][r] = Int64(Self.rssiBand(rssi))
                attributes[A.netEvent][r] = near ? 1 : 0
                attributes[A.entry][r] = t.entry[r]
                attributes[A.txnType][r] = t.type[r]
                attributes[A.hour][r] = (localMs / 3_600_000 % 24 + 24) % 24
                // The kinds of network events in the windows before it.
                var kinds: [[Int64]] = [[], [], []]
                for event in recent.reversed() {
                    let gap = ts - event.ts
                    guard gap <= Self.eventWindows[2] * 1000 else { break }
                    for (w, window) in Self.eventWindows.enumerated() where gap <= window * 1000 { kinds[w].append(event.state) }
                }
                if let events = realmEvents[realm] {
                    var i = firstRealmEvent(realm, atOrAfter: corrected - Self.eventWindows[2] * 1000)
                    while i < events.count, events[i].ts <= corrected {
                        let gap = corrected - events[i].ts
                        for (w, window) in Self.eventWindows.enumerated() where gap <= window * 1000 { kinds[w].append(-events[i].kind) }
                        i += 1
                    }
                }
                if kinds[2].isEmpty {
                    eventSet[r] = 0
                } else {
                    for w in kinds.indices { kinds[w] = Array(Set(kinds[w])).sorted() }
                    if let known = eventSetIndex[kinds] {
                        eventSet[r] = known
                    } else {
                        let index = Int32(eventSets.count)
                        eventSets.append(kinds)
                        eventSetIndex[kinds] = index
                        eventSet[r] = index
                    }
                }
            }
            // Events after the last transaction still shape the state.
            while s < softwareEnd {
                applySoftware(software[s])
                s += 1
            }
            while k < networkEnd {
                applyNetwork(network[k])
                k += 1
            }
            terminalDay.carry.firmware = firmware
            terminalDay.carry.app = app
            terminalDay.carry.codeTable = codeTable
            terminalDay.carry.netType = netType
            terminalDay.carry.rssi = rssi
            terminalDay.carry.lastDisruption = lastDisruption
            newCarry[tid] = terminalDay.carry
            terminalDays.append(terminalDay)
            s = softwareEnd
            e = networkEnd
            row = end
        }
        return ClassifiedBatch(
            facts: facts, attributes: attributes, eventSet: eventSet, eventSets: eventSets, terminalDays: terminalDays,
            firmwareChanges: changes)
    }

    /// Outcome and cause of one transaction (docs/analysis.md §1).
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

    init(_ dictionary: DictionaryTexts) {
        size = dictionary.size
        displays = [Display](repeating: .none, count: size)
        approvals = [Bool](repeating: false, count: size)
        var timeoutID: Int64 = 0
        let approvalCodes: Set<String> = ["00", "10", "11", "Y1", "Y3"]
        for (index, text) in dictionary.texts.enumerated() {
            guard let value = text else { continue }
            let id = Int64(index)
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

