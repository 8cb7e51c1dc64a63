// libFuzzer target: the plain and gzip line source (POSInput `LineSource`).
//
// The input is written to an unlinked file in /dev/shm (read back through /proc/self/fd, so
// nothing is left behind) and read several times with different buffer sizes:
//
// - a reference reading: 4 KiB chunks, lines up to 1 MiB (whole for any input of max_len);
// - a small-buffer reading: 61-byte chunks, 100-byte lines, with `head(limit: 150)` first, so
//   that every boundary case of the buffer (a line end, a CR, a gzip member end at a refill) is
//   met on short inputs;
// - the ingest's reading: 4 KiB chunks, 1 KiB lines, `head()` first as `InputKind.sniff` needs;
// - `sha256()` alone on a fresh source.
//
// All with `maxInflateRatio: 200`. Besides not crashing or hanging, the readings must agree:
// the same lines (a line may be overlong in one and whole in another only when it is long
// enough, and then with its full length and a true prefix), the same numbering, truncation
// and decoded size; a plain input reads back exactly as the lines in it; `head` is the start
// of the stream; and the hash covers every raw byte once, in order (the fuzz build's Crypto
// stand-in hashes with FNV-1a, which is recomputed here).

import Glibc
import POSInput

/// The scratch file: created once per process, unlinked at once, reopened by path per reading.
private let scratch: (fd: Int32, path: String) = {
    for directory in ["/dev/shm", "/tmp"] {
        var template = Array("\(directory)/posrca-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { continue }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return (fd, "/proc/self/fd/\(fd)")
    }
    report("cannot create a scratch file\n")
    abort()
}()

private enum Item: Equatable {
    case line([UInt8], number: Int)
    case overlong(prefix: [UInt8], number: Int, length: Int)
    case incomplete([UInt8], number: Int)

    var number: Int {
        switch self {
        case .line(_, let n), .overlong(_, let n, _), .incomplete(_, let n): n
        }
    }
}

private struct Reading {
    var items: [Item] = []
    var head: [UInt8]?
    var truncation: String?
    var lines = 0
    var decodedBytes: Int64 = 0
    var compression = Compression.none
    var digest = ""
    var rawBytesRead: Int64 = 0
}

private func read(chunkSize: Int, maxLineBytes: Int, headLimit: Int?) -> Reading {
    var reading = Reading()
    do {
        let source = try LineSource(path: scratch.path, chunkSize: chunkSize, maxLineBytes: maxLineBytes, maxInflateRatio: 200)
        if let headLimit {
            reading.head = Array(headLimit == 0 ? try source.head() : try source.head(limit: headLimit))
        }
        let end = try source.forEachLine { item in
            switch item {
            case .line(let bytes, let number): reading.items.append(.line(Array(bytes), number: number))
            case .overlong(let prefix, let number, let length): reading.items.append(.overlong(prefix: Array(prefix), number: number, length: length))
            case .incomplete(let bytes, let number): reading.items.append(.incomplete(Array(bytes), number: number))
            }
        }
        reading.truncation = end.truncation?.description
        reading.lines = end.lines
        reading.decodedBytes = end.decodedBytes
        reading.compression = source.compression
        reading.digest = try source.sha256()
        reading.rawBytesRead = source.rawBytesRead
    } catch {
        // Inputs of max_len cannot reach the 64 MiB inflate floor, and the file is there.
        require(false, "LineSource threw: \(error)")
    }
    return reading
}

/// The hex digest the Crypto stand-in gives for `bytes`.
private func expectedDigest(_ bytes: UnsafeRawBufferPointer) -> String {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    for _ in 0..<32 {
        let byte = UInt8(truncatingIfNeeded: state)
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0xF)])
        state = (state >> 8) | (state << 56)
    }
    return String(decoding: hex, as: UTF8.self)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineSource(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    require(ftruncate(scratch.fd, 0) == 0, "ftruncate failed")
    var written = 0
    while written < size {
        let n = pwrite(scratch.fd, data + written, size - written, off_t(written))
        require(n > 0, "pwrite failed")
        written += n
    }

    let reference = read(chunkSize: 4096, maxLineBytes: 1 << 20, headLimit: nil)
    let small = read(chunkSize: 61, maxLineBytes: 100, headLimit: 150)
    let ingest = read(chunkSize: 4096, maxLineBytes: 1024, headLimit: 0)

    let digest = expectedDigest(input)
    for reading in [reference, small, ingest] {
        require(reading.digest == digest, "digest \(reading.digest), expected \(digest)")
        require(reading.rawBytesRead == Int64(size), "read \(reading.rawBytesRead) raw bytes of \(size)")
        require(reading.lines == reading.items.count, "end says \(reading.lines) lines, \(reading.items.count) handed out")
        for (index, item) in reading.items.enumerated() {
            require(item.number == index + 1, "item \(index) numbered \(item.number)")
        }
        for (index, item) in reading.items.enumerated() {
            if case .incomplete = item {
                require(index == reading.items.count - 1 && reading.truncation != nil, "incomplete line \(index + 1) not last of a truncated stream")
            }
        }
    }
    do {
        let source = try LineSource(path: scratch.path, chunkSize: 61, maxLineBytes: 100, maxInflateRatio: 200)
        let alone = try source.sha256()
        require(alone == digest, "sha256() alone \(alone), expected \(digest)")
    } catch {
        require(false, "LineSource threw: \(error)")
    }

    let isGzip = size >= 2 && input[0] == 0x1F && input[1] == 0x8B
    require(reference.compression == (isGzip ? .gzip : .none), "compression \(reference.compression) for gzip=\(isGzip)")
    if !isGzip {
        // A plain file reads back as its lines: LF-split, one CR before the LF dropped.
        var expected: [Item] = []
        forEachLine(input) { line, number in expected.append(.line(Array(line), number: number)) }
        require(reference.items == expected, "plain file read back differently")
        require(reference.truncation == nil, "plain file truncated: \(reference.truncation ?? "")")
        require(reference.decodedBytes == Int64(size), "plain file decoded to \(reference.decodedBytes) bytes of \(size)")
        if let head = small.head {
            require(head == Array(input.prefix(head.count)), "head is not the start of the file")
            require(head.count == min(150, size), "head of \(head.count) bytes")
        }
    }
    compare(reference, small, maxLineBytes: 100)
    compare(reference, ingest, maxLineBytes: 1024)
    if let smallHead = small.head, let ingestHead = ingest.head {
        require(Array(ingestHead.prefix(smallHead.count)) == smallHead, "heads disagree")
        // The ingest's buffer is 4096 + 4096 bytes: head() gives what it holds, at most.
        require(Int64(ingestHead.count) == min(reference.decodedBytes, 8192), "head() of \(ingestHead.count) bytes")
    }
    return 0
}

