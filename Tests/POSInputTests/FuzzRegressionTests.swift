import Dispatch
import Foundation
import POSInput
import Testing

// What the `line-source` libFuzzer target (Fuzz/line-source.swift) found in `LineSource`, each kept
// as a test, and a short replay of its corpus (Fixtures/fuzz/line-source/: the entries that
// reached the most code) through the check the harness makes: the same lines whatever the
// buffer sizes.

/// One unit handed out by a line source, copied out of its buffer.
private enum Unit: Equatable, CustomStringConvertible {
    case line([UInt8])
    case overlong(prefix: Int, length: Int)
    case incomplete([UInt8])

    var description: String {
        switch self {
        case .line(let bytes): "line(\(String(decoding: bytes, as: UTF8.self).debugDescription))"
        case .overlong(let prefix, let length): "overlong(\(prefix), \(length))"
        case .incomplete(let bytes): "incomplete(\(String(decoding: bytes, as: UTF8.self).debugDescription))"
        }
    }
}

/// What the head thread saw, handed to the test's thread.
/// Unchecked: `head` and `lines` are read and written only while holding `lock`.
private final class HeadOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var head: [UInt8] = []
    private var lines = 0

    func set(head: [UInt8], lines: Int) {
        lock.lock()
        defer { lock.unlock() }
        (self.head, self.lines) = (head, lines)
    }

    func get() -> ([UInt8], Int) {
        lock.lock()
        defer { lock.unlock() }
        return (head, lines)
    }
}

private struct Reading: Equatable, CustomStringConvertible {
    var units: [Unit] = []
    var truncation: SourceTruncation?
    var decodedBytes: Int64 = 0

    /// Short, since a failing comparison prints it: counts and the last unit.
    var description: String {
        "\(units.count) units, last \(units.last.map { "\($0)" } ?? "none"), \(decodedBytes) bytes, truncation \(truncation.map { "\($0)" } ?? "none")"
    }
}

private func read(_ path: String, chunkSize: Int, maxLineBytes: Int = 1 << 20) throws -> Reading {
    let source = try LineSource(path: path, chunkSize: chunkSize, maxLineBytes: maxLineBytes, maxInflateRatio: 200)
    var reading = Reading()
    let end = try source.forEachLine { item in
        switch item {
        case .line(let bytes, _): reading.units.append(.line(Array(bytes)))
        case .overlong(let prefix, _, let length): reading.units.append(.overlong(prefix: prefix.count, length: length))
        case .incomplete(let bytes, _): reading.units.append(.incomplete(Array(bytes)))
        }
    }
    reading.truncation = end.truncation
    reading.decodedBytes = end.decodedBytes
    return reading
}

private func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

