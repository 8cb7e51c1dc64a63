import CZlib
import Crypto
import Glibc

/// A failure to read an input file at all (as opposed to a damaged stream, which is a truncation).
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: Reason

    /// Why a file or a path could not be used. `description` is the text the ledger's `error`
    /// column and the per-file line show.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// A system call on the path failed (`open`, `stat`, `opendir`): the system's message.
        case system(errno: Int32)
        /// Reading the open file failed: `read failed: ` and the system's message.
        case readFailed(errno: Int32)
        /// The path is a folder, a device, a pipe or a socket.
        case notRegularFile
        /// zlib refused to start inflating (its status).
        case zlibCouldNotStart(status: Int32)
        /// The file decompressed to more than `ratio` times the raw bytes read: a likely gzip bomb.
        case inflateRatioExceeded(ratio: Double, decodedBytes: Int64, rawBytes: Int64)
        /// A folder that is its own ancestor through a symbolic link (input discovery).
        case folderLoop

        public var description: String {
            switch self {
            case .system(let code): String(cString: strerror(code))
            case .readFailed(let code): "read failed: \(String(cString: strerror(code)))"
            case .notRegularFile: "not a regular file"
            case .zlibCouldNotStart(let status): "zlib could not start (\(status))"
            case .inflateRatioExceeded(let ratio, let decoded, let raw):
                "decompresses to more than \(Int(ratio)) times its size (\(decoded) bytes from \(raw)): "
                    + "stopped as a likely gzip bomb; raise --max-inflate-ratio if the file is genuine"
            case .folderLoop: "folder loop through a symbolic link: skipped"
            }
        }
    }

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Why a stream stopped before its end: everything before the fault was handed out.
/// `description` is the text stored in the ledger's `error` column.
public enum SourceTruncation: Sendable, Hashable, CustomStringConvertible {
    /// The gzip stream needs more input and the file has none.
    case gzipEndsEarly
    /// Bytes after a gzip member that are neither zero padding nor another member, at that raw offset.
    case notGzipAfterMember(atByte: Int64)
    /// zlib found damaged data near that raw offset; its message.
    case corruptGzip(nearByte: Int64, message: String)

    public var description: String {
        switch self {
        case .gzipEndsEarly: "gzip stream ends early (unexpected end of file)"
        case .notGzipAfterMember(let offset): "data that is not gzip after a gzip member, at byte \(offset)"
        case .corruptGzip(let offset, let message): "corrupt gzip data near byte \(offset): \(message)"
        }
    }
}

/// How the file's bytes were stored.
public enum Compression: String, Sendable {
    case none
    case gzip
}

/// One unit the line source hands out.
public enum SourceLine {
    /// A complete line, without its LF and without a CR right before it.
    case line(UnsafeRawBufferPointer, number: Int)
    /// A line longer than the limit: its start, and its full length. The rest was skipped.
    case overlong(prefix: UnsafeRawBufferPointer, number: Int, length: Int)
    /// The bytes after the last line break when a damaged stream ended: not a complete line.
    case incomplete(UnsafeRawBufferPointer, number: Int)
}

/// How a stream ended.
public struct SourceEnd: Sendable {
    /// Why the stream stopped early (corrupt gzip, unexpected end), or nil when it ended cleanly.
    public var truncation: SourceTruncation?
    /// The number of the last line handed out (lines skipped with `skip(to:linesBefore:)` count).
    public var lines: Int
    /// Bytes after decompression.
    public var decodedBytes: Int64
    /// Lines that ended with a line feed, those skipped included.
    public var completeLines: Int = 0
    /// The decoded offset just after the last line feed read, or where reading began (the skip
    /// target) when none was read after it.
    public var completeLinesEnd: Int64 = 0
}

/// The content did not hash to what the caller expected at an offset (`LineSource.expect`).
public struct ContentMismatch: Error, Sendable {
    /// The decoded offset at which the content's SHA-256 differed.
    public var offset: Int64
}

/// Streams a file's lines, plain or gzip, in a reusable buffer, hashing the bytes as they pass.
///
/// Memory stays at about `chunkSize` plus `maxLineBytes` whatever the file's size. Gzip may have one
/// member or many (pigz, bgzip, concatenated files). A corrupt or cut-short gzip stream does not throw:
/// every complete line before the fault is delivered, the partial one as `.incomplete`, and
/// `SourceEnd.truncation` says why. Only failing to open or read the file throws.
///
/// Two hashes are kept: of the raw file bytes (`sha256()`, what a file on disk is), and of the
/// decoded content (`contentSHA256()`, what the file says, the same plain or gzip). The content
/// hash can also be taken at chosen offsets (`hashContent(at:)`), from a copy of the running
/// state, so that a file can be recognised as beginning with another file's whole content.
public final class LineSource {
    /// The length of the content's head whose hash `headSHA256` gives (less for a shorter file).
    public static let headLength: Int64 = 4096

