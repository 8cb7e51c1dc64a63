import Glibc

/// One record of an RFC 4180 file, or why the text at that place is not one.
public enum CSVRecordResult: Sendable, Hashable {
    /// A complete record: its fields decoded (quotes removed, `""` made `"`, line breaks inside a
    /// quoted field restored as `"\n"`), the line it starts on, and how many invalid UTF-8
    /// sequences were replaced by U+FFFD in it.
    case record(fields: [String], line: Int, invalidUTF8: Int)
    /// Text that is not a record: a short, stable reason (rejects are grouped by it), the line the
    /// record starts on, and the text read so far with card numbers masked, shortened for a human.
    case malformed(reason: String, line: Int, text: String)
}

/// Assembles RFC 4180 records from lines (a quoted field may span lines).
///
/// The caller splits the file into lines and feeds them in order; the reader keeps only the state
/// of an open quoted field between calls. Blank lines outside a record are skipped. Where the text
/// breaks the format, the reader reports `.malformed` once and starts afresh at the next line, so
/// that one bad row never hides the rest of the file.
///
/// Two leniencies real spreadsheets need: blanks before an opening quote and after a closing quote
/// are dropped (`a, "b" ,c` reads as `a`, `b`, `c`), and a trailing CR is dropped from every line.
public struct CSVRecordReader: Sendable {
    /// Reasons of `.malformed`, stable because rejects are grouped by them.
    public enum Reason: Sendable {
        public static let quoteInUnquotedField = "quote in unquoted field"
        public static let textAfterClosingQuote = "text after closing quote"
        public static let unterminatedQuote = "unterminated quote"
        public static let recordTooLong = "record too long"
    }

    /// How much of a malformed record's text is kept for the rejects table.
    public static let rejectTextLimit = 1000

    private let maxRecordBytes: Int
    private var sawFirstLine = false
    /// Fields completed so far in the open record.
    private var fields: [String] = []
    /// Bytes of the open quoted field, carried across lines.
    private var quotedField: [UInt8] = []
    /// True while a quoted field is open at the end of a line.
    private var inQuotedField = false
    private var recordLine = 0
    private var recordBytes = 0
    private var recordInvalidUTF8 = 0
    /// The raw text of the lines of an open record, kept only for a `.malformed` report.
    private var recordText: [UInt8] = []

    /// A reader that reports a record longer than `maxRecordBytes` (lines and their breaks
    /// counted together) as malformed rather than growing without bound on a stray quote.
    public init(maxRecordBytes: Int = 1 << 20) {
        self.maxRecordBytes = maxRecordBytes
    }

    /// Feed one line without its terminator; returns a complete record (fields decoded, quotes removed,
    /// embedded line breaks restored as "\n") or nil while a quoted field is still open.
    ///
    /// Also nil for a blank line (empty, or only spaces and tabs) outside a record: it is skipped.
    /// `number` is the 1-based line number, reported as the line of the record that starts here.
    public mutating func consume(line: UnsafeRawBufferPointer, number: Int) -> CSVRecordResult? {
        var bytes = line
        if !sawFirstLine {
            sawFirstLine = true
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
            }
        }
        if let last = bytes.last, last == 0x0D {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
        }

        if inQuotedField {
            recordBytes += bytes.count + 1
            if recordBytes > maxRecordBytes {
                return malformed(Reason.recordTooLong, current: bytes)
            }
            // The line break was inside the quoted field: it belongs to the value.
            quotedField.append(0x0A)
            return parse(bytes, resumingQuotedField: true)
        }

