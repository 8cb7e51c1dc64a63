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

    /// Classifies every (day, terminal) pair of the batch, in canonical order, each from the
    /// terminal's state at the end of its previous day; returns the batch's facts, attributes,
    /// event sets, end-of-day states and firmware changes.
    func run() -> ClassifiedBatch {
        var lookups = ClassificationLookups(data: data, windowMilliseconds: options.windowMilliseconds)
        let links = RealmLinkIndex(data.realmLinkEvents)
        let order = terminalDayOrder()
        var output = ClassificationOutput(rows: data.transactions.count)
        var cursor = BatchCursor()
        for key in order.keys {
            let span = cursor.span(of: key, transactions: data.transactions, order: order)
            classifyTerminalDay(key, span: span, order: order, links: links, lookups: &lookups, into: &output)
        }
        return output.batch
    }

    /// Every (day, terminal) pair with something to classify, in canonical order: those with
    /// transactions or events, and those of the scope that had data before (now gone); and the
    /// batch's events sorted the same way.
    private func terminalDayOrder() -> TerminalDayOrder {
        let t = data.transactions
        var keys = Set<DayTerminal>()
        for r in 0..<t.count { keys.insert(DayTerminal(day: t.day[r], tid: t.tid[r])) }
        for e in data.software { keys.insert(DayTerminal(day: e.day, tid: e.tid)) }
        for e in data.terminalNet where !e.beforeDay { keys.insert(DayTerminal(day: e.day, tid: e.tid)) }
        return TerminalDayOrder(
            keys: keys.sorted(),
            software: data.software.sorted { ($0.day, $0.tid, $0.ts) < ($1.day, $1.tid, $1.ts) },
            network: data.terminalNet.sorted { ($0.day, $0.tid, $0.ts) < ($1.day, $1.tid, $1.ts) })
    }

    /// The state a terminal starts a day from: the latest before that day, computed earlier in
    /// this batch or stored.
    private func startState(tid: Int64, day: Int64, newCarry: [Int64: CarryState]) -> CarryState? {
        var start = data.carry[tid]?.last(where: { $0.day < day })
        if let computed = newCarry[tid], computed.day < day, computed.day >= (start?.day ?? .min) { start = computed }
        return start
    }

    /// Classifies one (day, terminal) pair: its transactions in time order, with the software and
    /// network events before each applied first, then the events after the last; appends its
    /// rows, its end-of-day state and its firmware changes to `output`.
    private func classifyTerminalDay(
        _ key: DayTerminal, span: TerminalDaySpan, order: TerminalDayOrder, links: RealmLinkIndex,
        lookups: inout ClassificationLookups, into output: inout ClassificationOutput
    ) {
        let tid = key.tid
        let day = key.day
        let start = startState(tid: tid, day: day, newCarry: output.newCarry)
        var state = TerminalDayState(tid: tid, day: day, start: start, inventory: data.inventory[tid])
        let offset = match.clockOffset[span.rows].first ?? nil
        let dayKey = Correlation.dayKey(tid: tid, day: day)
        let usualRealm = match.usualRealm[dayKey] ?? start?.realm ?? 0
        var terminalDay = ClassifiedTerminalDay(
            key: key, rows: span.rows,
            carry: CarryState(
                day: day, transactions: span.rows.count, firmware: 0, app: 0, codeTable: 0, netType: 0, rssi: nil, lastDisruption: nil,
                realm: usualRealm, clockOffset: offset),
            clockOffset: offset ?? 0)

        var s = span.software.lowerBound
        var k = span.network.lowerBound
        for r in span.rows {
            let ts = data.transactions.ts[r]
            while s < span.software.upperBound, order.software[s].ts <= ts {
                state.apply(order.software[s], to: &terminalDay, changes: &output.changes)
                s += 1
            }
            while k < span.network.upperBound, order.network[k].ts <= ts {
                state.apply(order.network[k], to: &terminalDay, lookups: &lookups)
                k += 1
            }
            classifyRow(r, state: state, offset: offset, usualRealm: usualRealm, links: links, lookups: &lookups, into: &output)
        }
        // Events after the last transaction still shape the state.
        while s < span.software.upperBound {
            state.apply(order.software[s], to: &terminalDay, changes: &output.changes)
            s += 1
        }
        while k < span.network.upperBound {
            state.apply(order.network[k], to: &terminalDay, lookups: &lookups)
            k += 1
        }
        terminalDay.carry.firmware = state.firmware
        terminalDay.carry.app = state.app
        terminalDay.carry.codeTable = state.codeTable
        terminalDay.carry.netType = state.netType
        terminalDay.carry.rssi = state.rssi
        terminalDay.carry.lastDisruption = state.lastDisruption
        output.newCarry[tid] = terminalDay.carry
        output.terminalDays.append(terminalDay)
    }

    /// Classifies batch row `r` in its terminal's current state: appends its facts and sets its
    /// attributes and network-window event set in `output`.
    private func classifyRow(
        _ r: Int, state: TerminalDayState, offset: Int64?, usualRealm: Int64, links: RealmLinkIndex,
        lookups: inout ClassificationLookups, into output: inout ClassificationOutput
    ) {
        let t = data.transactions
        let ts = t.ts[r]
        let corrected = ts + (offset ?? 0)
        let pairIndex = match.pairOfTransaction[r]
        let pair = pairIndex.map { pairs[$0] }
        let realm = pair?.realm ?? usualRealm
        let near = (state.lastDisruption.map { ts - $0 <= 60_000 } ?? false) || links.eventWithin(realm, before: corrected, 60_000)
        let (outcome, cause) = classify(r, pair: pair, realm: realm, corrected: corrected, lookups: &lookups)
        let fw = state.effectiveFirmware
        output.facts.append(
            TransactionFacts(
                rowID: t.id[r], requestID: pair?.request.map { data.messages.id[$0] } ?? 0,
                responseID: pair?.response.map { data.messages.id[$0] } ?? 0, clockOffset: offset,
                acquirerRC: Int32(truncatingIfNeeded: pair?.rc ?? 0), firmware: Int32(truncatingIfNeeded: fw),
                app: Int32(truncatingIfNeeded: state.app), codeTable: Int32(truncatingIfNeeded: state.codeTable),
                realm: Int32(truncatingIfNeeded: realm), netType: Int32(truncatingIfNeeded: state.netType),
                outcome: outcome, cause: cause, rssiBand: Self.rssiBand(state.rssi), netEvent60s: near
            ))
        // Attributes: dictionary ids, rssi_band as its band index, net_event_60s 1/0, hour 0–23.
        let inventory = state.inventory
        let localMs = ts + Int64(t.tz[r]) * 60_000
        let mcc = inventory.flatMap { $0.mcc == 0 ? nil : $0.mcc } ?? t.mcc[r]
        output.attributes[A.brand][r] = inventory?.brand ?? 0
        output.attributes[A.model][r] = inventory?.model ?? 0
        output.attributes[A.channel][r] = inventory?.channel ?? 0
        output.attributes[A.agent][r] = inventory?.agent ?? 0
        output.attributes[A.feeTier][r] = inventory?.feeTier ?? 0
        output.attributes[A.region][r] = inventory?.region ?? 0
        output.attributes[A.mcc][r] = mcc
        output.attributes[A.firmware][r] = fw
        output.attributes[A.app][r] = state.app
        output.attributes[A.codeTable][r] = state.codeTable
        output.attributes[A.acquirer][r] = realm
        output.attributes[A.netType][r] = state.netType
        output.attributes[A.rssiBand][r] = Int64(Self.rssiBand(state.rssi))
        output.attributes[A.netEvent][r] = near ? 1 : 0
        output.attributes[A.entry][r] = t.entry[r]
        output.attributes[A.txnType][r] = t.type[r]
        output.attributes[A.hour][r] = (localMs / 3_600_000 % 24 + 24) % 24
        var kinds = eventKinds(ts: ts, corrected: corrected, realm: realm, recent: state.recent, links: links)
        output.setEventSet(row: r, kinds: &kinds)
    }

    /// The kinds of network events in the windows before a transaction, per window of
    /// `eventWindows`: its terminal's states as they are, its realm's link kinds negated.
    private func eventKinds(ts: Int64, corrected: Int64, realm: Int64, recent: [(ts: Int64, state: Int64)], links: RealmLinkIndex) -> [[Int64]] {
        var kinds: [[Int64]] = [[], [], []]
        for event in recent.reversed() {
            let gap = ts - event.ts
            guard gap <= Self.eventWindows[2] * 1000 else { break }
            for (w, window) in Self.eventWindows.enumerated() where gap <= window * 1000 { kinds[w].append(event.state) }
        }
        if let events = links.events[realm] {
            var i = links.first(realm, atOrAfter: corrected - Self.eventWindows[2] * 1000)
            while i < events.count, events[i].ts <= corrected {
                let gap = corrected - events[i].ts
                for (w, window) in Self.eventWindows.enumerated() where gap <= window * 1000 { kinds[w].append(-events[i].kind) }
                i += 1
            }
        }
        return kinds
    }

    /// Outcome and cause of one transaction (docs/analysis.md §1).
    private func classify(
        _ r: Int, pair: AcquirerPair?, realm: Int64, corrected: Int64, lookups: inout ClassificationLookups
    ) -> (Outcome, Cause?) {
        let t = data.transactions
        let rc = t.rc[r]
        let disp = lookups.vocabulary.display(t.disp[r])
        let errID = t.err[r]
        let outcome: Outcome
        switch disp {
        case .unknown: outcome = .unknown
        case .timeout: outcome = .timeout
        case .error: outcome = .error
        default:
            if rc != 0, !lookups.isStandard(rc, realm: realm) {
                outcome = .unknown
            } else if disp == .approved {
                outcome = .approved
            } else if disp == .declined {
                outcome = .declined
            } else if rc == 0 {
                outcome = errID == 0 || errID == lookups.vocabulary.tcpTimeout ? .timeout : .error
            } else {
                outcome = lookups.vocabulary.isApproval(rc) ? .approved : .declined
            }
        }
        let err: Int64? = errID == 0 ? nil : errID
        switch outcome {
        case .approved, .declined: return (outcome, nil)
        case .error: return (outcome, err != nil ? .localError : nil)
        case .unknown, .timeout: break
        }
        guard let pair, pair.request != nil || pair.response != nil else {
            if let err, err != lookups.vocabulary.tcpTimeout { return (outcome, .localError) }
            return (outcome, lookups.covered(realm, corrected) ? .requestLost : .unmatched)
        }
        guard pair.response != nil, let responseTime = pair.responseTime else { return (outcome, .noResponse) }
        if outcome == .unknown {
            if rc != 0, pair.rc == rc { return (outcome, lookups.isStandard(rc, realm: pair.realm) ? .codeTableGap : .nonstandardCode) }
            return (outcome, .garbledResponse)
        }
        // A timeout: when did the terminal give up, on the acquirer's clock?
        let waited = t.latencyMs[r] >= 0 ? t.latencyMs[r] : options.defaultTimeoutMilliseconds
        let sent = corrected - (t.latencyMs[r] >= 0 ? t.latencyMs[r] : 0)
        let deadline = sent + waited
        return (outcome, responseTime >= deadline - options.lateToleranceMilliseconds ? .lateResponse : .responseLost)
    }
}

