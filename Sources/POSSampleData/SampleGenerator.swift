/// Writes a whole sample data set into a folder: the inventory, the private code catalogue,
/// terminal logs per region and day, acquirer logs per realm and day, and the planted faults;
/// returns the ground truth.
///
/// The same configuration always gives the same bytes. Files of the same names are overwritten;
/// other files in the folder are left alone. The ground truth is returned, not written: a
/// `truth.json` among the logs would be ingested as a terminal log.
public struct SampleGenerator: Sendable {
    public let configuration: SampleConfiguration

    /// A generator for one configuration; nothing is drawn until `write(to:)`.
    public init(_ configuration: SampleConfiguration) {
        self.configuration = configuration
    }

    /// Generates every file into `directory` (created if missing) and returns what it holds.
    ///
    /// Throws `SampleDataError` for a configuration out of range or a file that cannot be written.
    public func write(to directory: String) throws -> GroundTruth {
        try configuration.validate()
        try makeDirectories(directory)
        var run = GenerationRun(configuration: configuration, directory: directory)
        return try run.generate()
    }
}

/// The file names of a data set.
enum SampleFileNames {
    static let inventory = "inventory.csv"
    static let privateCodes = "codes-private.csv"
    static let resendFolder = "resend"

    static func terminalLog(region: Int, date: CalendarDate) -> String {
        "terminal-\(SampleWorld.regions[region].ascii)-\(date).log.gz"
    }

    static func acquirerLog(realm: Int, date: CalendarDate) -> String {
        "acquirer-\(SampleWorld.realms[realm].ascii)-\(date).xml.gz"
    }
}

/// Where the faults go: fixed regions, realms and days, so that tests can find them by name.
struct FaultPlan {
    var malformedFirst: (region: Int, day: Int)?
    var malformedSecond: (region: Int, day: Int)?
    var crlf: (region: Int, day: Int)?
    var invalidUTF8: (region: Int, day: Int)?
    var duplicate: (region: Int, day: Int)?
    var truncated: (region: Int, day: Int)?
    var paddedTID: (terminal: Int, day: Int)?
    var malformedElement: (realm: Int, day: Int)?
    var missingLoggerClose: (realm: Int, day: Int)?

    init(configuration: SampleConfiguration, fleet: Fleet) {
        let faults = configuration.faults
        let last = configuration.days - 1
        if faults.contains(.malformedLines) {
            malformedFirst = (0, 0)
            malformedSecond = (1, last)
        }
        if faults.contains(.crlfLineEnds) { crlf = (2, 0) }
        if faults.contains(.invalidUTF8) { invalidUTF8 = (3, 0) }
        if faults.contains(.duplicateFile) { duplicate = (1, 0) }
        if faults.contains(.truncatedGzip) { truncated = (4, last) }
        if faults.contains(.paddedTIDs), let first = fleet.terminals.first(where: { $0.region == 0 }) {
            paddedTID = (first.index, min(1, last))
        }
        if faults.contains(.malformedAcquirerElement) { malformedElement = (0, 0) }
        if faults.contains(.missingLoggerClose) { missingLoggerClose = (SampleWorld.agentpayRealm, last) }
    }

    static func matches(_ target: (region: Int, day: Int)?, _ region: Int, _ day: Int) -> Bool {
        target.map { $0.region == region && $0.day == day } ?? false
    }
}

/// One generation: the simulation day by day, the files, and the truth gathered on the way.
struct GenerationRun {
    let configuration: SampleConfiguration
    let directory: String
    let fleet: Fleet
    let rates: MechanismRates
    let plan: FaultPlan
    let styles: [AcquirerStyle]

    var files: [FileTruth] = []
    var totals = TransactionCounts()
    var exposed = [UInt8: Int]()
    var planted = [PlantedCause: Int]()
    var firmwareUpdates: [FirmwareUpdateRecord] = []
    var fullCardNumbers: [FullCardNumber] = []

    init(configuration: SampleConfiguration, directory: String) {
        self.configuration = configuration
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        fleet = Fleet(configuration: configuration)
        rates = MechanismRates(configuration: configuration)
        plan = FaultPlan(configuration: configuration, fleet: fleet)
        styles = SampleWorld.realms.map { AcquirerStyle(realm: $0, faults: configuration.faults) }
    }