    public let path: String
    public private(set) var compression: Compression = .none
    /// Raw bytes read so far (for progress).
    public private(set) var rawBytesRead: Int64 = 0
    public let rawSize: Int64
    /// Modification time in nanoseconds since the epoch.
    public let modificationTimeNanoseconds: Int64

    private let fd: Int32
    private let chunkSize: Int
    private let maxLineBytes: Int
    /// Hashes raw bytes while they may differ from the content (gzip, or not yet known); a plain
    /// file's raw hash is its content hash.
    private var rawHasher = SHA256()
    private var hashingRaw = true
    private var rawDigest: String?
    /// Set when the raw bytes were read to the end without decoding: the content is not known.
    private var rawDrainedUndecoded = false
    private var content = ContentHasher()
    /// A content hash the caller expects at an offset: reading throws `ContentMismatch` there if not.
    private var expectation: (offset: Int64, sha256: String)?
    /// Lines before the first one `forEachLine` hands out (set by `skip(to:linesBefore:)`).
    private var linesBefore = 0
    private var completeLines = 0
    private var completeLinesEnd: Int64 = 0
    /// The decoded offset where the line last handed out (`.line` or `.incomplete`) begins.
    public private(set) var lineOffset: Int64 = 0

    private var raw: UnsafeMutableRawBufferPointer
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false

    private var stream = z_stream()
    private var formatDecided = false
    private var inflating = false
    private var inflateReady = false
    private var memberEnded = false
    private var truncation: SourceTruncation?

    /// Decoded bytes: `[0, filled)` hold data, `[consumed, filled)` not yet handed out.
    private var decoded: UnsafeMutableRawBufferPointer
    private var decodedFilled = 0
    private var decodedConsumed = 0
    private var decodedEOF = false
    private var decodedTotal: Int64 = 0

    /// Decoded bytes may be at most this many times the raw bytes read (gzip bombs), checked once
    /// past `inflateCheckFloor` decoded bytes; nil for no limit.
    public let maxInflateRatio: Double?
    /// Decoded bytes below which the ratio is not checked: small, very repetitive logs are fine.
    public static let inflateCheckFloor: Int64 = 64 << 20