/// The (day, terminal) pairs of a batch in canonical order, and its events sorted the same way:
/// by day, terminal, time.
private struct TerminalDayOrder {
    var keys: [DayTerminal]
    var software: [AnalysisData.SoftwareEvent]
    var network: [AnalysisData.TerminalNetEvent]
}

/// The batch rows and the sorted events of one (day, terminal) pair.
private struct TerminalDaySpan {
    var rows: Range<Int>
    var software: Range<Int>
    var network: Range<Int>
}

/// Where the next (day, terminal) pair starts: in the batch rows and in the sorted events.
private struct BatchCursor {
    var row = 0
    var software = 0
    var network = 0

    /// The span of `key` (which follows the previous key in canonical order); moves past it.
    mutating func span(of key: DayTerminal, transactions t: AnalysisData.Transactions, order: TerminalDayOrder) -> TerminalDaySpan {
        let tid = key.tid
        let day = key.day
        var end = row
        while end < t.count, t.day[end] == day, t.tid[end] == tid { end += 1 }
        let software = order.software
        while self.software < software.count, (software[self.software].day, software[self.software].tid) < (day, tid) { self.software += 1 }
        var softwareEnd = self.software
        while softwareEnd < software.count, software[softwareEnd].day == day, software[softwareEnd].tid == tid { softwareEnd += 1 }
        let network = order.network
        while self.network < network.count, (network[self.network].day, network[self.network].tid) < (day, tid) { self.network += 1 }
        var networkEnd = self.network
        while networkEnd < network.count, network[networkEnd].day == day, network[networkEnd].tid == tid { networkEnd += 1 }
        let span = TerminalDaySpan(rows: row..<end, software: self.software..<softwareEnd, network: self.network..<networkEnd)
        row = end
        self.software = softwareEnd
        self.network = networkEnd
        return span
    }
}