    mutating func generate() throws -> GroundTruth {
        try writeInventory()
        try writeCatalogue()
        var states = fleet.terminals.map { TerminalState(terminal: $0, seed: configuration.seed) }
        for day in 0..<configuration.days {
            let date = configuration.startDate.adding(days: day)
            var terminalArenas = SampleWorld.regions.map { _ in LineArena<TerminalLineFacts>() }
            var acquirerArenas = SampleWorld.realms.map { _ in LineArena<AcquirerFacts>() }
            for terminal in fleet.terminals {
                let padded = plan.paddedTID.map { $0.terminal == terminal.index && $0.day == day } ?? false
                var simulation = TerminalDaySimulation(
                    terminal: terminal, configuration: configuration, rates: rates, acquirer: styles[terminal.realm],
                    date: date, day: day, padFirstLines: padded ? 3 : 0)
                simulation.run(
                    state: &states[terminal.index], lines: &terminalArenas[terminal.region],
                    acquirerLog: &acquirerArenas[terminal.realm])
            }
            let midnight = ChinaTime.midnight(date)
            for realm in SampleWorld.realms.indices {
                styles[realm].realmDay(&acquirerArenas[realm], midnight: midnight, seed: configuration.seed, realmIndex: realm, day: day)
                if FaultPlan.matches(plan.malformedElement.map { ($0.realm, $0.day) }, realm, day) {
                    styles[realm].malformedElement(&acquirerArenas[realm], at: midnight + 10 * 3_600_000)
                }
            }
            for region in SampleWorld.regions.indices {
                insertFaultLines(&terminalArenas[region], region: region, day: day, date: date)
                try writeTerminalLog(&terminalArenas[region], region: region, day: day, date: date)
                terminalArenas[region] = LineArena()
            }
            for realm in SampleWorld.realms.indices {
                try writeAcquirerLog(&acquirerArenas[realm], realm: realm, day: day, date: date)
                acquirerArenas[realm] = LineArena()
            }
        }
        return makeTruth()
    }

    // MARK: Inventory and catalogue

    private mutating func writeInventory() throws {
        let bom = configuration.faults.contains(.inventoryBOM)
        let bytes = fleet.inventoryCSV(bom: bom)
        try writeFile(directory + "/" + SampleFileNames.inventory, bytes)
        var truth = FileTruth(path: SampleFileNames.inventory, kind: "inventory", bytes: bytes.count)
        truth.lines = fleet.terminals.count + 1
        truth.rows = fleet.terminals.count
        truth.bom = bom
        files.append(truth)
    }

    private var privateCodes: [PrivateCode] {
        [
            PrivateCode(
                code: SampleWorld.declaredPrivateCode.code, meaning: SampleWorld.declaredPrivateCode.meaning,
                scope: SampleWorld.realms[SampleWorld.agentpayRealm].realm)
        ]
    }

    private mutating func writeCatalogue() throws {
        var out = OutputBuffer()
        out.append("code,meaning,scope\n")
        for code in privateCodes {
            out.append(code.code + "," + code.meaning + "," + code.scope + "\n")
        }
        try writeFile(directory + "/" + SampleFileNames.privateCodes, out.bytes)
        var truth = FileTruth(path: SampleFileNames.privateCodes, kind: "catalogue", bytes: out.count)
        truth.lines = privateCodes.count + 1
        truth.rows = privateCodes.count
        files.append(truth)
    }

    // MARK: Fault lines

