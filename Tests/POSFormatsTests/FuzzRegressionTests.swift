import Foundation
import POSFormats
import Testing

// What the libFuzzer targets in Fuzz/ found in the POSFormats parsers, each kept as a test, and a
// short replay of the fuzz corpora (Fixtures/fuzz/<target>/: the entries that reached the most
// code) through the same checks the harnesses make, so `swift test` runs a little of the fuzzing.

/// The lines of `bytes` as the line source hands them out: LF ends a line, a CR before it is
/// dropped, a final LF opens no empty line.
private func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        var end = start
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        var lineEnd = end
        if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        result.append(Array(bytes[start..<lineEnd]))
        start = end + 1
    }
    return result
}

/// True when `text` holds a Luhn-valid run of 13–19 digits: a card number stored unmasked.
private func holdsCardNumber(_ text: String?) -> Bool {
    guard let text else { return false }
    return Array(text.utf8).withUnsafeBytes { CardNumbers.containsCardNumber($0) }
}

/// The corpus entries kept for a target, by name.
private func corpus(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz/\(target)")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
}

/// Everything a scanner emitted for `bytes`, fed as lines then finished.
private func scanAcquirerLog(_ bytes: [UInt8], maxElementBytes: Int = 4 << 20, maxDepth: Int = 64)
    -> (entries: [AcquirerLogEntry], statistics: AcquirerLogStatistics)
{
    var scanner = AcquirerLogScanner(defaultOffsetMinutes: 480, maxElementBytes: maxElementBytes, maxDepth: maxDepth)
    var entries: [AcquirerLogEntry] = []
    for (index, line) in lines(bytes).enumerated() {
        line.withUnsafeBytes { scanner.consume(line: $0, number: index + 1) { entries.append($0) } }
    }
    scanner.finish { entries.append($0) }
    return (entries, scanner.statistics)
}

@Suite("Fuzz findings: timestamps")
struct TimestampFuzzRegressionTests {
    /// A nine-digit year overflowed the milliseconds (a trap) instead of reading as no time.
    @Test(arguments: [
        "Thu Dec 18 15:12:37 UYST 704744861",
        "Thu Dec 18 15:12:37 UYST 999999999.999",
        "Thu Dec 18 15:12:37 UTC 10000",
    ])
    func javaDateYearPast9999IsNoTime(_ text: String) {
        #expect(Timestamps.parseJavaDate(text, defaultOffsetMinutes: 480) == nil)
    }

    @Test func javaDateYear9999IsStillATime() {
        // 9999-12-31T23:59:59.999Z, computed with Python's datetime.
        #expect(
            Timestamps.parseJavaDate("Fri Dec 31 23:59:59 UTC 9999.999", defaultOffsetMinutes: 480)
                == LoggedTime(utcMilliseconds: 253_402_300_799_999, offsetMinutes: 0))
    }

    @Test func acquirerElementWithNineDigitYearIsRejectedNotACrash() {
        let log = #"<log realm="cup-channel" at="Thu Dec 18 15:12:37 UYST 704744861"><io-timeout/></log>"#
        let scan = scanAcquirerLog(Array(log.utf8))
        #expect(scan.entries == [.rejected(Rejection(line: 1, reason: "bad at attribute", text: log))])
    }
}

@Suite("Fuzz findings: text cut inside a run of digits")
struct CutDigitsFuzzRegressionTests {
    // 4111111111111111 passes the Luhn check; with a 2 after it the 17-digit run does not, so
    // masking leaves the run alone, and a cut after its 16th digit used to store a card number.

    @Test func shortenStarsDigitsRunningUpToTheCut() {
        #expect(LogText.shorten("ref 41111111111111112 end", limit: 20) == "ref ****************…[5 more bytes]")
    }

    @Test func shortenKeepsDigitsWhenTheCutIsNotInsideARun() {
        #expect(LogText.shorten("ref 4111111111111 end", limit: 17) == "ref 4111111111111…[4 more bytes]")
    }