        if isBlank(bytes) { return nil }
        recordLine = number
        recordBytes = bytes.count
        if recordBytes > maxRecordBytes {
            return malformed(Reason.recordTooLong, current: bytes)
        }
        return parse(bytes, resumingQuotedField: false)
    }

    /// End of input: an open quoted field is an error.
    public mutating func finish() -> CSVRecordResult? {
        guard inQuotedField else { return nil }
        return malformed(Reason.unterminatedQuote, current: UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Reads a whole CSV held in memory (the built-in catalogue, tests): lines split at LF, a
    /// trailing CR dropped, records and malformed places in file order.
    public static func records(in bytes: UnsafeRawBufferPointer, maxRecordBytes: Int = 1 << 20) -> [CSVRecordResult] {
        var reader = CSVRecordReader(maxRecordBytes: maxRecordBytes)
        var results: [CSVRecordResult] = []
        var start = 0
        var number = 1
        while start < bytes.count, let base = bytes.baseAddress {
            let end: Int
            if let hit = memchr(base + start, 0x0A, bytes.count - start) {
                end = UnsafeRawPointer(hit) - base
            } else {
                end = bytes.count
            }
            if let result = reader.consume(line: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), number: number) {
                results.append(result)
            }
            start = end + 1
            number += 1
        }
        if let result = reader.finish() { results.append(result) }
        return results
    }

    // MARK: - Parsing one line

    private mutating func parse(_ bytes: UnsafeRawBufferPointer, resumingQuotedField: Bool) -> CSVRecordResult? {
        let n = bytes.count
        var i = 0
        var inQuotes = resumingQuotedField
        while true {
            if inQuotes {
                // Inside a quoted field: copy up to the next quote, then see whether it is `""`.
                let start = i
                guard let quote = indexOfQuote(in: bytes, from: i) else {
                    quotedField.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<n]))
                    inQuotedField = true
                    keepForReport(bytes)
                    recordText.append(0x0A)
                    return nil
                }
                quotedField.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<quote]))
                i = quote + 1
                if i < n, bytes[i] == 0x22 {
                    quotedField.append(0x22)
                    i += 1
                    continue
                }
                // The closing quote: only blanks may stand before the separator or the line end.
                while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                let decoded = quotedField.withUnsafeBytes { LogText.decode($0) }
                fields.append(decoded.text)
                recordInvalidUTF8 += decoded.invalid
                quotedField.removeAll(keepingCapacity: true)
                inQuotes = false
                if i == n { return completeRecord() }
                guard bytes[i] == 0x2C else { return malformed(Reason.textAfterClosingQuote, current: bytes) }
                i += 1
                if i == n {
                    fields.append("")
                    return completeRecord()
                }
                continue
            }

            // At the start of a field. Blanks before an opening quote do not count.
            var j = i
            while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j < n, bytes[j] == 0x22 {
                i = j + 1
                inQuotes = true
                continue
            }
            // An unquoted field runs to the next comma; a quote inside it breaks RFC 4180.
            var end = i
            while end < n, bytes[end] != 0x2C {
                if bytes[end] == 0x22 { return malformed(Reason.quoteInUnquotedField, current: bytes) }
                end += 1
            }
            let decoded = LogText.decode(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
            fields.append(decoded.text)
            recordInvalidUTF8 += decoded.invalid
            if end == n { return completeRecord() }
            i = end + 1
            if i == n {
                fields.append("")
                return completeRecord()
            }
        }
    }

    private func indexOfQuote(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let hit = memchr(base + start, 0x22, bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// Keeps a line of an open record for a possible `.malformed` report, up to twice the report
    /// limit: masking then sees whole card numbers before the text is cut to the limit.
    private mutating func keepForReport(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.rejectTextLimit * 2 - recordText.count
        guard room > 0 else { return }
        recordText.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<min(room, bytes.count)]))
    }

    private func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b != 0x20 && b != 0x09 { return false }
        return true
    }

    private mutating func completeRecord() -> CSVRecordResult {
        let result = CSVRecordResult.record(fields: fields, line: recordLine, invalidUTF8: recordInvalidUTF8)
        reset()
        return result
    }

    private mutating func malformed(_ reason: String, current: UnsafeRawBufferPointer) -> CSVRecordResult {
        keepForReport(current)
        if recordText.last == 0x0A { recordText.removeLast() }
        // `recordBytes` counts the whole record, lines and breaks; `recordText` may hold only its start.
        let notKept = max(0, recordBytes - recordText.count)
        let text = CardNumbers.mask(recordText.withUnsafeBytes { LogText.decode($0).text }).text
        let result = CSVRecordResult.malformed(reason: reason, line: recordLine, text: Self.reportText(text, notKept: notKept))
        reset()
        return result
    }

    /// `text` cut to `rejectTextLimit` bytes on a character boundary, as `LogText.shorten` cuts,
    /// with the `notKept` bytes that never reached `text` counted in what was cut.
    private static func reportText(_ text: String, notKept: Int) -> String {
        guard notKept > 0 else { return LogText.shorten(text, limit: rejectTextLimit) }
        let utf8 = text.utf8
        var end = text.startIndex
        while end < text.endIndex {
            let next = text.index(after: end)
            if utf8.distance(from: utf8.startIndex, to: next) > rejectTextLimit { break }
            end = next
        }
        let cut = utf8.count - utf8.distance(from: utf8.startIndex, to: end) + notKept
        // Cut inside digits, or at the end of what was kept where a run may go on unseen: the
        // digits before the cut become `*`, as `LogText.shorten` does.
        let insideDigits = end == text.endIndex || LogText.isDigit(utf8[end])
        return LogText.head(of: text, upTo: end, insideDigits: insideDigits) + "…[\(cut) more bytes]"
    }

    private mutating func reset() {
        fields.removeAll(keepingCapacity: true)
        quotedField.removeAll(keepingCapacity: true)
        recordText.removeAll(keepingCapacity: true)
        inQuotedField = false
        recordBytes = 0
        recordInvalidUTF8 = 0
    }
}