/// Checks that `other`, read with `maxLineBytes`, hands out what `reference` did.
private func compare(_ reference: Reading, _ other: Reading, maxLineBytes: Int) {
    require(reference.compression == other.compression, "compression differs")
    require(reference.decodedBytes == other.decodedBytes, "decoded \(reference.decodedBytes) vs \(other.decodedBytes) bytes")
    require((reference.truncation == nil) == (other.truncation == nil), "truncation \(reference.truncation ?? "nil") vs \(other.truncation ?? "nil")")
    require(reference.items.count == other.items.count, "\(reference.items.count) vs \(other.items.count) lines")
    for (r, o) in zip(reference.items, other.items) {
        switch (r, o) {
        case (.line(let a, _), .line(let b, _)), (.incomplete(let a, _), .incomplete(let b, _)):
            require(a == b, "line \(r.number) differs")
        case (.line(let a, _), .overlong(let prefix, _, let length)), (.incomplete(let a, _), .overlong(let prefix, _, let length)):
            // Overlong only when long enough (the CR dropped from `a` counts), with the full length.
            require(a.count + 1 >= maxLineBytes, "line \(r.number) of \(a.count) bytes called overlong at \(maxLineBytes)")
            require(length == a.count || length == a.count + 1, "line \(r.number) of \(a.count) bytes said to be \(length)")
            require(prefix.count >= min(maxLineBytes, 4096) && prefix.count <= min(length, 4096), "prefix of \(prefix.count) bytes")
            let full = a + [0x0D]
            require(Array(full.prefix(prefix.count)) == prefix, "overlong prefix of line \(r.number) is not its start")
        case (.overlong(let a, _, let lengthA), .overlong(let b, _, let lengthB)):
            require(lengthA == lengthB, "overlong line \(r.number): \(lengthA) vs \(lengthB) bytes")
            let common = min(a.count, b.count)
            require(a.prefix(common) == b.prefix(common), "overlong prefixes of line \(r.number) differ")
        default:
            require(false, "line \(r.number): \(r) vs \(o)")
        }
    }
}
