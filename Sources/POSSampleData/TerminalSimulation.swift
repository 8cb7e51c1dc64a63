/// What a terminal carries from one day to the next.
struct TerminalState {
    /// The last STAN used (field 11); the next transaction takes the one after.
    var stan: Int
    var batch: Int
    var firmware: String
    var codeTable: String

    init(terminal: Terminal, seed: UInt64) {
        var rng = SampleRandom(seed: seed, stream: 4, UInt64(terminal.index))
        stan = rng.inRange(1...900_000)
        batch = rng.inRange(1...400)
        firmware = terminal.enrolmentFirmware
        codeTable = terminal.codeTable
    }
}

/// Simulates one terminal for one day: its boot, network, firmware and transaction events as
/// terminal log lines, and the acquirer's side of each transaction as jPOS `<log>` elements.
///
/// Times are true UTC milliseconds; a terminal's lines print them plus its clock skew. A
/// transaction's `ts` is when the terminal showed the result; it sent the request `lat_ms` before.
struct TerminalDaySimulation {
    let terminal: Terminal
    let configuration: SampleConfiguration
    let rates: MechanismRates
    let acquirer: AcquirerStyle?
    let date: CalendarDate
    let day: Int
    /// Write this terminal's first lines of the day with `tid=" 20481234 "`.
    let padFirstLines: Int

    private var rng: SampleRandom
    private var sequence: UInt64 = 0
    /// True times of `net state=weak|switch|down` events (the garbling window opens at each).
    private var networkEvents: [Int64] = []
    private var linesWritten = 0
    private let midnight: Int64
    private let faultUnknownKeys: Bool
    private let faultIgnoredEvents: Bool
    private let faultFullPANs: Bool

    init(
        terminal: Terminal, configuration: SampleConfiguration, rates: MechanismRates, acquirer: AcquirerStyle?,
        date: CalendarDate, day: Int, padFirstLines: Int
    ) {
        self.terminal = terminal
        self.configuration = configuration
        self.rates = rates
        self.acquirer = acquirer
        self.date = date
        self.day = day
        self.padFirstLines = padFirstLines
        rng = SampleRandom(seed: configuration.seed, stream: 2, UInt64(terminal.index), UInt64(day))
        midnight = ChinaTime.midnight(date)
        faultUnknownKeys = configuration.faults.contains(.unknownKeys)
        faultIgnoredEvents = configuration.faults.contains(.ignoredEvents)
        faultFullPANs = configuration.faults.contains(.fullCardNumbers)
    }

    /// Runs the day, appending to the terminal's region arena and its realm's arena.
    mutating func run(
        state: inout TerminalState, lines: inout LineArena<TerminalLineFacts>,
        acquirerLog: inout LineArena<AcquirerFacts>
    ) {
        state.batch = state.batch % 999_999 + 1
        let boot = midnight + 6 * 3_600_000 + rng.inRange(Int64(0)...3_300_000)
        startUp(at: boot, state: state, lines: &lines)

        let standalone = terminal.network.isCellular ? rng.below(3) : rng.below(2)
        for _ in 0..<standalone {
            networkTrouble(at: midnight + 7 * 3_600_000 + rng.inRange(Int64(0)...54_000_000), tiedTo: nil, lines: &lines)
        }
        if faultIgnoredEvents {
            let heartbeat = midnight + 7 * 3_600_000 + rng.inRange(Int64(0)...54_000_000)
            emit(&lines, at: heartbeat, event: "heartbeat", facts: TerminalLineFacts(kind: .ignored)) { _ in }
            if rng.chance(0.2) {
                let printed = midnight + 9 * 3_600_000 + rng.inRange(Int64(0)...36_000_000)
                emit(&lines, at: printed, event: "print", facts: TerminalLineFacts(kind: .ignored)) { _ in }
            }
        }

        if rng.chance(0.03) {
            errorLine(
                &lines, at: midnight + 8 * 3_600_000 + rng.inRange(Int64(0)...50_000_000), error: "PRINTER",
                message: "\"打印机缺纸\"")
        }

        var pendingUpgrade = terminal.upgrade.flatMap { $0.day == day ? $0 : nil }
        let count = rng.count(mean: configuration.transactionsPerTerminalPerDay * terminal.activity)
        var planned = [Int64]()
        planned.reserveCapacity(count)
        for _ in 0..<count {
            let hour = rng.weightedIndex(SampleWorld.hourWeights) + SampleWorld.firstTransactionHour
            planned.append(midnight + Int64(hour) * 3_600_000 + rng.inRange(Int64(0)...3_599_999))
        }
        planned.sort()

        var previousEnd = boot + 60_000
        for plannedTime in planned {
            var request = max(plannedTime, previousEnd + rng.inRange(Int64(2000)...20_000))
            if let upgrade = pendingUpgrade, request >= midnight + upgrade.timeOfDay - 30_000 {
                let at = max(midnight + upgrade.timeOfDay, previousEnd + 5000)
                applyUpgrade(upgrade, at: at, state: &state, lines: &lines)
                pendingUpgrade = nil
                request = max(request, at + 120_000)
            }
            if rng.chance(MechanismRates.networkEventBeforeTransaction) {
                let at = max(request - rng.inRange(Int64(3000)...50_000), previousEnd + 500)
                networkTrouble(at: at, tiedTo: request, lines: &lines)
                request = max(request, at + 2000)
            }
            previousEnd = transaction(at: request, state: &state, lines: &lines, acquirerLog: &acquirerLog)
        }
        if let upgrade = pendingUpgrade {
            applyUpgrade(upgrade, at: max(midnight + upgrade.timeOfDay, previousEnd + 5000), state: &state, lines: &lines)
        }
    }

