// Helpers shared by the fuzz harnesses: the line split the ingest applies, and checks that
// stop the run with a message libFuzzer records next to the input.

import Glibc
import POSFormats

/// Stops the fuzzer on a broken invariant, saying which.
///
/// `abort()` rather than `precondition`: libFuzzer reports SIGABRT as a crash and saves the
/// input, and the message reaches stderr even in an optimised build.
@inline(never)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    report("FUZZ INVARIANT BROKEN (\(file):\(line)): \(message())\n")
    abort()
}

/// Writes `text` to standard error (fd 2: the C `stderr` global is not concurrency-safe in Swift 6).
func report(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Calls `body` for each line of `data` as `LineSource` hands them to the parsers: LF ends a
/// line, one CR right before it is dropped, and a final LF opens no empty line.
func forEachLine(_ data: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
    var start = 0
    var number = 0
    let n = data.count
    while start < n {
        var end = start
        while end < n, data[end] != 0x0A { end += 1 }
        number += 1
        var lineEnd = end
        if lineEnd > start, data[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        body(UnsafeRawBufferPointer(rebasing: data[start..<lineEnd]), number)
        start = end + 1
    }
}

/// How many lines `forEachLine` gives for `data`.
func lineCount(_ data: UnsafeRawBufferPointer) -> Int {
    var count = 0
    forEachLine(data) { _, _ in count += 1 }
    return count
}

/// True when `text` holds a Luhn-valid run of 13–19 digits: a card number that masking missed.
func holdsCardNumber(_ text: String?) -> Bool {
    guard var text else { return false }
    return text.withUTF8 { CardNumbers.containsCardNumber(UnsafeRawBufferPointer($0)) }
}

/// Checks a rejection: its line is one of the input's, it has a reason, and its text is masked.
func checkRejection(_ rejection: Rejection, lines: Int, textLimit: Int) {
    require(rejection.line >= 1 && rejection.line <= max(lines, 1), "reject line \(rejection.line) outside 1...\(lines)")
    require(!rejection.reason.isEmpty, "reject without a reason")
    require(!holdsCardNumber(rejection.text), "card number left in reject text: \(rejection.text)")
    // The limit, plus the "…[N more bytes]" note the shortening adds.
    require(rejection.text.utf8.count <= textLimit + 40, "reject text of \(rejection.text.utf8.count) bytes")
}

/// Checks a parsed time: the offset is a real one.
func checkTime(_ time: LoggedTime) {
    require(time.offsetMinutes > -24 * 60 && time.offsetMinutes < 24 * 60, "offset \(time.offsetMinutes) minutes")
}