/// Look-ups by dictionary id that classification repeats for every row, remembered: whether a
/// terminal state is disruptive, whether a code is in the catalogue for a realm; and whether
/// acquirer files cover a time.
private struct ClassificationLookups {
    let data: AnalysisData
    let vocabulary: Vocabulary
    let windowMilliseconds: Int64
    private var disruptiveState: [Int64: Bool] = [:]
    /// Whether a code is in the catalogue for a realm, by realm then dictionary id: 0 not yet known, 1 yes, 2 no.
    private var standardByRealm: [Int64: [UInt8]] = [:]

    init(data: AnalysisData, windowMilliseconds: Int64) {
        self.data = data
        vocabulary = Vocabulary(data.dictionary)
        self.windowMilliseconds = windowMilliseconds
    }

    /// True for the terminal states `down`, `weak` and `switch` (any case).
    mutating func isDisruptive(_ state: Int64) -> Bool {
        if let known = disruptiveState[state] { return known }
        let value = data.text(state).map { ["down", "weak", "switch"].contains($0.lowercased()) } ?? false
        disruptiveState[state] = value
        return value
    }

    /// True when response code `rc` is in the catalogue for `realm` (and for no code or an id out of range).
    mutating func isStandard(_ rc: Int64, realm: Int64) -> Bool {
        guard rc > 0, Int(rc) < vocabulary.size else { return true }
        if standardByRealm[realm] == nil { standardByRealm[realm] = [UInt8](repeating: 0, count: vocabulary.size) }
        let known = standardByRealm[realm]![Int(rc)]
        if known != 0 { return known == 1 }
        let value = data.text(rc).map { data.catalogue.contains($0, realm: data.text(realm)) } ?? true
        standardByRealm[realm]![Int(rc)] = value ? 1 : 2
        return value
    }