    // MARK: Lines

    /// Renders `ts=… tid=… ev=…` and the body, and files the line under its true time.
    private mutating func emit(
        _ lines: inout LineArena<TerminalLineFacts>, at time: Int64, event: StaticString,
        facts: TerminalLineFacts, body: (inout OutputBuffer) -> Void
    ) {
        let start = lines.cursor
        var facts = facts
        lines.buffer.append("ts=")
        lines.buffer.appendTerminalTime(time + terminal.clockSkew)
        if linesWritten < padFirstLines {
            lines.buffer.append(" tid=\" ")
            lines.buffer.append(terminal.tid)
            lines.buffer.append(" \"")
            facts.paddedTID = true
        } else {
            lines.buffer.append(" tid=")
            lines.buffer.append(terminal.tid)
        }
        linesWritten += 1
        lines.buffer.append(" ev=")
        lines.buffer.append(event)
        body(&lines.buffer)
        lines.finish(start: start, time: time, order: UInt64(terminal.index) << 24 | sequence, facts: facts)
        sequence += 1
    }

    private mutating func startUp(at boot: Int64, state: TerminalState, lines: inout LineArena<TerminalLineFacts>) {
        let app = terminal.app
        emit(&lines, at: boot, event: "boot", facts: TerminalLineFacts(kind: .boot)) { out in
            out.append(" fw=")
            out.append(state.firmware)
            out.append(" app=")
            out.append(app)
            out.append(" ctab=")
            out.append(state.codeTable)
        }
        networkLine(&lines, at: boot + rng.inRange(Int64(5000)...20_000), state: "up", type: terminal.network, rssi: normalRSSI())
        emit(&lines, at: boot + rng.inRange(Int64(21_000)...40_000), event: "signin", facts: TerminalLineFacts(kind: .signIn)) { out in
            out.append(" rc=00")
        }
    }

    private mutating func normalRSSI() -> Int? {
        guard let base = terminal.baseRSSI else { return nil }
        return base + rng.inRange(-3...3)
    }

    private mutating func networkLine(
        _ lines: inout LineArena<TerminalLineFacts>, at time: Int64, state: StaticString,
        type: SampleWorld.NetworkType, rssi: Int?, reason: StaticString? = nil
    ) {
        var facts = TerminalLineFacts(kind: .network)
        let battery = faultUnknownKeys && rng.chance(0.1) ? rng.inRange(12...100) : nil
        if battery != nil { facts.unknownKeys = 1 }
        emit(&lines, at: time, event: "net", facts: facts) { out in
            out.append(" state=")
            out.append(state)
            out.append(" type=")
            out.append(type.text)
            if let rssi {
                out.append(" rssi=")
                out.appendInt(rssi)
            }
            if let reason {
                out.append(" reason=")
                out.append(reason)
            }
            if let battery {
                out.append(" batt=")
                out.appendInt(battery)
            }
        }
    }

