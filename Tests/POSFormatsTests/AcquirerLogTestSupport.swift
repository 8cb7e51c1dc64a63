import Foundation
import POSFormats

/// What scanning a whole input gave.
struct Scan {
    var entries: [AcquirerLogEntry] = []
    var statistics = AcquirerLogStatistics()
    /// For each entry, the line being consumed when it was emitted (0 for `finish`).
    var emittedAt: [Int] = []

    var messages: [AcquirerMessage] {
        entries.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }
    var linkEvents: [AcquirerLinkEvent] {
        entries.compactMap { if case .linkEvent(let e) = $0 { e } else { nil } }
    }
    var rejections: [Rejection] {
        entries.compactMap { if case .rejected(let r) = $0 { r } else { nil } }
    }
    /// Everything emitted, as text, to look for data that must never be kept.
    var allText: String { entries.map { "\($0)" }.joined(separator: "\n") }
}

/// Feeds `bytes` line by line as the line reader does: LF ends a line, a CR before it is dropped,
/// a final LF adds no empty line.
func scan(_ bytes: [UInt8], offset: Int = 480, maxElementBytes: Int = 4 << 20, maxDepth: Int = 64) -> Scan {
    scan(bytes, with: AcquirerLogScanner(defaultOffsetMinutes: offset, maxElementBytes: maxElementBytes, maxDepth: maxDepth))
}

/// Feeds `text` to a scanner whose times without a zone take `defaultZone` (`--acquirer-tz`).
func scan(_ text: String, defaultZone: JVMTimeZone) -> Scan {
    scan(Array(text.utf8), with: AcquirerLogScanner(defaultZone: defaultZone))
}

func scan(_ bytes: [UInt8], with scanner: AcquirerLogScanner) -> Scan {
    var scanner = scanner
    var result = Scan()
    var number = 0
    bytes.withUnsafeBytes { raw in
        var start = 0
        while start < raw.count {
            var end = start
            while end < raw.count, raw[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start, raw[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            number += 1
            let line = UnsafeRawBufferPointer(rebasing: raw[start..<lineEnd])
            scanner.consume(line: line, number: number) { entry in
                result.entries.append(entry)
                result.emittedAt.append(number)
            }
            start = end + 1
        }
    }
    scanner.finish { entry in
        result.entries.append(entry)
        result.emittedAt.append(0)
    }
    result.statistics = scanner.statistics
    return result
}

func scan(_ text: String, offset: Int = 480, maxElementBytes: Int = 4 << 20, maxDepth: Int = 64) -> Scan {
    scan(Array(text.utf8), offset: offset, maxElementBytes: maxElementBytes, maxDepth: maxDepth)
}

func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/jpos-lagotto").appendingPathComponent(name)
    return Array(try Data(contentsOf: url))
}

/// A `<log>` start tag with a valid header.
func logStart(_ realm: String = "cup-channel/10.1.2.3:5000", at: String = "2026-11-20T08:16:00.210") -> String {
    "<log realm=\"\(realm)\" at=\"\(at)\">"
}