    /// True when the realm's acquirer files cover `time`, widened by the matching window.
    func covered(_ realm: Int64, _ time: Int64) -> Bool {
        data.coverage[realm]?.contains { time >= $0.start - windowMilliseconds && time <= $0.end + windowMilliseconds } ?? false
    }
}

/// Acquirer link events per realm, sorted by time, and the searches classification makes in them.
private struct RealmLinkIndex {
    var events: [Int64: [(ts: Int64, kind: Int64)]] = [:]

    init(_ linkEvents: [(realm: Int64, ts: Int64, kind: Int64, day: Int64)]) {
        for event in linkEvents { events[event.realm, default: []].append((event.ts, event.kind)) }
    }

    /// The index of the realm's first event at or after `time` (0 for a realm without events).
    func first(_ realm: Int64, atOrAfter time: Int64) -> Int {
        guard let events = events[realm] else { return 0 }
        var lo = 0
        var hi = events.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if events[mid].ts < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// True when the realm logged an event in [time − window, time].
    func eventWithin(_ realm: Int64, before time: Int64, _ window: Int64) -> Bool {
        guard let events = events[realm] else { return false }
        let i = first(realm, atOrAfter: time - window)
        return i < events.count && events[i].ts <= time
    }
}

/// A terminal's state as its day's events unfold: what it runs, its network, and the network
/// events seen so far.
private struct TerminalDayState {
    let tid: Int64
    let day: Int64
    let inventory: AnalysisData.InventoryRow?
    var firmware: Int64
    var app: Int64
    var codeTable: Int64
    var netType: Int64
    var rssi: Int64?
    var lastDisruption: Int64?
    /// Terminal events seen so far (for the network windows): (time, state).
    var recent: [(ts: Int64, state: Int64)] = []