    /// A weak signal, a switch of network or a short outage, then recovery. With `tiedTo`, the
    /// recovery from an outage comes before that request.
    private mutating func networkTrouble(at time: Int64, tiedTo request: Int64?, lines: inout LineArena<TerminalLineFacts>) {
        let roll = rng.uniform()
        let own = terminal.network
        switch own {
        case .ethernet:
            networkLine(&lines, at: time, state: "switch", type: .fourG, rssi: -rng.inRange(70...95), reason: "\"eth link down\"")
            networkLine(&lines, at: time + rng.inRange(Int64(30_000)...300_000), state: "up", type: own, rssi: nil)
        case .wifi where roll < 0.7:
            networkLine(&lines, at: time, state: "switch", type: .fourG, rssi: -rng.inRange(70...95), reason: "wifi_lost")
            networkLine(&lines, at: time + rng.inRange(Int64(30_000)...300_000), state: "up", type: own, rssi: normalRSSI())
        case .wifi:
            networkLine(&lines, at: time, state: "weak", type: own, rssi: -rng.inRange(82...92))
            networkLine(&lines, at: time + rng.inRange(Int64(10_000)...120_000), state: "up", type: own, rssi: normalRSSI())
        case .fourG, .threeG, .twoG:
            if roll < 0.6 {
                networkLine(&lines, at: time, state: "weak", type: own, rssi: -rng.inRange(100...115))
                networkLine(&lines, at: time + rng.inRange(Int64(10_000)...120_000), state: "up", type: own, rssi: normalRSSI())
            } else if roll < 0.9 {
                let fallback: SampleWorld.NetworkType = own == .twoG ? .threeG : .twoG
                networkLine(&lines, at: time, state: "switch", type: fallback, rssi: -rng.inRange(88...104), reason: "handover")
                networkLine(&lines, at: time + rng.inRange(Int64(30_000)...300_000), state: "up", type: own, rssi: normalRSSI())
            } else {
                networkLine(&lines, at: time, state: "down", type: own, rssi: nil, reason: "no_carrier")
                let outage = request.map { max(Int64(1000), min(20_000, $0 - time - 1000)) } ?? 60_000
                networkLine(&lines, at: time + rng.inRange(Int64(1000)...max(1000, outage)), state: "up", type: own, rssi: normalRSSI())
            }
        }
        networkEvents.append(time)
    }

    private mutating func errorLine(
        _ lines: inout LineArena<TerminalLineFacts>, at time: Int64, error: StaticString,
        message: StaticString
    ) {
        emit(&lines, at: time, event: "error", facts: TerminalLineFacts(kind: .error)) { out in
            out.append(" err=")
            out.append(error)
            out.append(" msg=")
            out.append(message)
        }
    }

    private mutating func applyUpgrade(
        _ upgrade: PlannedUpgrade, at time: Int64, state: inout TerminalState,
        lines: inout LineArena<TerminalLineFacts>
    ) {
        var facts = TerminalLineFacts(kind: .firmwareUpdate)
        facts.planted = upgrade.planted ? .firmwareUpgrade : nil
        emit(&lines, at: time, event: "fw_update", facts: facts) { out in
            out.append(" from=")
            out.append(upgrade.from)
            out.append(" to=")
            out.append(upgrade.to)
            out.append(upgrade.succeeds ? " result=ok" : " result=fail")
        }
        if upgrade.succeeds {
            state.firmware = upgrade.to
            state.codeTable = "CUP2015"
        }
        startUp(at: time + rng.inRange(Int64(30_000)...50_000), state: state, lines: &lines)
    }

    // MARK: Transactions