    private func insertFaultLines(_ arena: inout LineArena<TerminalLineFacts>, region: Int, day: Int, date: CalendarDate) {
        guard let tid = fleet.terminals.first(where: { $0.region == region })?.tid else { return }
        let midnight = ChinaTime.midnight(date)
        var order = UInt64.max
        func add(
            _ hour: Int, _ kind: ExpectedReject.Kind?, key: StaticString? = nil, lineKind: TerminalLineKind = .rejected,
            _ render: (inout OutputBuffer, Int64) -> Void
        ) {
            let time = midnight + Int64(hour) * 3_600_000 + 1_234
            let start = arena.cursor
            render(&arena.buffer, time)
            var facts = TerminalLineFacts(kind: lineKind)
            facts.reject = kind
            facts.rejectKey = key
            order -= 1
            arena.finish(start: start, time: time, order: order, facts: facts)
        }
        func head(_ out: inout OutputBuffer, _ time: Int64) {
            out.append("ts=")
            out.appendTerminalTime(time)
            out.append(" tid=")
            out.append(tid)
        }
        if FaultPlan.matches(plan.malformedFirst, region, day) {
            add(9, .unterminatedQuote) { out, time in
                head(&out, time)
                out.append(" ev=error err=MAC_FAIL msg=\"MAC校验失败")
            }
            add(10, .missingTimestamp) { out, _ in
                out.append("tid=")
                out.append(tid)
                out.append(" ev=net state=up type=4g rssi=-71")
            }
            add(11, .badTimestamp) { out, _ in
                out.append("ts=")
                out.appendPadded(date.year, width: 4)
                out.append("-13-45T08:00:00.000+08:00 tid=")
                out.append(tid)
                out.append(" ev=signin rc=00")
            }
            add(12, .badInteger, key: "amt") { out, time in
                head(&out, time)
                out.append(
                    " ev=txn type=sale stan=999999 batch=000001 amt=12.50 cur=156 rc=00 disp=approved lat_ms=812 entry=chip pan=622848******1234")
            }
            add(13, .notLogfmt) { out, _ in
                out.append("==> tms-export: upload resumed at offset 48213 <==")
            }
        }
        if FaultPlan.matches(plan.malformedSecond, region, day) {
            add(9, .missingTerminalID) { out, time in
                out.append("ts=")
                out.appendTerminalTime(time)
                out.append(" ev=signin rc=00")
            }
            add(10, .badTimestamp) { out, _ in
                out.append("ts=")
                out.appendPadded(date.year, width: 4)
                out.append("-11-31T09:15:00.000+08:00 tid=")
                out.append(tid)
                out.append(" ev=boot fw=N910_NLOS_V3.2.1")
            }
            add(11, .badInteger, key: "rssi") { out, time in
                head(&out, time)
                out.append(" ev=net state=weak type=4g rssi=-101dBm")
            }
        }
        if FaultPlan.matches(plan.invalidUTF8, region, day) {
            // "错误" in GBK, as an older TMS agent writes it: not UTF-8.
            add(14, nil, lineKind: .error) { out, time in
                head(&out, time)
                out.append(" ev=error err=PRINTER msg=\"")
                out.append([0xB4, 0xED, 0xCE, 0xF3])
                out.append("\"")
            }
        }
    }

    // MARK: Terminal logs

    /// Writes a region's terminal log of a day (with its faults: CRLF line ends, a duplicate in
    /// `resend/`, a truncated gzip) and records what it holds.
    private mutating func writeTerminalLog(_ arena: inout LineArena<TerminalLineFacts>, region: Int, day: Int, date: CalendarDate) throws {
        arena.sortByTime()
        let name = SampleFileNames.terminalLog(region: region, date: date)
        let duplicate = FaultPlan.matches(plan.duplicate, region, day)
        let written = try writeTerminalLogFile(
            arena, name: name, crlf: FaultPlan.matches(plan.crlf, region, day), duplicate: duplicate,
            truncate: FaultPlan.matches(plan.truncated, region, day))
        var truth = written.truth
        recordLines(of: arena, complete: written.completeLines, file: name, into: &truth)
        files.append(truth)
        if duplicate {
            // The same bytes again: a correct ingester skips it by content, so it adds nothing.
            var copy = truth
            copy.path = SampleFileNames.resendFolder + "/" + name
            copy.duplicateOf = name
            files.append(copy)
        }
    }

    /// A terminal log as written: its truth so far (bytes, line ends, truncation) and how many of
    /// its lines a reader gets whole.
    private struct WrittenTerminalLog {
        var truth: FileTruth
        var completeLines: Int
    }