    @Test func terminalRejectTextCutAtSixtyFourKiB() {
        var parser = TerminalLogParser(defaultOffsetMinutes: 480)
        let line = Array(String(repeating: "x", count: 65_536 - 16).utf8) + Array("41111111111111112".utf8)
        let text = line.withUnsafeBytes { parser.rejectText($0) }
        #expect(text == String(repeating: "x", count: 65_520) + String(repeating: "*", count: 16) + "…[1 more bytes]")
        #expect(!holdsCardNumber(text))
    }

    /// The case the fuzzer found: an unterminated quote whose record outgrows what is kept for
    /// the report (2000 bytes), cut for the report at 1000 bytes inside the digit run.
    @Test func csvMalformedRecordCutInsideDigits() {
        let line = "\"" + String(repeating: "y", count: 983) + "41111111111111112" + String(repeating: "z", count: 1500)
        let results = Array(line.utf8).withUnsafeBytes { CSVRecordReader.records(in: $0) }
        // Kept: 2000 bytes, shown: 1000, cut: 1000 shown-but-cut + 501 never kept.
        #expect(
            results == [
                .malformed(
                    reason: "unterminated quote", line: 1,
                    text: "\"" + String(repeating: "y", count: 983) + String(repeating: "*", count: 16) + "…[1501 more bytes]"
                )
            ])
    }
}

/// The same two cuts in a link event's detail, found by reading the scanner for the places the
/// fuzzer's masking check could not see: the 1024-byte limit on collected text (applied before
/// masking) and the 200-character limit on the detail kept (after it).
@Suite("Fuzz review: link event detail cut inside a run of digits")
struct LinkDetailCutTests {
    private func detail(_ text: String) -> String? {
        let log = #"<log realm="cup-channel" at="2026-11-20T08:00:00Z"><peer-disconnect>"# + text + "</peer-disconnect></log>"
        let scan = scanAcquirerLog(Array(log.utf8))
        guard case .linkEvent(let event)? = scan.entries.first, scan.entries.count == 1 else { return nil }
        return event.detail
    }

    /// 1008 bytes of combining marks (48 characters), a space, then a card number: the byte limit
    /// fell after its 15th digit, too short for masking to see, and 15 of its 16 digits were kept.
    @Test func byteLimitInsideACardNumber() {
        let mark = "e" + String(repeating: "\u{0301}", count: 10)
        let kept = detail(String(repeating: mark, count: 48) + " 4111111111111111 tail")
        #expect(kept == String(repeating: mark, count: 48) + " " + String(repeating: "*", count: 15))
    }

    /// A 17-digit run that fails the Luhn check, whose first 16 digits pass it, cut after the
    /// 16th by the 200-character limit: it used to store a card number masking had let be.
    @Test func characterLimitInsideADigitRun() {
        let kept = detail(String(repeating: "a", count: 183) + " 41111111111111112")
        #expect(kept == String(repeating: "a", count: 183) + " " + String(repeating: "*", count: 16))
        #expect(!holdsCardNumber(kept))
    }

    @Test func shortDetailIsKeptWhole() {
        #expect(detail("Connection reset 4111111111111111 by peer") == "Connection reset 411111******1111 by peer")
    }
}

@Suite("Fuzz corpus replay: parsers stay sane on the inputs that reached the most code")
struct FuzzCorpusReplayTests {
    @Test func terminalLogCorpus() throws {
        let entries = try corpus("terminal-log")
        #expect(entries.count >= 3)
        for (name, bytes) in entries {
            var parser = TerminalLogParser(defaultOffsetMinutes: 480)
            var counts = (records: 0, rejected: 0, blank: 0, ignored: 0)
            let all = lines(bytes)
            for (index, line) in all.enumerated() {
                let number = index + 1
                switch line.withUnsafeBytes({ parser.parse(line: $0, number: number) }) {
                case .blank:
                    counts.blank += 1
                case .rejected(let rejection):
                    counts.rejected += 1
                    #expect(rejection.line == number, "\(name)")
                    #expect(!holdsCardNumber(rejection.text), "\(name): \(rejection.text)")
                case .record(let record):
                    counts.records += 1
                    if case .ignored = record { counts.ignored += 1 }
                    if case .transaction(let txn) = record {
                        #expect(txn.header.line == number, "\(name)")
                        for text in [txn.type, txn.responseCode, txn.display, txn.maskedPAN, txn.error, txn.reason] {
                            #expect(!holdsCardNumber(text), "\(name): \(text ?? "")")
                        }
                    }
                }
            }
            #expect(counts.records + counts.rejected + counts.blank == all.count, "\(name)")
            #expect(parser.statistics.blankLines == counts.blank, "\(name)")
            #expect(parser.statistics.ignoredEvents.values.reduce(0, +) == counts.ignored, "\(name)")
        }
    }