    /// One transaction and, after a timeout, its reversal. Returns when the terminal is free again.
    private mutating func transaction(
        at request: Int64, state: inout TerminalState, lines: inout LineArena<TerminalLineFacts>,
        acquirerLog: inout LineArena<AcquirerFacts>
    ) -> Int64 {
        // A fixed number of draws per transaction, whatever happens to it.
        let draws = drawTransaction()

        state.stan = state.stan % 999_999 + 1
        let hasCard = draws.entry.hasCard
        let agentpay = terminal.realm == SampleWorld.agentpayRealm

        var facts = TerminalLineFacts(kind: .transaction)
        facts.fullPAN = faultFullPANs && hasCard && draws.uFullPAN < 0.003
        let operatorKey = faultUnknownKeys && draws.uOperatorKey < 0.02
        if operatorKey { facts.unknownKeys = 1 }

        var context = TransactionLine(
            type: draws.type, stan: state.stan, batch: state.batch, amount: draws.type != .balance ? draws.amount : nil, entry: draws.entry,
            card: hasCard ? draws.card : nil, fullPAN: facts.fullPAN, operatorKey: operatorKey)

        // 1. A local error: nothing reaches the host.
        if draws.uLocalError < MechanismRates.localError {
            return localError(at: request, draws: draws, context: &context, facts: &facts, lines: &lines)
        }

        // 2. Timeouts. (Exposure counts the transactions each mechanism's draw applies to.)
        if terminal.isRemoteTwoG { facts.exposure |= Exposure.remoteTwoG }
        let timeoutCause = self.timeoutCause(draws.uTimeout)
        if timeoutCause != .none {
            return timeout(timeoutCause, at: request, draws: draws, context: &context, facts: &facts, lines: &lines, acquirerLog: &acquirerLog)
        }

        // 3. The host's response code.
        if state.codeTable == "CUP2010" { facts.exposure |= Exposure.oldCodeTable }
        if agentpay { facts.exposure |= Exposure.agentpayRoute }
        let host = hostResponse(draws, agentpay: agentpay)
        let received = request + draws.outbound
        let sent = received + draws.processing
        let shown = sent + draws.inbound
        context.latency = shown - request

        // 4–5. What reached the terminal, and what it showed.
        show(host, at: shown, draws: draws, codeTable: state.codeTable, context: &context, facts: &facts)

        if let acquirer {
            acquirer.exchange(
                &acquirerLog, terminal: terminal, line: context, mti: "0200", requestAt: received,
                terminalClock: request + terminal.clockSkew, responseAt: sent, responseCode: host.code,
                order: UInt64(terminal.index) << 24 | sequence, rng: &rng)
        }
        txnLine(&lines, at: shown, context, facts)
        return shown
    }

    /// The draws of one transaction, made in a fixed order and number whatever happens to it.
    private struct TransactionDraws {
        var type: SampleWorld.TransactionType
        var entry: SampleWorld.EntryMode
        var amount: Int
        var card: [UInt8]
        var uLocalError: Double
        var uTimeout: Double
        var uCode: Double
        var uCodePick: Double
        var uGarble: Double
        var uGarbleBaseline: Double
        var uGarbleStyle: Double
        var uFullPAN: Double
        var uReversal: Double
        var uOperatorKey: Double
        /// One-way delays to and from the host, and the host's processing time, in ms.
        var outbound: Int64
        var processing: Int64
        var inbound: Int64
    }

    /// Draws a transaction's type, entry mode, amount, card, the uniforms of every mechanism and
    /// its delays; returns them.
    private mutating func drawTransaction() -> TransactionDraws {
        let type = SampleWorld.TransactionType(rawValue: rng.weightedIndex(SampleWorld.transactionTypeWeights))!
        var entry = SampleWorld.EntryMode(rawValue: rng.weightedIndex(SampleWorld.entryModeWeights))!
        if type == .balance && entry == .qr { entry = .chip }
        let amount = Self.amount(rng.uniform(), rng.uniform())
        let card = Self.cardNumber(&rng)
        let uLocalError = rng.uniform()
        let uTimeout = rng.uniform()
        let uCode = rng.uniform()
        let uCodePick = rng.uniform()
        let uGarble = rng.uniform()
        let uGarbleBaseline = rng.uniform()
        let uGarbleStyle = rng.uniform()
        let uFullPAN = rng.uniform()
        let uReversal = rng.uniform()
        let uOperatorKey = rng.uniform()
        let outbound = rng.inRange(terminal.network.oneWayDelay)
        let processing = rng.inRange(Int64(80)...1200)
        let inbound = rng.inRange(terminal.network.oneWayDelay)
        return TransactionDraws(
            type: type, entry: entry, amount: amount, card: card, uLocalError: uLocalError, uTimeout: uTimeout, uCode: uCode,
            uCodePick: uCodePick, uGarble: uGarble, uGarbleBaseline: uGarbleBaseline, uGarbleStyle: uGarbleStyle, uFullPAN: uFullPAN,
            uReversal: uReversal, uOperatorKey: uOperatorKey, outbound: outbound, processing: processing, inbound: inbound)
    }

