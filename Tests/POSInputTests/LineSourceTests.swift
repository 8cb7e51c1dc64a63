import Foundation
import POSInput
import Testing

/// Reads every line of a fixture and returns the lines as text plus how the stream ended.
private func readAll(_ path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) throws -> (lines: [String], end: SourceEnd, events: [String], source: LineSource) {
    let source = try LineSource(path: path, chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    var lines: [String] = []
    var events: [String] = []
    let end = try source.forEachLine { item in
        switch item {
        case .line(let bytes, let number):
            lines.append(String(decoding: bytes, as: UTF8.self))
            #expect(number == lines.count + events.count)
        case .overlong(let prefix, let number, let length):
            events.append("overlong \(number) \(length) \(prefix.count)")
        case .incomplete(let bytes, let number):
            events.append("incomplete \(number) \(bytes.count)")
        }
    }
    return (lines, end, events, source)
}

private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

private func shellSHA256(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return String(out.prefix(64))
}

@Suite("Line source: plain and gzip streams")
struct LineSourceTests {
    static let expected: [String] = {
        let text = try! String(contentsOfFile: fixture("lines.log"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }()

    @Test(
        "every gzip writer's output reads back line for line",
        arguments: [
            ("lines.log", Compression.none), ("lines.gzip.log.gz", .gzip), ("lines.pigz.log.gz", .gzip),
            ("lines.pigz-independent.log.gz", .gzip), ("lines.bgzip.log.gz", .gzip),
            ("lines.concatenated.log.gz", .gzip),
        ]
    )
    func readsWholeFile(name: String, compression: Compression) throws {
        let (lines, end, events, source) = try readAll(fixture(name))
        #expect(lines == Self.expected)
        #expect(events.isEmpty)
        #expect(end.truncation == nil)
        #expect(end.lines == 3000)
        #expect(source.compression == compression)
        #expect(try source.sha256() == shellSHA256(fixture(name)))
    }

    @Test("small buffers give the same lines (lines straddle every chunk boundary)")
    func smallChunks() throws {
        let (lines, end, _, _) = try readAll(fixture("lines.bgzip.log.gz"), maxLineBytes: 4096, chunkSize: 1000)
        #expect(lines == Self.expected)
        #expect(end.truncation == nil)
    }

    @Test("a gzip file cut short keeps every complete line before the cut and says why")
    func truncated() throws {
        let (lines, end, events, source) = try readAll(fixture("lines.truncated.log.gz"))
        #expect(end.truncation == "gzip stream ends early (unexpected end of file)")
        #expect(lines.count >= 1900)
        #expect(lines == Array(Self.expected.prefix(lines.count)))
        // The partial last line is handed out as incomplete, not dropped.
        #expect(events.count == 1 && events[0].hasPrefix("incomplete \(lines.count + 1) "))
        #expect(try source.sha256() == shellSHA256(fixture("lines.truncated.log.gz")))
    }

    @Test("corrupt gzip data stops with the reason, keeping the lines before it")
    func corrupt() throws {
        let (lines, end, _, _) = try readAll(fixture("lines.corrupt.log.gz"))
        let reason = try #require(end.truncation)
        #expect(reason.hasPrefix("corrupt gzip data near byte "))
        // The bytes before the damaged spot are intact.
        #expect(lines.count > 1000)
        #expect(Array(lines.prefix(1000)) == Array(Self.expected.prefix(1000)))
    }

    @Test("CRLF line ends are removed and a last line without a newline is complete")
    func crlf() throws {
        let (lines, end, events, _) = try readAll(fixture("crlf-no-final-newline.log"))
        #expect(lines == ["ts=2026-11-20T08:00:00Z tid=1 ev=boot", "ts=2026-11-20T08:00:01Z tid=1 ev=net state=up", "last line without newline"])
        #expect(events.isEmpty)
        #expect(end.truncation == nil)
    }

    @Test("a line over the limit is reported with its full length and the rest of the file goes on")
    func overlong() throws {
        let path = NSTemporaryDirectory() + "posrca-overlong-\(getpid()).log"
        let long = String(repeating: "x", count: 300_000)
        try "first\n\(long)\nthird\n\(long)".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let (lines, _, events, _) = try readAll(path, maxLineBytes: 100_000, chunkSize: 65536)
        #expect(lines == ["first", "third"])
        #expect(events == ["overlong 2 300000 4096", "overlong 4 300000 4096"])
    }

    @Test("an empty file has no lines")
    func empty() throws {
        let path = NSTemporaryDirectory() + "posrca-empty-\(getpid()).log"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { unlink(path) }
        let (lines, end, events, source) = try readAll(path)
        #expect(lines.isEmpty && events.isEmpty && end.lines == 0 && end.truncation == nil)
        #expect(try source.sha256() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("head() shows the decoded start without consuming it")
    func head() throws {
        let source = try LineSource(path: fixture("lines.bgzip.log.gz"))
        let head = try source.head(limit: 10)
        #expect(String(decoding: head, as: UTF8.self) == "ts=2026-11")
        var count = 0
        _ = try source.forEachLine { if case .line = $0 { count += 1 } }
        #expect(count == 3000)
    }

    @Test("a missing file and a folder are errors naming the path")
    func openErrors() {
        #expect(throws: InputError.self) { try LineSource(path: "/nonexistent/posrca.log") }
        #expect(throws: InputError.self) { try LineSource(path: "/tmp") }
    }
}

@Suite("Input discovery")
struct InputDiscoveryTests {
    @Test("folders are walked recursively in name order, dotfiles and loops skipped")
    func walk() throws {
        let root = NSTemporaryDirectory() + "posrca-walk-\(getpid())"
        let fm = FileManager.default
        try? fm.removeItem(atPath: root)
        try fm.createDirectory(atPath: root + "/b/inner", withIntermediateDirectories: true)
        try "1".write(toFile: root + "/a.log", atomically: true, encoding: .utf8)
        try "2".write(toFile: root + "/b/inner/c.log", atomically: true, encoding: .utf8)
        try "3".write(toFile: root + "/.hidden", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/b/inner/loop", withDestinationPath: root + "/b")
        try fm.createSymbolicLink(atPath: root + "/z-link.log", withDestinationPath: root + "/a.log")
        defer { try? fm.removeItem(atPath: root) }
        let (files, problems) = InputDiscovery.files(in: [root])
        #expect(files.map(\.path) == [root + "/a.log", root + "/b/inner/c.log"])
        #expect(problems.map(\.path) == [root + "/b/inner/loop"])
        #expect(problems.first?.reason.contains("loop") == true)
        let missing = InputDiscovery.files(in: [root + "/nope"])
        #expect(missing.files.isEmpty && missing.problems.count == 1)
    }
}