    init(tid: Int64, day: Int64, start: CarryState?, inventory: AnalysisData.InventoryRow?) {
        self.tid = tid
        self.day = day
        self.inventory = inventory
        firmware = start?.firmware ?? 0
        app = start?.app ?? 0
        codeTable = start?.codeTable ?? 0
        netType = start?.netType ?? 0
        rssi = start?.rssi
        lastDisruption = start?.lastDisruption
    }

    /// The firmware it runs: the last booted or upgraded to, else the inventory's.
    var effectiveFirmware: Int64 { firmware != 0 ? firmware : (inventory?.firmware ?? 0) }

    /// Applies the terminal's next boot or upgrade; records an upgrade and any change of what it runs.
    mutating func apply(_ event: AnalysisData.SoftwareEvent, to terminalDay: inout ClassifiedTerminalDay, changes: inout [FirmwareChange]) {
        let before = (effectiveFirmware, app, codeTable)
        if event.isUpgrade {
            terminalDay.upgrades.append((event.ts, event.from != 0 ? event.from : effectiveFirmware, event.firmware))
        } else {
            app = event.app
            codeTable = event.codeTable
        }
        if event.firmware != 0 { firmware = event.firmware }
        if (effectiveFirmware, app, codeTable) != before {
            changes.append(FirmwareChange(tid: tid, ts: event.ts, day: day, firmware: effectiveFirmware, app: app, codeTable: codeTable))
        }
    }

    /// Applies the terminal's next network event; records a disruption.
    mutating func apply(
        _ event: AnalysisData.TerminalNetEvent, to terminalDay: inout ClassifiedTerminalDay, lookups: inout ClassificationLookups
    ) {
        recent.append((event.ts, event.state))
        guard !event.beforeDay else { return }
        if event.netType != 0 { netType = event.netType }
        if let value = event.rssi { rssi = value }
        if lookups.isDisruptive(event.state) {
            lastDisruption = event.ts
            terminalDay.disruptions.append(event.ts)
        }
    }
}

/// What classification gathers over a batch, in batch row order, and the end-of-day states
/// computed so far.
private struct ClassificationOutput {
    var facts: [TransactionFacts] = []
    var attributes: [[Int64]]
    var eventSet: [Int32]
    var eventSets: [[[Int64]]] = [[[], [], []]]
    var eventSetIndex: [[[Int64]]: Int32] = [[[], [], []]: 0]
    var terminalDays: [ClassifiedTerminalDay] = []
    var changes: [FirmwareChange] = []
    /// New end-of-day states by terminal, as the batch computes them in day order.
    var newCarry: [Int64: CarryState] = [:]

    init(rows n: Int) {
        facts.reserveCapacity(n)
        attributes = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: TransactionTable.attributeCount)
        eventSet = [Int32](repeating: 0, count: n)
    }

    /// Sets row `r`'s event set: 0 for none, else the index of `kinds` (each window's kinds
    /// deduplicated and sorted in place), added when new.
    mutating func setEventSet(row r: Int, kinds: inout [[Int64]]) {
        if kinds[2].isEmpty {
            eventSet[r] = 0
            return
        }
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

    /// The classified batch.
    var batch: ClassifiedBatch {
        ClassifiedBatch(
            facts: facts, attributes: attributes, eventSet: eventSet, eventSets: eventSets, terminalDays: terminalDays,
            firmwareChanges: changes)
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