    /// A transaction that fails on the terminal (MAC_FAIL): its line and the error line after
    /// it. Returns when the terminal is free again.
    private mutating func localError(
        at request: Int64, draws: TransactionDraws, context: inout TransactionLine,
        facts: inout TerminalLineFacts, lines: inout LineArena<TerminalLineFacts>
    ) -> Int64 {
        let shown = request + 5 + draws.processing % 55
        facts.outcome = .error
        facts.cause = .localError
        context.display = "error"
        context.error = "MAC_FAIL"
        context.latency = shown - request
        txnLine(&lines, at: shown, context, facts)
        errorLine(&lines, at: shown + 1 + draws.processing % 40, error: "MAC_FAIL", message: "\"MAC校验失败\"")
        return shown + 50
    }

    /// Which timeout, if any, the draw `u` gives: a late response or a lost request (remote 2G
    /// terminals only), or no response; `.none` for none.
    private func timeoutCause(_ u: Double) -> TransactionCause {
        let late = terminal.isRemoteTwoG ? rates.lateResponse : 0
        let lost = terminal.isRemoteTwoG ? rates.requestLost : 0
        if u < late { return .lateResponse }
        if u < late + lost { return .requestLost }
        if u < late + lost + MechanismRates.baselineNoResponse { return .noResponse }
        return .none
    }

    /// A transaction the terminal gave up on: the host's side unless the request was lost (with
    /// a response after the terminal's timeout when it came late), its line, and the reversal
    /// that may follow. Returns when the terminal is free again.
    private mutating func timeout(
        _ cause: TransactionCause, at request: Int64, draws: TransactionDraws, context: inout TransactionLine,
        facts: inout TerminalLineFacts, lines: inout LineArena<TerminalLineFacts>,
        acquirerLog: inout LineArena<AcquirerFacts>
    ) -> Int64 {
        let received = request + draws.outbound
        let shown = request + MechanismRates.terminalTimeout + draws.processing % 40
        facts.outcome = .timeout
        facts.cause = cause
        facts.planted = cause == .noResponse ? nil : .timeouts
        context.display = "timeout"
        context.error = "TCP_TIMEOUT"
        context.latency = shown - request
        if let acquirer, cause != .requestLost {
            let answered: Int64? = cause == .lateResponse ? received + rng.inRange(Int64(60_500)...95_000) : nil
            acquirer.exchange(
                &acquirerLog, terminal: terminal, line: context, mti: "0200", requestAt: received,
                terminalClock: request + terminal.clockSkew, responseAt: answered, responseCode: "00",
                order: UInt64(terminal.index) << 24 | sequence, rng: &rng)
        }
        txnLine(&lines, at: shown, context, facts)
        guard draws.type != .balance, draws.uReversal < MechanismRates.reversalAfterTimeout else { return shown }
        return reversal(after: shown, of: context, lines: &lines, acquirerLog: &acquirerLog)
    }

    /// The code the host answers with, and the cause it plants (private codes on the agentpay route).
    private struct HostResponse {
        var code: String
        var planted: PlantedCause?
    }

    /// The host's response code: consecutive slices of [0, 1) for `uCode` — planted private
    /// codes, baseline private codes, the declared private code, newer CUP codes, known
    /// declines; the rest approves.
    private func hostResponse(_ draws: TransactionDraws, agentpay: Bool) -> HostResponse {
        let slices = [
            agentpay ? rates.agentpayPrivateCodes : 0, MechanismRates.baselinePrivateCodes,
            agentpay ? MechanismRates.declaredPrivateCode : 0, rates.hostNewerCodes, MechanismRates.knownDeclines,
        ]
        var slice = 0
        var upper = 0.0
        while slice < slices.count {
            upper += slices[slice]
            if draws.uCode < upper { break }
            slice += 1
        }
        let uCodePick = draws.uCodePick
        switch slice {
        case 0, 1:
            return HostResponse(code: SampleWorld.undeclaredPrivateCodes[uCodePick < 0.5 ? 0 : 1], planted: slice == 0 ? .nonstandardCode : nil)
        case 2: return HostResponse(code: SampleWorld.declaredPrivateCode.code)
        case 3: return HostResponse(code: SampleWorld.newerCUPCodes[min(2, Int(uCodePick * 3))])
        case 4: return HostResponse(code: SampleWorld.knownDeclines[Self.weighted(uCodePick, SampleWorld.knownDeclines.map(\.weight))].code)
        default: return HostResponse(code: "00")
        }
    }

