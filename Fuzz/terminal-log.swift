// libFuzzer target: the logfmt terminal-log line parser (docs/formats.md §1).
//
// The input is split into lines as the ingest splits a file, and every line goes through one
// `TerminalLogParser`. Besides not crashing, the parser must keep its promises: every result
// carries its own line number, statistics agree with the results, times have real offsets,
// and no kept text holds an unmasked card number (except `tid`, which must match the acquirer's
// field 41 and is exempt by docs/formats.md §5).

import POSFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTerminalLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let lines = lineCount(input)
    var parser = TerminalLogParser(defaultOffsetMinutes: 480)
    var blanks = 0
    var ignored = 0
    forEachLine(input) { line, number in
        switch parser.parse(line: line, number: number) {
        case .blank:
            blanks += 1
        case .rejected(let rejection):
            require(rejection.line == number, "reject of line \(number) says line \(rejection.line)")
            checkRejection(rejection, lines: lines, textLimit: 65536)
        case .record(let record):
            if case .ignored(let event, let line) = record {
                ignored += 1
                require(line == number, "ignored event of line \(number) says \(line)")
                require(!holdsCardNumber(event), "card number in ignored event name")
            } else {
                check(record, number: number)
            }
        }
        // The text kept for an overlong or cut line goes through here too.
        require(!holdsCardNumber(parser.rejectText(line)), "card number in rejectText")
    }
    let statistics = parser.statistics
    require(statistics.blankLines == blanks, "blankLines \(statistics.blankLines), saw \(blanks)")
    require(statistics.ignoredEvents.values.reduce(0, +) == ignored, "ignoredEvents \(statistics.ignoredEvents), saw \(ignored)")
    for name in statistics.unknownKeys.keys {
        require(!holdsCardNumber(name), "card number in unknown key \(name)")
    }
    require(statistics.maskedPANs >= 0 && statistics.invalidUTF8 >= 0, "negative counts")
    return 0
}

private func check(_ record: TerminalRecord, number: Int) {
    let header: TerminalEventHeader
    var texts: [String?] = []
    switch record {
    case .transaction(let txn):
        header = txn.header
        texts = [txn.type, txn.responseCode, txn.display, txn.entry, txn.maskedPAN, txn.error, txn.reason, txn.mcc]
        if let currency = txn.currency { require(currency >= 0 && currency <= 999_999, "currency \(currency)") }
        if let stan = txn.stan { require(stan >= 0, "stan \(stan)") }
        if let batch = txn.batch { require(batch >= 0, "batch \(batch)") }
        if let code = txn.responseCode { require(!code.isEmpty, "empty rc kept") }
    case .boot(let boot):
        header = boot.header
        texts = [boot.firmware, boot.appVersion, boot.codeTable]
    case .firmwareUpdate(let update):
        header = update.header
        texts = [update.from, update.to]
    case .network(let net):
        header = net.header
        texts = [net.state, net.networkType, net.reason]
        if let rssi = net.rssi { require(rssi >= -1000 && rssi <= 1000, "rssi \(rssi)") }
    case .signIn(let signIn):
        header = signIn.header
        texts = [signIn.responseCode]
    case .error(let error):
        header = error.header
        texts = [error.error, error.message]
    case .ignored:
        return
    }
    require(header.line == number, "record of line \(number) says line \(header.line)")
    checkTime(header.time)
    let tid = header.tid.utf8
    require(!tid.isEmpty && tid.count <= 16 && tid.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "bad tid kept: \(header.tid)")
    for text in texts {
        require(!holdsCardNumber(text), "card number kept in a value: \(text ?? "")")
    }
}