/// Writes `bytes` to a fresh temporary file and returns its path; the caller removes it.
private func temporaryFile(_ bytes: [UInt8], _ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "posrca-fuzz-\(getpid())-\(name)"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("Fuzz findings: line source")
struct LineSourceFuzzRegressionTests {
    /// `head()` asks for 64 KiB by default; with buffers smaller than that and a longer file it
    /// looped forever (the full buffer had no room to decode into). It now stops at what the
    /// buffer holds: `max(chunkSize, maxLineBytes) + chunkSize` bytes. Run on a thread of its own
    /// with a deadline, so that the old behaviour fails the test instead of hanging the run.
    @Test func headStopsAtTheBuffersSize() throws {
        let text = (1...100).map { "line \($0) of a file longer than the line source's buffer" }.joined(separator: "\n") + "\n"
        let path = try temporaryFile(Array(text.utf8), "head.log")
        defer { unlink(path) }
        let outcome = HeadOutcome()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            guard let source = try? LineSource(path: path, chunkSize: 64, maxLineBytes: 100),
                let head = try? Array(source.head())
            else { return }
            var lines = 0
            _ = try? source.forEachLine { if case .line = $0 { lines += 1 } }
            outcome.set(head: head, lines: lines)
        }
        try #require(done.wait(timeout: .now() + 10) == .success, "head() did not return within 10 seconds")
        let (head, lines) = outcome.get()
        #expect(head == Array(text.utf8.prefix(164)))
        // Nothing was consumed: every line still comes out.
        #expect(lines == 100)
    }

    /// The minimised input: a bgzip member cut short. When the output buffer filled while zlib
    /// still held decoded bytes (the rest of a match) and the file had ended, the stream was
    /// called cut without letting zlib hand those bytes over: 61 of 62 bytes came out with a
    /// 61-byte buffer. Python's zlib decodes the same input to these 62 bytes.
    @Test(arguments: [61, 64, 4096])
    func truncatedGzipKeepsWhatZlibStillHeld(chunkSize: Int) throws {
        let bytes: [UInt8] = [
            0x1F, 0x8B, 0x08, 0x04, 0x00, 0xFF, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x2C, 0x03, 0x8D, 0xD8,
            0xCB, 0x6A, 0x5D, 0x39, 0x10, 0x85, 0xE1, 0x79, 0x9E, 0x62, 0x8F, 0xBB, 0x49, 0xB1, 0xEA, 0xA2,
            0x5B, 0x60, 0xBF, 0x45, 0xCF, 0x9B, 0xD3, 0xB6, 0x21, 0x86, 0xC4, 0x7D, 0xB0, 0x77, 0x42, 0xF2,
            0xF6, 0x81, 0x33, 0xAD, 0xA2, 0x54, 0x9A, 0x09, 0x81, 0xF8, 0x46, 0xFA, 0x25, 0x5D, 0xA7, 0x40,
            0xFA, 0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x71, 0x00, 0x00, 0x6D, 0xE6, 0x00,
        ]
        let path = try temporaryFile(bytes, "held-\(chunkSize).gz")
        defer { unlink(path) }
        let reading = try read(path, chunkSize: chunkSize, maxLineBytes: 100)
        #expect(reading.units == [.incomplete(Array("t=2026-000000000000000s 0000.000000000s 0000.000000000s 000000".utf8))])
        #expect(reading.decodedBytes == 62)
        #expect(reading.truncation == .gzipEndsEarly)
    }

    /// gzip of "first\n" and of "second\n" (Python, mtime 0).
    static let first: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4B, 0xCB, 0x2C, 0x2A, 0x2E, 0xE1,
        0x02, 0x00, 0x2A, 0xB3, 0x4A, 0xC7, 0x06, 0x00, 0x00, 0x00,
    ]
    static let second: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x2B, 0x4E, 0x4D, 0xCE, 0xCF, 0x4B,
        0xE1, 0x02, 0x00, 0x7E, 0xC0, 0x0F, 0x06, 0x07, 0x00, 0x00, 0x00,
    ]

    /// Zero padding between two members was skipped when a buffer ended inside it, and taken for
    /// "data that is not gzip" when the buffer also held the next member's start: what a file
    /// read as depended on the chunk size. Padding is now skipped whole, then decided on.
    @Test(arguments: [61, 64, 4096])
    func zeroPaddingBetweenMembers(chunkSize: Int) throws {
        let path = try temporaryFile(Self.first + [UInt8](repeating: 0, count: 100) + Self.second, "padded-\(chunkSize).gz")
        defer { unlink(path) }
        let reading = try read(path, chunkSize: chunkSize)
        #expect(reading.units == [.line(Array("first".utf8)), .line(Array("second".utf8))])
        #expect(reading.truncation == nil)
        #expect(reading.decodedBytes == 13)
    }

    @Test(arguments: [61, 4096])
    func zeroPaddingThenGarbage(chunkSize: Int) throws {
        let path = try temporaryFile(Self.first + [UInt8](repeating: 0, count: 100) + Array("not gzip\n".utf8), "garbage-\(chunkSize).gz")
        defer { unlink(path) }
        let reading = try read(path, chunkSize: chunkSize)
        #expect(reading.units == [.line(Array("first".utf8))])
        // 26 bytes of member and 100 of padding before it.
        #expect(reading.truncation == .notGzipAfterMember(atByte: 126))
        #expect(reading.truncation?.description == "data that is not gzip after a gzip member, at byte 126")
    }

    @Test(arguments: [61, 4096])
    func zeroPaddingAtTheEnd(chunkSize: Int) throws {
        let path = try temporaryFile(Self.first + [UInt8](repeating: 0, count: 1000), "trailing-\(chunkSize).gz")
        defer { unlink(path) }
        let reading = try read(path, chunkSize: chunkSize)
        #expect(reading.units == [.line(Array("first".utf8))])
        #expect(reading.truncation == nil)
    }

    /// The minimised input: an empty member (with an empty file name), zero padding, then a
    /// member cut short. Python's zlib decodes that second member's start to "M".
    @Test(arguments: [61, 4096])
    func paddedEmptyMemberThenCutMember(chunkSize: Int) throws {
        let bytes: [UInt8] =
            [0x1F, 0x8B, 0x08, 0x08, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00]
            + [UInt8](repeating: 0, count: 45)
            + [0x1F, 0x8B, 0x08, 0x00, 0xB5, 0x00, 0xB5, 0x1C, 0xFF, 0xFD, 0xF3, 0xB5]
        let path = try temporaryFile(bytes, "empty-member-\(chunkSize).gz")
        defer { unlink(path) }
        let reading = try read(path, chunkSize: chunkSize, maxLineBytes: 100)
        #expect(reading.units == [.incomplete(Array("M".utf8))])
        #expect(reading.truncation == .gzipEndsEarly)
    }

    /// The same finding on real text: a gzip log cut anywhere reads the same with any buffer.
    @Test func truncatedGzipReadsTheSameWithAnyBuffer() throws {
        let whole = Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath("lines.gzip.log.gz"))))
        for cut in stride(from: 1_000, to: whole.count - 8, by: 1_291) {
            let path = try temporaryFile(Array(whole.prefix(cut)), "cut-\(cut).gz")
            defer { unlink(path) }
            let reference = try read(path, chunkSize: 1 << 20)
            #expect(reference.truncation == .gzipEndsEarly)
            for chunkSize in [61, 64, 1000] {
                let reading = try read(path, chunkSize: chunkSize)
                #expect(reading.units.count == reference.units.count, "cut at \(cut), \(chunkSize)-byte chunks")
                #expect(reading.units.last == reference.units.last, "cut at \(cut), \(chunkSize)-byte chunks")
                #expect(reading.decodedBytes == reference.decodedBytes, "cut at \(cut), \(chunkSize)-byte chunks")
                #expect(reading == reference, "cut at \(cut), \(chunkSize)-byte chunks: the lines differ")
            }
        }
    }
}

@Suite("Fuzz corpus replay: line source")
struct LineSourceFuzzCorpusTests {
    static let entries: [String] = {
        let folder = fixturePath("fuzz/line-source")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
    }()

    @Test func corpusIsThere() {
        #expect(Self.entries.count >= 3)
    }

    /// Small buffers (61-byte chunks, 100-byte lines) give the lines of a large one, a line being
    /// overlong only when it is long enough and then with its full length.
    @Test(arguments: entries)
    func smallBuffersGiveTheSameLines(path: String) throws {
        let reference = try read(path, chunkSize: 4096)
        let small = try read(path, chunkSize: 61, maxLineBytes: 100)
        #expect(small.decodedBytes == reference.decodedBytes)
        #expect((small.truncation == nil) == (reference.truncation == nil))
        #expect(small.units.count == reference.units.count)
        for (a, b) in zip(reference.units, small.units) where a != b {
            switch (a, b) {
            case (.line(let line), .overlong(let prefix, let length)), (.incomplete(let line), .overlong(let prefix, let length)):
                let bytes = line.count
                #expect(bytes + 1 >= 100 && (length == bytes || length == bytes + 1) && prefix >= 100)
            default:
                Issue.record("\(path): \(a) vs \(b)")
            }
        }
    }
}