    /// Compresses the arena's lines into the file `name`: straight to disk, or through memory
    /// for a file that is also copied to `resend/` or cut short.
    private func writeTerminalLogFile(
        _ arena: LineArena<TerminalLineFacts>, name: String, crlf: Bool, duplicate: Bool, truncate: Bool
    ) throws -> WrittenTerminalLog {
        let memory = MemorySink()
        let sink: any ByteSink = duplicate || truncate ? memory : try FileSink(path: directory + "/" + name)
        let writer = try LogFileWriter(sink: sink, path: name, gzip: true)
        var lineEnds: [Int] = []
        lineEnds.reserveCapacity(arena.entries.count)
        for entry in arena.entries {
            try writer.write(arena.buffer.bytes[entry.start..<entry.end])
            try writer.write(crlf ? "\r\n" : "\n")
            lineEnds.append(writer.textBytes)
        }
        try writer.finish()

        var truth = FileTruth(path: name, kind: "terminal_log", bytes: 0)
        truth.crlf = crlf
        var complete = arena.entries.count
        if let file = sink as? FileSink {
            try file.close()
            truth.bytes = Int(writer.compressedBytes)
        } else if truncate {
            complete = try writeTruncated(memory.bytes, lineEnds: lineEnds, name: name, truth: &truth)
        } else {
            try writeFile(directory + "/" + name, memory.bytes)
            truth.bytes = memory.bytes.count
            let copy = SampleFileNames.resendFolder + "/" + name
            try makeDirectories(directory + "/" + SampleFileNames.resendFolder)
            try writeFile(directory + "/" + copy, memory.bytes)
        }
        return WrittenTerminalLog(truth: truth, completeLines: complete)
    }

    /// Writes the gzip `bytes` cut in the middle of the deflate stream, as an interrupted copy
    /// leaves a file; returns how many lines (ending at `lineEnds`) can be read whole. The cut is
    /// moved back until at least 64 bytes of a partial line follow the last complete one, so that
    /// decoders which hold back a few bytes (GNU gzip does) still see the same complete lines.
    private func writeTruncated(_ bytes: [UInt8], lineEnds: [Int], name: String, truth: inout FileTruth) throws -> Int {
        var cutLength = bytes.count * 6 / 10
        var cut: [UInt8] = []
        var recoverable = 0
        var complete = 0
        while true {
            cut = Array(bytes.prefix(cutLength))
            recoverable = inflateRecoverable(cut).count
            complete = lineEnds.firstIndex { $0 > recoverable } ?? lineEnds.count
            if recoverable - (complete > 0 ? lineEnds[complete - 1] : 0) >= 64 || cutLength < 64 { break }
            cutLength -= 16
        }
        try writeFile(directory + "/" + name, cut)
        truth.bytes = cut.count
        truth.truncated = true
        truth.recoverableBytes = recoverable
        truth.partialLineBytes = recoverable - (complete > 0 ? lineEnds[complete - 1] : 0)
        return complete
    }

    /// Records the first `complete` lines of a terminal log in its truth (lines, rejects, events,
    /// oddities) and in the run's totals, exposures, planted causes, upgrades and card numbers.
    private mutating func recordLines(
        of arena: LineArena<TerminalLineFacts>, complete: Int, file name: String, into truth: inout FileTruth
    ) {
        truth.lines = complete
        for (index, entry) in arena.entries.prefix(complete).enumerated() {
            let facts = entry.facts
            let line = index + 1
            let text = arena.buffer.bytes[entry.start..<entry.end]
            if let reject = facts.reject {
                truth.rejects.append(ExpectedReject(line: line, kind: reject, key: facts.rejectKey.map { $0.description }))
                continue
            }
            truth.unknownKeys += Int(facts.unknownKeys)
            if facts.paddedTID { truth.paddedTIDs += 1 }
            if facts.kind == .error || text.contains(where: { $0 >= 0x80 }) && facts.kind != .transaction {
                truth.invalidUTF8Replacements += String(decoding: text, as: UTF8.self).unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            }
            switch facts.kind {
            case .ignored:
                truth.ignoredEvents += 1
                continue
            case .rejected:
                continue
            case .transaction:
                truth.transactions += 1
                totals.add(facts)
                for bit in [Exposure.oldCodeTable, Exposure.agentpayRoute, Exposure.networkWindow, Exposure.remoteTwoG]
                where facts.exposure & bit != 0 {
                    exposed[bit, default: 0] += 1
                }
                if let cause = facts.planted { planted[cause, default: 0] += 1 }
                if facts.fullPAN, let pan = Self.value(of: "pan", in: text) {
                    truth.fullCardNumbers += 1
                    fullCardNumbers.append(FullCardNumber(file: name, line: line, pan: pan))
                }
            case .firmwareUpdate:
                firmwareUpdates.append(
                    FirmwareUpdateRecord(
                        tid: Self.value(of: "tid", in: text) ?? "", from: Self.value(of: "from", in: text) ?? "",
                        to: Self.value(of: "to", in: text) ?? "", succeeded: Self.value(of: "result", in: text) == "ok",
                        time: Self.value(of: "ts", in: text) ?? "", planted: facts.planted == .firmwareUpgrade, file: name, line: line))
            default:
                break
            }
            truth.events[Self.eventName(facts.kind), default: 0] += 1
        }
    }

