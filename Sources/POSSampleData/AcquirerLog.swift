/// How one realm's jPOS log looks in this data set: the realm's habits, with the faults that
/// are switched on.
struct AcquirerStyle {
    let realm: String
    let address: String
    let timeStyle: AcquirerTimeStyle
    /// Field 41 padded with trailing spaces to 15 characters.
    let padsTID: Bool
    /// Share of requests whose field 2 is the full card number.
    let fullPANShare: Double
    let logsTrack2: Bool
    /// STANs without leading zeros and XMLPackager comments, as older jPOS setups write.
    let legacy: Bool

    init(realm: SampleWorld.Realm, faults: Set<SampleFault>) {
        self.realm = realm.realm
        address = realm.address
        let legacy = realm.legacy && faults.contains(.legacyJposTimestamps)
        self.legacy = legacy
        timeStyle = legacy ? .javaDate : realm.timeStyle == .javaDate ? .localNoOffset : realm.timeStyle
        padsTID = realm.padsTID && faults.contains(.paddedTIDs)
        fullPANShare = faults.contains(.fullCardNumbers) ? realm.fullPANShare : 0
        logsTrack2 = realm.logsTrack2 && faults.contains(.fullCardNumbers)
    }

    /// The file's first lines.
    func header(_ out: inout OutputBuffer) {
        if legacy {
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<logger class=\"org.jpos.util.DailyLogListener\">\n")
        } else {
            out.append("<logger class=\"org.jpos.q2.qbean.LoggerAdaptor\">\n")
        }
    }

    private func open(_ out: inout OutputBuffer, realm: String? = nil, at time: Int64, lifespan: Int64? = nil) {
        out.append("<log realm=\"")
        out.append(realm ?? self.realm)
        out.append("\" at=\"")
        out.appendAcquirerTime(time, style: timeStyle)
        out.append(0x22)
        if let lifespan {
            out.append(" lifespan=\"")
            out.appendInt(Int(lifespan))
            out.append("ms\"")
        }
        out.append(">\n")
    }

    private func field(_ out: inout OutputBuffer, _ id: StaticString, _ write: (inout OutputBuffer) -> Void) {
        out.append("      <field id=\"")
        out.append(id)
        out.append("\" value=\"")
        write(&out)
        out.append("\"/>\n")
    }

    private func beginMessage(_ out: inout OutputBuffer, incoming: Bool) {
        out.append(incoming ? "  <receive>\n    <isomsg direction=\"incoming\">\n" : "  <send>\n    <isomsg direction=\"outgoing\">\n")
        if legacy { out.append("      <!-- org.jpos.iso.packager.GenericPackager -->\n") }
    }

    private func endMessage(_ out: inout OutputBuffer, incoming: Bool) {
        out.append(incoming ? "    </isomsg>\n  </receive>\n</log>\n" : "    </isomsg>\n  </send>\n</log>\n")
    }

    private func stan(_ out: inout OutputBuffer, _ value: Int) {
        if legacy { out.appendInt(value) } else { out.appendPadded(value, width: 6) }
    }

    private func tid(_ out: inout OutputBuffer, _ terminal: Terminal) {
        out.append(terminal.tid)
        if padsTID {
            for _ in terminal.tid.count..<15 { out.append(0x20) }
        }
    }

    /// A request as the host received it and, when `responseAt` is set, the response it sent.
    /// The lifespan (response time minus request time) is on both elements.
    func exchange(
        _ arena: inout LineArena<AcquirerFacts>, terminal: Terminal, line: TransactionLine, mti: StaticString,
        requestAt: Int64, terminalClock: Int64, responseAt: Int64?, responseCode: String, order: UInt64,
        rng: inout SampleRandom
    ) {
        let isReversal = line.type == .reversal
        let lifespan = responseAt.map { $0 - requestAt }
        let fullPAN = line.card != nil && rng.uniform() < fullPANShare
        let entry = line.entry ?? line.originalEntry
        let track = logsTrack2 && line.card != nil && (entry == .chip || entry == .swipe)
        let rrn = rng.below(1_000_000)
        let authorisation = rng.below(1_000_000)

        var start = arena.cursor
        open(&arena.buffer, at: requestAt, lifespan: lifespan)
        beginMessage(&arena.buffer, incoming: true)
        field(&arena.buffer, "0") { $0.append(isReversal ? "0400" : "0200") }
        if let card = line.card {
            field(&arena.buffer, "2") { out in
                if fullPAN { out.append(card) } else { appendMasked(card, &out, mask: 0x5F) }
            }
        }
        field(&arena.buffer, "3") { $0.append(line.type.processingCode) }
        if let amount = line.amount { field(&arena.buffer, "4") { $0.appendPadded(amount, width: 12) } }
        field(&arena.buffer, "11") { stan(&$0, line.stan) }
        let (date, ms) = ChinaTime.local(terminalClock)
        field(&arena.buffer, "12") { out in
            out.appendPadded(ms / 3_600_000, width: 2)
            out.appendPadded(ms / 60_000 % 60, width: 2)
            out.appendPadded(ms / 1000 % 60, width: 2)
        }
        field(&arena.buffer, "13") { out in
            out.appendPadded(date.month, width: 2)
            out.appendPadded(date.day, width: 2)
        }
        if let entry { field(&arena.buffer, "22") { $0.append(entry.posEntryMode) } }
        if track, let card = line.card {
            field(&arena.buffer, "35") { out in
                out.append(card)
                out.append("=2912201")
                out.appendPadded(rrn % 100_000 * 1000 + authorisation % 1000, width: 8)
            }
        }
        field(&arena.buffer, "41") { tid(&$0, terminal) }
        field(&arena.buffer, "42") { $0.append(terminal.mid) }
        field(&arena.buffer, "49") { $0.append("156") }
        endMessage(&arena.buffer, incoming: true)
        var facts = AcquirerFacts(kind: .request)
        facts.fullPAN = fullPAN
        facts.trackData = track
        arena.finish(start: start, time: requestAt, order: order, facts: facts)

        guard let responseAt else { return }
        start = arena.cursor
        open(&arena.buffer, at: responseAt, lifespan: lifespan)
        beginMessage(&arena.buffer, incoming: false)
        field(&arena.buffer, "0") { $0.append(isReversal ? "0410" : "0210") }
        field(&arena.buffer, "11") { stan(&$0, line.stan) }
        field(&arena.buffer, "37") { out in
            let (date, ms) = ChinaTime.local(responseAt)
            out.appendPadded(date.year % 10, width: 1)
            out.appendPadded(date.daysSinceEpoch - CalendarDate(year: date.year, month: 1, day: 1).daysSinceEpoch + 1, width: 3)
            out.appendPadded(ms / 3_600_000, width: 2)
            out.appendPadded(rrn, width: 6)
        }
        if responseCode == "00" && !isReversal {
            field(&arena.buffer, "38") { $0.appendPadded(authorisation, width: 6) }
        }
        field(&arena.buffer, "39") { $0.append(responseCode) }
        field(&arena.buffer, "41") { tid(&$0, terminal) }
        endMessage(&arena.buffer, incoming: false)
        arena.finish(start: start, time: responseAt, order: order | 1 << 23, facts: AcquirerFacts(kind: .response))
    }

    /// The realm's own events of a day: link drops and reconnects, echo tests, and the
    /// `<info>`/`<trace>`/`<warn>` noise every jPOS log has.
    func realmDay(_ arena: inout LineArena<AcquirerFacts>, midnight: Int64, seed: UInt64, realmIndex: Int, day: Int) {
        var draws = RealmDayDraws(rng: SampleRandom(seed: seed, stream: 3, UInt64(realmIndex), UInt64(day)))
        startUp(&arena, midnight: midnight, draws: &draws)
        echoTests(&arena, midnight: midnight, draws: &draws)
        linkTrouble(&arena, midnight: midnight, draws: &draws)
        managerNoise(&arena, midnight: midnight, draws: &draws)
    }

    /// The random draws of a realm's day, and the order of its elements among those of the same
    /// time (counting down from the top, below every transaction's).
    private struct RealmDayDraws {
        var rng: SampleRandom
        var order = UInt64.max

        /// The next element's order.
        mutating func next() -> UInt64 {
            order -= 1
            return order
        }
    }

    /// Q2's start-up line, in the first ten minutes of the day.
    private func startUp(_ arena: inout LineArena<AcquirerFacts>, midnight: Int64, draws: inout RealmDayDraws) {
        let start = arena.cursor
        let started = midnight + draws.rng.inRange(Int64(0)...600_000)
        open(&arena.buffer, realm: "Q2", at: started)
        arena.buffer.append("  <info>\n    Q2.start deployDir=/opt/jpos/deploy, realm ")
        arena.buffer.append(realm)
        arena.buffer.append(" listening\n  </info>\n</log>\n")
        arena.finish(start: start, time: started, order: draws.next(), facts: AcquirerFacts(kind: .skipped))
    }

    /// An echo test (0800/0810) every hour from 07:00 to 22:00.
    private func echoTests(_ arena: inout LineArena<AcquirerFacts>, midnight: Int64, draws: inout RealmDayDraws) {
        var echoStan = draws.rng.inRange(1...900_000)
        for hour in 7...22 {
            let at = midnight + Int64(hour) * 3_600_000 + draws.rng.inRange(Int64(0)...59_000)
            echoStan += 1
            let (date, ms) = ChinaTime.local(at)
            for incoming in [true, false] {
                let time = incoming ? at : at + draws.rng.inRange(Int64(2)...30)
                let start = arena.cursor
                open(&arena.buffer, at: time)
                beginMessage(&arena.buffer, incoming: incoming)
                field(&arena.buffer, "0") { $0.append(incoming ? "0800" : "0810") }
                field(&arena.buffer, "7") { out in
                    out.appendPadded(date.month, width: 2)
                    out.appendPadded(date.day, width: 2)
                    out.appendPadded(ms / 3_600_000, width: 2)
                    out.appendPadded(ms / 60_000 % 60, width: 2)
                    out.appendPadded(ms / 1000 % 60, width: 2)
                }
                field(&arena.buffer, "11") { stan(&$0, echoStan) }
                if !incoming { field(&arena.buffer, "39") { $0.append("00") } }
                field(&arena.buffer, "70") { $0.append("301") }
                endMessage(&arena.buffer, incoming: incoming)
                arena.finish(start: start, time: time, order: draws.next(), facts: AcquirerFacts(kind: .networkManagement))
            }
        }
    }

    /// Link trouble, one to three times: a dropped connection and its reconnect, or a read timeout.
    private func linkTrouble(_ arena: inout LineArena<AcquirerFacts>, midnight: Int64, draws: inout RealmDayDraws) {
        for _ in 0..<(1 + draws.rng.below(3)) {
            let at = midnight + 7 * 3_600_000 + draws.rng.inRange(Int64(0)...54_000_000)
            if draws.rng.chance(0.7) {
                let ended = at + draws.rng.inRange(Int64(1)...20)
                let connected = at + draws.rng.inRange(Int64(2000)...8000)
                let sessionStarted = connected + draws.rng.inRange(Int64(100)...1000)
                linkEvent(&arena, at: at, order: draws.next()) {
                    $0.append("  <receive>\n    <peer-disconnect>Connection reset</peer-disconnect>\n  </receive>\n")
                }
                linkEvent(&arena, at: ended, order: draws.next()) { $0.append("  <session-end/>\n") }
                linkEvent(&arena, at: connected, order: draws.next()) { out in
                    out.append("  <connect>")
                    out.append(address)
                    out.append("</connect>\n")
                }
                linkEvent(&arena, at: sessionStarted, order: draws.next()) { $0.append("  <session-start/>\n") }
            } else {
                let start = arena.cursor
                open(&arena.buffer, at: at, lifespan: 30_000)
                arena.buffer.append("  <receive>\n    <io-timeout/>\n  </receive>\n</log>\n")
                arena.finish(start: start, time: at, order: draws.next(), facts: AcquirerFacts(kind: .link))
            }
        }
    }

    /// Transaction manager traces every two hours from 08:00, and an occasional warning.
    private func managerNoise(_ arena: inout LineArena<AcquirerFacts>, midnight: Int64, draws: inout RealmDayDraws) {
        for hour in stride(from: 8, through: 22, by: 2) {
            let at = midnight + Int64(hour) * 3_600_000 + draws.rng.inRange(Int64(0)...3_599_000)
            let start = arena.cursor
            open(&arena.buffer, realm: "txnmgr", at: at)
            arena.buffer.append("  <trace>\n    active-sessions=")
            arena.buffer.appendInt(draws.rng.inRange(1...40))
            arena.buffer.append(" in-transit=")
            arena.buffer.appendInt(draws.rng.inRange(0...12))
            arena.buffer.append(" tps=")
            arena.buffer.appendInt(draws.rng.inRange(1...90))
            arena.buffer.append("\n  </trace>\n</log>\n")
            arena.finish(start: start, time: at, order: draws.next(), facts: AcquirerFacts(kind: .skipped))
        }
        if draws.rng.chance(0.5) {
            let at = midnight + 12 * 3_600_000 + draws.rng.inRange(Int64(0)...18_000_000)
            let start = arena.cursor
            open(&arena.buffer, at: at)
            arena.buffer.append("  <warn>\n    slow response from issuer: ")
            arena.buffer.appendInt(draws.rng.inRange(3000...9000))
            arena.buffer.append("ms\n  </warn>\n</log>\n")
            arena.finish(start: start, time: at, order: draws.next(), facts: AcquirerFacts(kind: .skipped))
        }
    }

    private func linkEvent(
        _ arena: inout LineArena<AcquirerFacts>, at time: Int64, order: UInt64,
        body: (inout OutputBuffer) -> Void
    ) {
        let start = arena.cursor
        open(&arena.buffer, at: time)
        body(&arena.buffer)
        arena.buffer.append("</log>\n")
        arena.finish(start: start, time: time, order: order, facts: AcquirerFacts(kind: .link))
    }

    /// A `<log>` element cut off mid-message, as a crash mid-write leaves it; the next element
    /// follows on the next line.
    func malformedElement(_ arena: inout LineArena<AcquirerFacts>, at time: Int64) {
        let start = arena.cursor
        open(&arena.buffer, at: time)
        beginMessage(&arena.buffer, incoming: true)
        arena.buffer.append("      <field id=\"0\" value=\"0200\"/>\n      <field id=\"11\" value=\"000912\"\n")
        arena.finish(start: start, time: time, order: 0, facts: AcquirerFacts(kind: .malformed))
    }
}
