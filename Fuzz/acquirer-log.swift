// libFuzzer target: the jPOS XML scanner (docs/formats.md §2).
//
// The input is split into lines as the ingest splits a file and fed to `AcquirerLogScanner`,
// then `finish`. Each input runs twice: with the default limits, and with small ones
// (256-byte elements, depth 4) so that the size-limit and nesting paths, which real files
// reach only at megabytes, are reached here too. Checked besides not crashing: statistics
// agree with what was emitted, every entry's line is one of the input's, times have real
// offsets, link details stay within 200 characters, and no kept text holds an unmasked card
// number (fields 4, 11, 12, 13, 37, 41, 42 are exempt by docs/formats.md §5).

import POSFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAcquirerLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let lines = lineCount(input)
    scan(input, lines: lines, scanner: AcquirerLogScanner(defaultOffsetMinutes: 480))
    scan(input, lines: lines, scanner: AcquirerLogScanner(defaultOffsetMinutes: -180, maxElementBytes: 256, maxDepth: 4))
    return 0
}

private func scan(_ input: UnsafeRawBufferPointer, lines: Int, scanner: AcquirerLogScanner) {
    var scanner = scanner
    var messages = 0
    var linkEvents = 0
    var rejected = 0
    var finished = false
    let take: (AcquirerLogEntry) -> Void = { entry in
        switch entry {
        case .message(let message):
            messages += 1
            check(message, lines: lines)
        case .linkEvent(let event):
            linkEvents += 1
            require(event.line >= 1 && event.line <= lines, "link event line \(event.line) outside 1...\(lines)")
            checkTime(event.time)
            require(!event.realm.isEmpty, "link event without realm")
            require(!holdsCardNumber(event.realm), "card number in realm")
            require(!holdsCardNumber(event.detail), "card number in link detail: \(event.detail ?? "")")
            require((event.detail?.count ?? 0) <= 200, "link detail of \(event.detail?.count ?? 0) characters")
        case .rejected(let rejection):
            rejected += 1
            checkRejection(rejection, lines: lines, textLimit: 65536)
        }
    }
    forEachLine(input) { line, number in
        require(!finished, "line after finish")
        scanner.consume(line: line, number: number, take)
    }
    scanner.finish(take)
    finished = true
    let statistics = scanner.statistics
    require(statistics.messages == messages, "statistics.messages \(statistics.messages), emitted \(messages)")
    require(statistics.linkEvents == linkEvents, "statistics.linkEvents \(statistics.linkEvents), emitted \(linkEvents)")
    require(statistics.rejected == rejected, "statistics.rejected \(statistics.rejected), emitted \(rejected)")
    // A rejected element yields only its rejection, and each taken element at least zero entries.
    require(rejected <= statistics.logElements, "\(rejected) rejections from \(statistics.logElements) <log> elements")
    for (name, count) in statistics.skipped {
        require(count > 0, "skipped \(name) counted \(count)")
    }
}

private func check(_ message: AcquirerMessage, lines: Int) {
    require(message.line >= 1 && message.line <= lines, "message line \(message.line) outside 1...\(lines)")
    checkTime(message.time)
    require(!message.realm.isEmpty, "message without realm")
    if let lifespan = message.lifespanMs { require(lifespan >= 0, "lifespan \(lifespan)") }
    if let amount = message.amount { require(amount >= 0, "amount \(amount)") }
    for text in [message.realm, message.mti, message.maskedPAN, message.processingCode, message.responseCode, message.currency] {
        require(!holdsCardNumber(text), "card number kept in a masked field: \(text ?? "")")
    }
    for text in [message.mti, message.maskedPAN, message.processingCode, message.stan, message.localTime,
                 message.localDate, message.rrn, message.responseCode, message.tid, message.mid, message.currency] {
        require(text.map { !$0.isEmpty } ?? true, "empty value kept instead of nil")
    }
}