    /// Opens `path` for reading. Throws `InputError` when it cannot be opened or is not a regular file.
    public init(path: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 20, maxInflateRatio: Double? = nil) throws {
        self.path = path
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        self.maxInflateRatio = maxInflateRatio
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(path: path, reason: .system(errno: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InputError(path: path, reason: .system(errno: code))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw InputError(path: path, reason: .notRegularFile)
        }
        self.fd = fd
        rawSize = Int64(info.st_size)
        modificationTimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        raw = .allocate(byteCount: chunkSize, alignment: 16)
        decoded = .allocate(byteCount: max(chunkSize, maxLineBytes) + chunkSize, alignment: 16)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        content.checkpoints = [Self.headLength]
    }

    deinit {
        if inflateReady { inflateEnd(&stream) }
        close(fd)
        raw.deallocate()
        decoded.deallocate()
    }

    /// SHA-256 of the raw file bytes, lowercase hex. Reads the rest of the file if lines were not all consumed.
    ///
    /// Called before anything was decoded, it reads the raw bytes only (the quick check that a
    /// file is unchanged), and the content hash is then unavailable.
    public func sha256() throws -> String {
        if let rawDigest { return rawDigest }
        if formatDecided {
            // Decode the rest so that the content hash is whole too; a plain file's raw bytes are its content.
            let contentDigest = try contentSHA256()
            if compression == .none {
                rawDigest = contentDigest
                return contentDigest
            }
        }
        while !rawEOF {
            rawStart = 0
            rawEnd = 0
            try fillRaw()
        }
        if !formatDecided { rawDrainedUndecoded = true }
        let value = SHA256Digest.hexDigits(rawHasher.finalize())
        rawDigest = value
        return value
    }

    /// SHA-256 of the decoded content, lowercase hex: the same for a file and its gzip copy.
    /// Decodes (and hashes) the rest of the content if lines were not all consumed.
    public func contentSHA256() throws -> String {
        precondition(!rawDrainedUndecoded, "contentSHA256() after sha256() read the raw bytes undecoded")
        expectation = nil
        while !decodedEOF {
            decodedConsumed = decodedFilled
            try fillDecoded()
        }
        return content.final()
    }

    /// SHA-256 of the first `headLength` bytes of the content (all of it when shorter); nil until
    /// that much was decoded or the content ended.
    public var headSHA256: String? {
        if let head = content.digests[Self.headLength] { return head }
        return decodedEOF ? content.final() : nil
    }

    /// Asks for the content's SHA-256 at each of `offsets` (decoded bytes from the start), read
    /// from `contentDigest(at:)` once reading has passed them.
    ///
    /// Offsets already hashed are taken from the decoding buffer, which holds the content from its
    /// start until lines are consumed: call this right after `head(limit:)`, before any reading.
    public func hashContent(at offsets: [Int64]) {
        for offset in Set(offsets) where offset >= 0 && content.digests[offset] == nil {
            if offset <= content.offset {
                precondition(
                    decodedTotal == Int64(decodedFilled) && offset <= Int64(decodedFilled),
                    "hashContent(at:) for an offset no longer in the buffer"
                )
                var hasher = SHA256()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: decoded.baseAddress!, count: Int(offset)))
                content.digests[offset] = SHA256Digest.hexDigits(hasher.finalize())
            } else {
                content.checkpoints.append(offset)
            }
        }
        content.checkpoints.sort()
    }

    /// The content's SHA-256 at `offset` (asked for with `hashContent(at:)`), once reached; nil
    /// when not asked for or not reached (the content is shorter).
    public func contentDigest(at offset: Int64) -> String? {
        content.digests[offset]
    }

    /// Makes reading throw `ContentMismatch` as soon as the content hashed up to `offset` is not
    /// `sha256`: a file that was expected to begin with another's content does not, and what was
    /// read of it must be read again another way. No check when the content ends before `offset`.
    public func expect(sha256: String, at offset: Int64) throws {
        hashContent(at: [offset])
        expectation = (offset, sha256)
        try checkExpectation()
    }

    private func checkExpectation() throws {
        guard let (offset, sha256) = expectation, let digest = content.digests[offset] else { return }
        expectation = nil
        if digest != sha256 { throw ContentMismatch(offset: offset) }
    }

    /// Decoded bytes read so far (handed out, skipped or waiting in the buffer).
    public var decodedBytesRead: Int64 { decodedTotal }

    /// Consumes the content up to `offset` without handing out lines (it is still hashed), so that
    /// `forEachLine` goes on from there numbering lines after `linesBefore`. False when the content
    /// ends first. Call it before `forEachLine`.
    public func skip(to offset: Int64, linesBefore: Int) throws -> Bool {
        while true {
            let position = decodedTotal - Int64(decodedFilled - decodedConsumed)
            if position >= offset { break }
            let available = decodedFilled - decodedConsumed
            if available > 0 {
                decodedConsumed += Int(min(Int64(available), offset - position))
                continue
            }
            if decodedEOF { return false }
            try fillDecoded()
        }
        self.linesBefore = linesBefore
        completeLines = linesBefore
        completeLinesEnd = offset
        lineOffset = offset
        return true
    }

    /// The first decoded bytes (up to `limit`), without consuming them: enough to tell the file's kind.
    ///
    /// Never more than the decoding buffer holds (`max(chunkSize, maxLineBytes) + chunkSize`
    /// bytes), whatever `limit` asks: a full buffer has no room to decode into.
    public func head(limit: Int = 64 << 10) throws -> UnsafeRawBufferPointer {
        // Without the cap, a limit past the buffer's size with a longer stream looped forever.
        let limit = min(limit, decoded.count)
        while decodedFilled - decodedConsumed < limit, !decodedEOF {
            let before = decodedFilled
            try fillDecoded()
            if decodedFilled == before, decodedEOF { break }
        }
        let end = min(decodedFilled, decodedConsumed + limit)
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(decoded)[decodedConsumed..<end])
    }

    /// Calls `body` for every line until the end of the stream (or a damaged stream's fault).
    ///
    /// The buffer passed to `body` is valid only during the call.
    public func forEachLine(_ body: (SourceLine) throws -> Void) throws -> SourceEnd {
        var number = linesBefore
        // A line past the limit: its first bytes and length so far, while the rest is skipped.
        var overlong: (prefix: [UInt8], length: Int)?
        while true {
            let base = decoded.baseAddress!
            // The decoded offset of the buffer's first byte.
            let bufferOffset = decodedTotal - Int64(decodedFilled)
            var cursor = decodedConsumed
            var lineFeeds = false
            while cursor < decodedFilled {
                guard let hit = memchr(base + cursor, 0x0A, decodedFilled - cursor) else { break }
                let end = base.distance(to: hit)
                number += 1
                lineFeeds = true
                if let skipped = overlong {
                    overlong = nil
                    try skipped.prefix.withUnsafeBytes {
                        try body(.overlong(prefix: $0, number: number, length: skipped.length + end - cursor))
                    }
                } else {
                    var lineEnd = end
                    if lineEnd > cursor, base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                    lineOffset = bufferOffset + Int64(cursor)
                    try body(.line(UnsafeRawBufferPointer(start: base + cursor, count: lineEnd - cursor), number: number))
                }
                cursor = end + 1
            }
            if lineFeeds {
                completeLines = number
                completeLinesEnd = bufferOffset + Int64(cursor)
            }
            decodedConsumed = cursor
            let partial = decodedFilled - decodedConsumed
            if overlong != nil {
                overlong!.length += partial
                decodedConsumed = decodedFilled
            } else if partial >= maxLineBytes {
                let prefix = Array(UnsafeRawBufferPointer(start: base + decodedConsumed, count: min(partial, 4096)))
                overlong = (prefix, partial)
                decodedConsumed = decodedFilled
            }
            if decodedEOF {
                if let skipped = overlong {
                    number += 1
                    try skipped.prefix.withUnsafeBytes {
                        try body(.overlong(prefix: $0, number: number, length: skipped.length))
                    }
                } else if decodedFilled > decodedConsumed {
                    number += 1
                    var restEnd = decodedFilled
                    if base.load(fromByteOffset: restEnd - 1, as: UInt8.self) == 0x0D { restEnd -= 1 }
                    let bytes = UnsafeRawBufferPointer(start: base + decodedConsumed, count: restEnd - decodedConsumed)
                    lineOffset = bufferOffset + Int64(decodedConsumed)
                    // A clean end without a final newline still ends a complete line.
                    try body(truncation == nil ? .line(bytes, number: number) : .incomplete(bytes, number: number))
                }
                decodedConsumed = decodedFilled
                return SourceEnd(
                    truncation: truncation, lines: number, decodedBytes: decodedTotal, completeLines: completeLines,
                    completeLinesEnd: completeLinesEnd)
            }
            try fillDecoded()
        }
    }

    // MARK: - Filling

    /// Moves the unconsumed tail to the front and decodes more after it.
    private func fillDecoded() throws {
        if decodedConsumed > 0 {
            let tail = decodedFilled - decodedConsumed
            if tail > 0 {
                memmove(decoded.baseAddress!, decoded.baseAddress! + decodedConsumed, tail)
            }
            decodedFilled = tail
            decodedConsumed = 0
        }
        let room = min(decoded.count - decodedFilled, chunkSize)
        guard room > 0 else { return }
        let target = UnsafeMutableRawBufferPointer(rebasing: decoded[decodedFilled..<(decodedFilled + room)])
        let produced = try decode(into: target)
        content.update(UnsafeRawBufferPointer(start: target.baseAddress!, count: produced))
        decodedFilled += produced
        decodedTotal += Int64(produced)
        if expectation != nil { try checkExpectation() }
        if let ratio = maxInflateRatio, decodedTotal > Self.inflateCheckFloor, Double(decodedTotal) > ratio * Double(max(rawBytesRead, 1)) {
            throw InputError(path: path, reason: .inflateRatioExceeded(ratio: ratio, decodedBytes: decodedTotal, rawBytes: rawBytesRead))
        }
    }

    /// Reads more raw bytes (hashing them while they may not be the content). Sets `rawEOF` at end of file.
    private func fillRaw() throws {
        if rawStart > 0 {
            let tail = rawEnd - rawStart
            if tail > 0 { memmove(raw.baseAddress!, raw.baseAddress! + rawStart, tail) }
            rawEnd = tail
            rawStart = 0
        }
        while rawEnd < raw.count {
            let n = read(fd, raw.baseAddress! + rawEnd, raw.count - rawEnd)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(path: path, reason: .readFailed(errno: errno))
            }
            if n == 0 {
                rawEOF = true
                break
            }
            if hashingRaw { rawHasher.update(bufferPointer: UnsafeRawBufferPointer(start: raw.baseAddress! + rawEnd, count: n)) }
            rawEnd += n
            rawBytesRead += Int64(n)
            if rawEnd - rawStart >= chunkSize / 2 { break }
        }
    }

    /// Produces decoded bytes into `target`; 0 with `decodedEOF` set at the end.
    private func decode(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        if rawEnd - rawStart < 2, !rawEOF { try fillRaw() }
        if !formatDecided {
            // First call: decide plain or gzip from the magic bytes, not the name.
            formatDecided = true
            if rawEnd >= 2, raw[0] == 0x1F, raw[1] == 0x8B {
                compression = .gzip
                inflating = true
                try startInflate()
            } else {
                // Plain: the raw bytes are the content, hashed once as content.
                hashingRaw = false
            }
        }
        if !inflating {
            if rawStart == rawEnd {
                if rawEOF {
                    decodedEOF = true
                    return 0
                }
                try fillRaw()
            }
            let n = min(target.count, rawEnd - rawStart)
            target.baseAddress!.copyMemory(from: raw.baseAddress! + rawStart, byteCount: n)
            rawStart += n
            if n == 0, rawEOF { decodedEOF = true }
            return n
        }
        return try inflateChunk(into: target)
    }

    private func startInflate() throws {
        stream = z_stream()
        let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw InputError(path: path, reason: .zlibCouldNotStart(status: status)) }
        inflateReady = true
    }

    private func inflateChunk(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        while produced == 0 {
            if memberEnded {
                // Between members: another member, zero padding, or garbage. A run of zeros is
                // skipped whole, across refills, before deciding: deciding on what one buffer held
                // made padding followed by a member read differently with different chunk sizes.
                while true {
                    while rawStart < rawEnd, raw[rawStart] == 0 { rawStart += 1 }
                    if rawEnd - rawStart >= 2 || rawEOF { break }
                    let pending = rawEnd - rawStart
                    try fillRaw()
                    if rawEnd - rawStart == pending, !rawEOF { break }  // no room to read into (a 1-byte chunk)
                }
                if rawStart == rawEnd, rawEOF {
                    decodedEOF = true
                    return 0
                }
                if rawEnd - rawStart >= 2, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B {
                    inflateReset(&stream)
                    memberEnded = false
                } else {
                    let offset = rawBytesRead - Int64(rawEnd - rawStart)
                    truncation = .notGzipAfterMember(atByte: offset)
                    decodedEOF = true
                    return 0
                }
            }
            // At the end of the file inflate still runs, with no input: it may hold output it had no
            // room for last time (the rest of a match), which belongs to the stream before the cut.
            if rawStart == rawEnd, !rawEOF {
                try fillRaw()
                continue
            }
            stream.next_in = raw.baseAddress!.advanced(by: rawStart).assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(rawEnd - rawStart)
            stream.next_out = target.baseAddress!.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(target.count - produced)
            let status = inflate(&stream, Z_NO_FLUSH)
            let consumed = (rawEnd - rawStart) - Int(stream.avail_in)
            rawStart += consumed
            produced = target.count - Int(stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if consumed == 0, produced == 0 {
                    // No progress: more input is needed, and at the end of the file there is none.
                    if rawEOF {
                        truncation = .gzipEndsEarly
                        decodedEOF = true
                        return 0
                    }
                    try fillRaw()
                }
            case Z_STREAM_END:
                memberEnded = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                let offset = rawBytesRead - Int64(rawEnd - rawStart)
                truncation = .corruptGzip(nearByte: offset, message: message)
                decodedEOF = true
                return produced
            }
        }
        return produced
    }
}

/// SHA-256 of a stream of bytes, with the digest kept at chosen offsets (a copy of the running
/// state finalized there: `SHA256` is a value).
struct ContentHasher {
    private var hasher = SHA256()
    /// Bytes hashed so far.
    private(set) var offset: Int64 = 0
    /// Offsets still to reach, ascending.
    var checkpoints: [Int64] = []
    /// Digests (lowercase hex) at the offsets reached.
    var digests: [Int64: String] = [:]
    private var finalDigest: String?

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        while let next = checkpoints.first, next <= offset + Int64(bytes.count - start) {
            let count = Int(next - offset)
            if count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])) }
            start += count
            offset = next
            let copy = hasher
            digests[next] = SHA256Digest.hexDigits(copy.finalize())
            checkpoints.removeFirst()
        }
        if start < bytes.count {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            offset += Int64(bytes.count - start)
        }
    }

    /// The digest of everything hashed (call once the stream has ended).
    mutating func final() -> String {
        if let finalDigest { return finalDigest }
        let value = SHA256Digest.hexDigits(hasher.finalize())
        finalDigest = value
        return value
    }
}