    /// Sets what reached the terminal at `shown` (the host's code, garbled within the window
    /// after a network event or at the baseline rate) and what it showed, with the cause.
    private func show(
        _ host: HostResponse, at shown: Int64, draws: TransactionDraws, codeTable: String, context: inout TransactionLine,
        facts: inout TerminalLineFacts
    ) {
        let hostCode = host.code
        if hasNetworkEvent(before: shown) { facts.exposure |= Exposure.networkWindow }
        var garbled = false
        if facts.exposure & Exposure.networkWindow != 0, draws.uGarble < rates.garbleAfterNetworkEvent {
            garbled = true
            facts.planted = .networkGarbling
        } else if draws.uGarbleBaseline < MechanismRates.baselineGarble {
            garbled = true
        }
        context.responseCode = garbled ? Self.garble(hostCode, draws.uGarbleStyle) : hostCode

        if garbled {
            facts.outcome = .unknown
            facts.cause = .garbledResponse
        } else if hostCode == "00" {
            facts.outcome = .approved
        } else if SampleWorld.undeclaredPrivateCodes.contains(hostCode) {
            facts.outcome = .unknown
            facts.cause = .nonstandardCode
            facts.planted = host.planted
        } else if SampleWorld.newerCUPCodes.contains(hostCode), codeTable == "CUP2010" {
            facts.outcome = .unknown
            facts.cause = .codeTableGap
            facts.planted = .codeTableGap
        } else {
            facts.outcome = .declined
        }
        context.display = facts.outcome.text
    }

    /// The reversal (0400, reason 98) a terminal sends after a timeout, with the original STAN.
    private mutating func reversal(
        after timeout: Int64, of original: TransactionLine, lines: inout LineArena<TerminalLineFacts>,
        acquirerLog: inout LineArena<AcquirerFacts>
    ) -> Int64 {
        let request = timeout + rng.inRange(Int64(1000)...5000)
        let received = request + rng.inRange(terminal.network.oneWayDelay)
        let sent = received + rng.inRange(Int64(40)...400)
        let shown = sent + rng.inRange(terminal.network.oneWayDelay)
        var line = TransactionLine(
            type: .reversal, stan: original.stan, batch: original.batch, amount: original.amount,
            entry: nil, card: nil, fullPAN: false, operatorKey: false)
        line.responseCode = "00"
        line.display = "approved"
        line.latency = shown - request
        line.reason = "98"
        line.originalEntry = original.entry
        var facts = TerminalLineFacts(kind: .transaction)
        facts.isReversal = true
        if let acquirer {
            acquirer.exchange(
                &acquirerLog, terminal: terminal, line: line, mti: "0400", requestAt: received,
                terminalClock: request + terminal.clockSkew, responseAt: sent, responseCode: "00",
                order: UInt64(terminal.index) << 24 | sequence, rng: &rng)
        }
        txnLine(&lines, at: shown, line, facts)
        return shown
    }

    private func hasNetworkEvent(before shown: Int64) -> Bool {
        networkEvents.contains { $0 < shown && $0 >= shown - MechanismRates.networkWindow }
    }

    private mutating func txnLine(
        _ lines: inout LineArena<TerminalLineFacts>, at time: Int64, _ line: TransactionLine,
        _ facts: TerminalLineFacts
    ) {
        emit(&lines, at: time, event: "txn", facts: facts) { out in
            line.render(&out)
        }
    }

    // MARK: Draws

    /// Amount in fen: most purchases small, a tail of large ones.
    static func amount(_ band: Double, _ position: Double) -> Int {
        let bands: [(Int, Int)] = [(100, 2000), (2001, 10_000), (10_001, 50_000), (50_001, 500_000)]
        let index = band < 0.4 ? 0 : band < 0.7 ? 1 : band < 0.9 ? 2 : 3
        let (low, high) = bands[index]
        return low + Int(position * Double(high - low))
    }