    private static func eventName(_ kind: TerminalLineKind) -> String {
        switch kind {
        case .boot: return "boot"
        case .firmwareUpdate: return "fw_update"
        case .network: return "net"
        case .transaction: return "txn"
        case .signIn: return "signin"
        case .error: return "error"
        case .ignored: return "ignored"
        case .rejected: return "rejected"
        }
    }

    /// The unquoted value of `key` in a logfmt line the generator wrote.
    static func value(of key: String, in line: ArraySlice<UInt8>) -> String? {
        let pattern = Array((key + "=").utf8)
        var i = line.startIndex
        while i + pattern.count <= line.endIndex {
            let atKeyStart = i == line.startIndex || line[i - 1] == 0x20
            if atKeyStart, line[i..<(i + pattern.count)].elementsEqual(pattern) {
                var end = i + pattern.count
                while end < line.endIndex, line[end] != 0x20 { end += 1 }
                return String(decoding: line[(i + pattern.count)..<end], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }

    // MARK: Acquirer logs

    private mutating func writeAcquirerLog(_ arena: inout LineArena<AcquirerFacts>, realm: Int, day: Int, date: CalendarDate) throws {
        arena.sortByTime()
        let name = SampleFileNames.acquirerLog(realm: realm, date: date)
        let sink = try FileSink(path: directory + "/" + name)
        let writer = try LogFileWriter(sink: sink, path: name, gzip: true)
        var truth = FileTruth(path: name, kind: "acquirer_log", bytes: 0)
        var header = OutputBuffer()
        styles[realm].header(&header)
        try header.bytes.withUnsafeBytes { try writer.write($0) }
        var lines = header.bytes.count { $0 == 0x0A }
        for entry in arena.entries {
            let element = arena.buffer.bytes[entry.start..<entry.end]
            switch entry.facts.kind {
            case .request: truth.acquirerRequests += 1
            case .response: truth.acquirerResponses += 1
            case .networkManagement: truth.networkManagementMessages += 1
            case .link: truth.linkEvents += 1
            case .skipped: truth.skippedElements += 1
            case .malformed: truth.rejects.append(ExpectedReject(line: lines + 1, kind: .malformedElement, key: nil))
            }
            if entry.facts.fullPAN { truth.fullCardNumbers += 1 }
            if entry.facts.trackData { truth.trackData += 1 }
            lines += element.count { $0 == 0x0A }
            try writer.write(element)
        }
        let closed = !FaultPlan.matches(plan.missingLoggerClose.map { ($0.realm, $0.day) }, realm, day)
        if closed {
            try writer.write("</logger>\n")
            lines += 1
        }
        try writer.finish()
        try sink.close()
        truth.bytes = Int(writer.compressedBytes)
        truth.lines = lines
        truth.loggerClosed = closed
        files.append(truth)
    }

    // MARK: Truth

    /// The ground truth of the run: the configuration, what was planted and where, the decoys,
    /// and everything gathered while writing the files.
    private func makeTruth() -> GroundTruth {
        let terminals = fleet.terminals
        let expected = expectedFindings()
        let decoys = Self.decoys(for: expected)
        return GroundTruth(
            seed: configuration.seed, startDate: configuration.startDate, days: configuration.days,
            terminals: terminals.count, effectStrength: configuration.effectStrength,
            plantedCauses: configuration.plantedCauses.sorted(), faults: configuration.faults.sorted(),
            expectedFindings: expected, decoys: decoys, totals: totals, files: files,
            clockSkews: terminals.filter { $0.clockSkew != 0 }.map { ClockSkew(tid: $0.tidText, offsetMilliseconds: $0.clockSkew) },
            firmwareUpdates: firmwareUpdates, fullCardNumbers: fullCardNumbers, privateCodes: privateCodes,
            realms: SampleWorld.realms.enumerated().map { index, realm in
                RealmTruth(
                    realm: realm.realm, fileStem: realm.ascii, timeStyle: styles[index].timeStyle.rawValue,
                    padsTID: styles[index].padsTID, terminals: terminals.filter { $0.realm == index }.count)
            })
    }

    /// One expected finding per planted cause that this fleet and these rates can show.
    private func expectedFindings() -> [ExpectedFinding] {
        let causes = configuration.plantedCauses
        let terminals = fleet.terminals
        let oldTable = terminals.filter { $0.codeTable == "CUP2010" }.count
        let agentpay = terminals.filter { $0.realm == SampleWorld.agentpayRealm }.count
        let remote = terminals.filter(\.isRemoteTwoG).count
        let upgraded = terminals.filter { $0.upgrade?.planted == true }
        let agentpayRealm = SampleWorld.realms[SampleWorld.agentpayRealm].realm
        let timeoutRegion = SampleWorld.regions[SampleWorld.timeoutRegion].name

        var expected: [ExpectedFinding] = []
        if causes.contains(.codeTableGap), oldTable > 0, rates.hostNewerCodes > 0 {
            expected.append(
                ExpectedFinding(
                    cause: .codeTableGap, kinds: ["combination"], outcome: "unknown", mechanisms: ["code_table_gap"],
                    requiredPairs: [["firmware=" + SampleWorld.oldLandiFirmware], ["code_table=CUP2010"]],
                    allowedPairs: ["brand=Landi", "model=A8", "firmware=" + SampleWorld.oldLandiFirmware, "code_table=CUP2010"],
                    codes: SampleWorld.newerCUPCodes, direction: "higher", configuredRate: rates.hostNewerCodes,
                    exposedTransactions: exposed[Exposure.oldCodeTable, default: 0], exposedTerminals: oldTable,
                    plantedTransactions: planted[.codeTableGap, default: 0],
                    summary: "\(oldTable) Landi A8 terminals on \(SampleWorld.oldLandiFirmware) boot with code table CUP2010, which lacks "
                        + "A7/D1/F3; the hosts send those on \(Self.percent(rates.hostNewerCodes)) of responses, and these terminals show unknown."))
        }
        if causes.contains(.nonstandardCode), agentpay > 0, rates.agentpayPrivateCodes > 0 {
            expected.append(
                ExpectedFinding(
                    cause: .nonstandardCode, kinds: ["combination"], outcome: "unknown", mechanisms: ["nonstandard_code"],
                    requiredPairs: [["acquirer=" + agentpayRealm]], allowedPairs: ["channel=third_party"],
                    codes: SampleWorld.undeclaredPrivateCodes, direction: "higher", configuredRate: rates.agentpayPrivateCodes,
                    exposedTransactions: exposed[Exposure.agentpayRoute, default: 0], exposedTerminals: agentpay,
                    plantedTransactions: planted[.nonstandardCode, default: 0],
                    summary: "\(agentpayRealm) answers \(Self.percent(rates.agentpayPrivateCodes)) of its requests with private codes Q1/X9 "
                        + "that no catalogue has; every terminal shows them as unknown."))
        }
        if causes.contains(.networkGarbling), rates.garbleAfterNetworkEvent > 0 {
            expected.append(
                ExpectedFinding(
                    cause: .networkGarbling, kinds: ["combination", "network"], outcome: "unknown", mechanisms: ["garbled_response"],
                    requiredPairs: [["net_event_60s=yes"]], allowedPairs: ["rssi_band=<-105", "rssi_band=-96..-105"],
                    codes: [], direction: "higher", configuredRate: rates.garbleAfterNetworkEvent,
                    exposedTransactions: exposed[Exposure.networkWindow, default: 0], exposedTerminals: terminals.count,
                    plantedTransactions: planted[.networkGarbling, default: 0],
                    summary: "Within 60 s after a terminal's net state=weak|switch|down, \(Self.percent(rates.garbleAfterNetworkEvent)) "
                        + "of responses arrive with field 39 garbled (O0, 0?), which the terminal shows as unknown."))
        }
        if causes.contains(.timeouts), remote > 0, rates.lateResponse + rates.requestLost > 0 {
            expected.append(
                ExpectedFinding(
                    cause: .timeouts, kinds: ["combination"], outcome: "timeout", mechanisms: ["late_response", "request_lost"],
                    requiredPairs: [["region=" + timeoutRegion, "net_type=2g"]], allowedPairs: [],
                    codes: [], direction: "higher", configuredRate: rates.lateResponse + rates.requestLost,
                    exposedTransactions: exposed[Exposure.remoteTwoG, default: 0], exposedTerminals: remote,
                    plantedTransactions: planted[.timeouts, default: 0],
                    summary: "2G terminals in \(timeoutRegion): \(Self.percent(rates.lateResponse)) of responses come after the terminal's "
                        + "60 s timeout and \(Self.percent(rates.requestLost)) of requests never reach the host."))
        }
        if causes.contains(.firmwareUpgrade), causes.contains(.codeTableGap), !upgraded.isEmpty, rates.hostNewerCodes > 0 {
            let transition = SampleWorld.oldLandiFirmware + "→" + SampleWorld.currentLandiFirmware
            let upgradedTIDs = Set(upgraded.map(\.tidText))
            expected.append(
                ExpectedFinding(
                    cause: .firmwareUpgrade, kinds: ["firmware_change"], outcome: "unknown", mechanisms: ["code_table_gap"],
                    requiredPairs: [["firmware=" + transition]], allowedPairs: [],
                    codes: SampleWorld.newerCUPCodes, direction: "lower", configuredRate: rates.hostNewerCodes,
                    exposedTransactions: 0, exposedTerminals: upgradedTIDs.count,
                    plantedTransactions: 0,
                    summary: "\(upgradedTIDs.count) of the old-firmware terminals upgrade to \(SampleWorld.currentLandiFirmware) "
                        + "on \(configuration.startDate.adding(days: configuration.days / 2)) and boot with CUP2015: their unknown rate falls to the baseline."
                ))
        }
        return expected
    }

    /// "12.3%", to a tenth of a percent.
    private static func percent(_ x: Double) -> String {
        let tenths = Int((x * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// The decoys planted beside the expected findings: values that go with a cause without
    /// causing anything.
    private static func decoys(for expected: [ExpectedFinding]) -> [Decoy] {
        var decoys: [Decoy] = []
        if expected.contains(where: { $0.cause == .codeTableGap }) {
            decoys.append(
                Decoy(
                    pattern: "channel=third_party", correlatedWith: .codeTableGap, confounder: "firmware",
                    reason: "70% of the old-firmware terminals are third-party against 30% of the others; the channel has no effect of its own."))
        }
        if expected.contains(where: { $0.cause == .nonstandardCode }) {
            decoys.append(
                Decoy(
                    pattern: "fee_tier=waived", correlatedWith: .nonstandardCode, confounder: "acquirer",
                    reason:
                        "65% of the merchants routed through agentpay-switch are waived against 8% elsewhere; the fee tier has no effect of its own.")
            )
            decoys.append(
                Decoy(
                    pattern: "channel=third_party", correlatedWith: .nonstandardCode, confounder: "acquirer",
                    reason: "Every agentpay-switch terminal is third-party."))
            for agent in SampleWorld.agents where agent.agentpayShare > 0 {
                decoys.append(
                    Decoy(
                        pattern: "agent=" + agent.name, correlatedWith: .nonstandardCode, confounder: "acquirer",
                        reason: "Half of this agent's terminals route through agentpay-switch."))
            }
        }
        return decoys
    }
}

extension FileTruth {
    init(path: String, kind: String, bytes: Int) {
        self.init(
            path: path, kind: kind, bytes: bytes, lines: 0, transactions: 0, events: [:], ignoredEvents: 0, unknownKeys: 0,
            rejects: [], fullCardNumbers: 0, trackData: 0, paddedTIDs: 0, invalidUTF8Replacements: 0, crlf: false, bom: false,
            duplicateOf: nil, truncated: false, recoverableBytes: nil, partialLineBytes: nil, acquirerRequests: 0,
            acquirerResponses: 0, networkManagementMessages: 0, linkEvents: 0, skippedElements: 0, loggerClosed: nil, rows: 0)
    }
}
