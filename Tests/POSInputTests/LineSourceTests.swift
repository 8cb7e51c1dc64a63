import Foundation
import POSInput
import Testing

/// Reads every line of a fixture and returns the lines as text plus how the stream ended.
private func readAll(_ path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) throws -> (
    lines: [String], end: SourceEnd, events: [String], source: LineSource
) {
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
        #expect(end.truncation == .gzipEndsEarly)
        #expect(end.truncation?.description == "gzip stream ends early (unexpected end of file)")
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
        guard case .corruptGzip(let offset, let message) = reason else {
            Issue.record("not corrupt gzip data: \(reason)")
            return
        }
        #expect(reason.description == "corrupt gzip data near byte \(offset): \(message)")
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
        #expect(throws: InputError(path: "/nonexistent/posrca.log", reason: .system(errno: ENOENT))) {
            try LineSource(path: "/nonexistent/posrca.log")
        }
        #expect(throws: InputError(path: "/tmp", reason: .notRegularFile)) { try LineSource(path: "/tmp") }
    }

    @Test("input errors read as they are stored: the path, then the reason")
    func inputErrorTexts() {
        #expect(InputError(path: "/in/a.log", reason: .system(errno: ENOENT)).description == "/in/a.log: No such file or directory")
        #expect(InputError(path: "/in", reason: .notRegularFile).description == "/in: not a regular file")
        #expect(InputError(path: "a", reason: .readFailed(errno: EIO)).description == "a: read failed: Input/output error")
        #expect(InputError(path: "a", reason: .zlibCouldNotStart(status: -4)).description == "a: zlib could not start (-4)")
        #expect(
            InputError(path: "a.gz", reason: .inflateRatioExceeded(ratio: 200, decodedBytes: 70_000_000, rawBytes: 100_000)).description
                == "a.gz: decompresses to more than 200 times its size (70000000 bytes from 100000): "
                + "stopped as a likely gzip bomb; raise --max-inflate-ratio if the file is genuine"
        )
        #expect(InputError.Reason.folderLoop.description == "folder loop through a symbolic link: skipped")
        #expect(
            SourceTruncation.corruptGzip(nearByte: 10, message: "invalid block type").description
                == "corrupt gzip data near byte 10: invalid block type")
    }
}

/// SHA-256 of the first `count` bytes of the file at `path`, by the system's tools.
private func shellPrefixSHA256(_ path: String, _ count: Int) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "head -c \(count) '\(path)' | sha256sum"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    return String(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
}

@Suite("Line source: the content's hash, at chosen offsets, and reading on from an offset")
struct LineSourceContentTests {
    @Test(
        "the content hash is the same plain or gzip, and is the plain file's; the raw hash is each file's own",
        arguments: ["lines.gzip.log.gz", "lines.pigz.log.gz", "lines.concatenated.log.gz", "lines.bgzip.log.gz"]
    )
    func contentHash(name: String) throws {
        let plain = try LineSource(path: fixture("lines.log"))
        let gzip = try LineSource(path: fixture(name))
        _ = try gzip.forEachLine { _ in }
        #expect(try gzip.contentSHA256() == shellSHA256(fixture("lines.log")))
        #expect(try gzip.sha256() == shellSHA256(fixture(name)))
        #expect(try plain.contentSHA256() == shellSHA256(fixture("lines.log")))
        #expect(try plain.sha256() == shellSHA256(fixture("lines.log")))
        #expect(gzip.headSHA256 == (try shellPrefixSHA256(fixture("lines.log"), 4096)))
    }

    @Test(
        "digests at chosen offsets, some already in the buffer after head(), match the prefixes, with any chunk size", arguments: [1 << 20, 1000, 61])
    func checkpoints(chunkSize: Int) throws {
        let source = try LineSource(path: fixture("lines.bgzip.log.gz"), chunkSize: chunkSize, maxLineBytes: 4096)
        _ = try source.head(limit: 100)
        let offsets: [Int64] = [0, 1, 99, 4096, 4097, 65_536, 100_003]
        source.hashContent(at: offsets)
        _ = try source.forEachLine { _ in }
        for offset in offsets {
            #expect(source.contentDigest(at: offset) == (try shellPrefixSHA256(fixture("lines.log"), Int(offset))), "at \(offset)")
        }
        #expect(source.contentDigest(at: 10_000_000) == nil)
    }

    @Test("skip(to:linesBefore:) reads on from an offset with the lines numbered on, and still hashes what it skipped")
    func skipThenRead() throws {
        let text = try String(contentsOfFile: fixture("lines.log"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let offset = Int64(lines[0..<1000].reduce(0) { $0 + $1.utf8.count + 1 })
        let source = try LineSource(path: fixture("lines.pigz.log.gz"), chunkSize: 4096)
        #expect(try source.skip(to: offset, linesBefore: 1000))
        var read: [String] = []
        var numbers: [Int] = []
        var offsets: [Int64] = []
        let end = try source.forEachLine {
            if case .line(let bytes, let number) = $0 {
                read.append(String(decoding: bytes, as: UTF8.self))
                numbers.append(number)
                offsets.append(source.lineOffset)
            }
        }
        #expect(read == lines[1000..<3000].map(String.init))
        #expect(numbers.first == 1001 && numbers.last == 3000)
        #expect(offsets.first == offset)
        #expect(end.lines == 3000 && end.completeLines == 3000 && end.completeLinesEnd == end.decodedBytes)
        #expect(try source.contentSHA256() == shellSHA256(fixture("lines.log")))
        // Past the end: false.
        #expect(try LineSource(path: fixture("lines.log")).skip(to: 10_000_000, linesBefore: 0) == false)
    }

    @Test("the last line feed: where it ended, and how many lines it closed, without a final newline")
    func completeLines() throws {
        let source = try LineSource(path: fixture("crlf-no-final-newline.log"))
        let end = try source.forEachLine { _ in }
        let size = Int64(try Data(contentsOf: URL(fileURLWithPath: fixture("crlf-no-final-newline.log"))).count)
        #expect(end.lines == 3 && end.completeLines == 2)
        #expect(end.completeLinesEnd == size - Int64("last line without newline".utf8.count))
    }

    @Test("an expected digest that differs stops the reading at its offset")
    func expectation() throws {
        let source = try LineSource(path: fixture("lines.gzip.log.gz"), chunkSize: 4096)
        try source.expect(sha256: String(repeating: "0", count: 64), at: 50_000)
        var count = 0
        #expect(throws: ContentMismatch.self) { _ = try source.forEachLine { _ in count += 1 } }
        #expect(count < 3000)
        // The reading can still hash the rest.
        #expect(try source.contentSHA256() == shellSHA256(fixture("lines.log")))
        let right = try LineSource(path: fixture("lines.log"))
        try right.expect(sha256: try shellPrefixSHA256(fixture("lines.log"), 50_000), at: 50_000)
        _ = try right.forEachLine { _ in }
    }
}

@Suite("SHA-256 of bytes in memory")
struct SHA256DigestTests {
    @Test func matchesTheFIPSVectors() {
        #expect(SHA256Digest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256Digest.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Digest.hex(of: Array(repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256Digest.digest(Array("abc".utf8)).count == 32)
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
        #expect(problems.first?.reason == .folderLoop)
        #expect(problems.first?.description == root + "/b/inner/loop: folder loop through a symbolic link: skipped")
        let missing = InputDiscovery.files(in: [root + "/nope"])
        #expect(missing.files.isEmpty && missing.problems.count == 1)
        #expect(missing.problems.first?.reason == .system(errno: ENOENT))
    }
}