    static func weighted(_ u: Double, _ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var target = u * total
        for (i, w) in weights.enumerated() {
            if target < w { return i }
            target -= w
        }
        return weights.count - 1
    }

    /// A Luhn-valid card number from one of the sample BINs, as ASCII digits.
    static func cardNumber(_ rng: inout SampleRandom) -> [UInt8] {
        let range = SampleWorld.cardRanges[rng.below(SampleWorld.cardRanges.count)]
        var digits = Array(range.bin.utf8)
        while digits.count < range.length - 1 { digits.append(UInt8(0x30 + rng.below(10))) }
        digits.append(luhnCheckDigit(digits))
        return digits
    }

    /// The digit that makes `payload` + digit pass the Luhn check.
    static func luhnCheckDigit(_ payload: [UInt8]) -> UInt8 {
        var sum = 0
        var double = true  // the rightmost payload digit is doubled once the check digit follows
        for byte in payload.reversed() {
            var d = Int(byte - 0x30)
            if double {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
            double.toggle()
        }
        return UInt8(0x30 + (10 - sum % 10) % 10)
    }

    /// Field 39 damaged on the way: one character turned into a look-alike (`0`→`O`, `1`→`l`)
    /// or `?`, so the result is in no catalogue.
    static func garble(_ code: String, _ u: Double) -> String {
        var bytes = Array(code.utf8)
        let position = u < 0.5 ? 0 : bytes.count - 1
        switch bytes[position] {
        case 0x30: bytes[position] = 0x4F  // O
        case 0x31: bytes[position] = 0x6C  // l
        default: bytes[position] = 0x3F  // ?
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The values of one `ev=txn` line, rendered in the order docs/formats.md §1 shows.
struct TransactionLine {
    var type: SampleWorld.TransactionType
    var stan: Int
    var batch: Int
    var amount: Int?
    var entry: SampleWorld.EntryMode?
    var card: [UInt8]?
    var fullPAN: Bool
    var operatorKey: Bool
    var responseCode: String?
    var display: StaticString = "approved"
    var latency: Int64 = 0
    var error: StaticString?
    var reason: StaticString?
    /// For a reversal: the entry mode of the transaction it reverses (field 22).
    var originalEntry: SampleWorld.EntryMode?

    init(
        type: SampleWorld.TransactionType, stan: Int, batch: Int, amount: Int?, entry: SampleWorld.EntryMode?,
        card: [UInt8]?, fullPAN: Bool, operatorKey: Bool
    ) {
        self.type = type
        self.stan = stan
        self.batch = batch
        self.amount = amount
        self.entry = entry
        self.card = card
        self.fullPAN = fullPAN
        self.operatorKey = operatorKey
    }

    func render(_ out: inout OutputBuffer) {
        out.append(" type=")
        out.append(type.text)
        out.append(" stan=")
        out.appendPadded(stan, width: 6)
        out.append(" batch=")
        out.appendPadded(batch, width: 6)
        if let amount {
            out.append(" amt=")
            out.appendInt(amount)
        }
        out.append(" cur=156")
        if let responseCode {
            out.append(" rc=")
            out.append(responseCode)
        }
        out.append(" disp=")
        out.append(display)
        out.append(" lat_ms=")
        out.appendInt(Int(latency))
        if let entry {
            out.append(" entry=")
            out.append(entry.text)
        }
        if let card {
            out.append(" pan=")
            if fullPAN {
                out.append(card)
            } else {
                appendMasked(card, &out)
            }
        }
        if let error {
            out.append(" err=")
            out.append(error)
        }
        if let reason {
            out.append(" reason=")
            out.append(reason)
        }
        if operatorKey { out.append(" op=01") }
    }
}

/// First 6 and last 4 digits, the rest as `mask`: how terminals log card numbers (`*`) and how
/// jPOS's ProtectedLogListener writes field 2 (`_`).
func appendMasked(_ card: [UInt8], _ out: inout OutputBuffer, mask: UInt8 = 0x2A) {
    for (i, digit) in card.enumerated() {
        out.append(i < 6 || i >= card.count - 4 ? digit : mask)
    }
}