    @Test(arguments: [(4 << 20, 64), (256, 4)])
    func acquirerLogCorpus(maxElementBytes: Int, maxDepth: Int) throws {
        let entries = try corpus("acquirer-log")
        #expect(entries.count >= 3)
        for (name, bytes) in entries {
            let lineCount = lines(bytes).count
            let scan = scanAcquirerLog(bytes, maxElementBytes: maxElementBytes, maxDepth: maxDepth)
            var counts = (messages: 0, linkEvents: 0, rejected: 0)
            for entry in scan.entries {
                switch entry {
                case .message(let message):
                    counts.messages += 1
                    #expect((1...lineCount).contains(message.line), "\(name)")
                    for text in [message.realm, message.mti, message.maskedPAN, message.processingCode, message.responseCode] {
                        #expect(!holdsCardNumber(text), "\(name): \(text ?? "")")
                    }
                case .linkEvent(let event):
                    counts.linkEvents += 1
                    #expect((1...lineCount).contains(event.line), "\(name)")
                    #expect((event.detail?.count ?? 0) <= 200, "\(name)")
                    #expect(!holdsCardNumber(event.detail), "\(name)")
                case .rejected(let rejection):
                    counts.rejected += 1
                    #expect((1...lineCount).contains(rejection.line), "\(name)")
                    #expect(!holdsCardNumber(rejection.text), "\(name)")
                }
            }
            #expect(scan.statistics.messages == counts.messages, "\(name)")
            #expect(scan.statistics.linkEvents == counts.linkEvents, "\(name)")
            #expect(scan.statistics.rejected == counts.rejected, "\(name)")
            #expect(counts.rejected <= scan.statistics.logElements, "\(name)")
        }
    }

    @Test func csvCorpus() throws {
        let entries = try corpus("csv")
        #expect(entries.count >= 3)
        for (name, bytes) in entries {
            let results = bytes.withUnsafeBytes { CSVRecordReader.records(in: $0) }
            var lastLine = 0
            var header: [String]?
            for result in results {
                switch result {
                case .malformed(_, let line, let text):
                    #expect(line > lastLine, "\(name)")
                    lastLine = line
                    #expect(!holdsCardNumber(text), "\(name): \(text)")
                case .record(let fields, let line, _):
                    #expect(line > lastLine, "\(name)")
                    lastLine = line
                    guard let header else {
                        header = fields
                        continue
                    }
                    // Rows through both readers, with this file's header when it is one.
                    if let inventory = try? InventoryReader(header: header) {
                        switch inventory.row(fields, line: line) {
                        case .accepted(let row, _):
                            #expect(row.channel == "official" || row.channel == "third_party", "\(name)")
                            #expect(!holdsCardNumber(row.brand) && !holdsCardNumber(row.model), "\(name)")
                        case .rejected(let rejection, _):
                            #expect(rejection.line == line && !holdsCardNumber(rejection.text), "\(name)")
                        }
                    }
                    if let catalogue = try? CatalogueReader(header: header) {
                        switch catalogue.row(fields, line: line) {
                        case .accepted(let entry, _):
                            #expect(!entry.code.isEmpty && !holdsCardNumber(entry.meaning), "\(name)")
                        case .rejected(let rejection, _):
                            #expect(rejection.line == line && !holdsCardNumber(rejection.text), "\(name)")
                        }
                    }
                }
            }
        }
    }
}
