import CZlib
import Glibc

/// Where compressed or plain bytes go: a file on disk, or memory (for the file that will be
/// cut short, and for tests).
protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// A file opened for writing with `fopen`, closed by `close()` or at the latest in `deinit`.
final class FileSink: ByteSink {
    let path: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        guard let handle = fopen(path, "wb") else { throw SampleDataError.cannotOpen(path: path, errno: errno) }
        self.handle = handle
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let handle, let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard fwrite(base, 1, bytes.count, handle) == bytes.count else { throw SampleDataError.writeFailed(path: path, errno: errno) }
    }

    func close() throws {
        guard let handle else { return }
        self.handle = nil
        guard fclose(handle) == 0 else { throw SampleDataError.writeFailed(path: path, errno: errno) }
    }

    deinit {
        if let handle { fclose(handle) }
    }
}

/// Bytes kept in memory.
final class MemorySink: ByteSink {
    var bytes: [UInt8] = []

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Writes a log file's text to a sink, gzip-compressed (zlib `deflate`, windowBits 15+16 for
/// the gzip wrapper, level 6) or plain, in chunks, so memory stays constant however long the
/// file is. Call `finish()` once at the end.
final class LogFileWriter {
    private let sink: any ByteSink
    private let path: String
    private var stream: UnsafeMutablePointer<z_stream>?
    private static let chunk = 1 << 18
    private let input = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
    private var inputCount = 0
    private let output = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
    /// Uncompressed bytes written so far.
    private(set) var textBytes = 0
    /// Bytes handed to the sink so far (all of them once `finish()` returned).
    private(set) var compressedBytes = 0

    init(sink: any ByteSink, path: String, gzip: Bool) throws {
        self.sink = sink
        self.path = path
        guard gzip else { return }
        // zlib keeps a pointer back to its z_stream, so the stream must not move: heap-allocate it.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw SampleDataError.compressionFailed(path: path, code: status)
        }
        self.stream = stream
    }

    deinit {
        if let stream {
            deflateEnd(stream)
            stream.deallocate()
        }
        input.deallocate()
        output.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        textBytes += bytes.count
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Self.chunk - inputCount)
            UnsafeMutableRawPointer(input + inputCount).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            inputCount += n
            offset += n
            if inputCount == Self.chunk { try flush(finishing: false) }
        }
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ text: StaticString) throws {
        try write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Compresses what is left and writes the gzip trailer.
    func finish() throws {
        try flush(finishing: true)
        if let stream {
            deflateEnd(stream)
            stream.deallocate()
            self.stream = nil
        }
    }

    private func flush(finishing: Bool) throws {
        defer { inputCount = 0 }
        guard let stream else {
            try sink.write(UnsafeRawBufferPointer(start: input, count: inputCount))
            compressedBytes += inputCount
            return
        }
        stream.pointee.next_in = input
        stream.pointee.avail_in = uInt(inputCount)
        while true {
            stream.pointee.next_out = output
            stream.pointee.avail_out = uInt(Self.chunk)
            let status = deflate(stream, finishing ? Z_FINISH : Z_NO_FLUSH)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw SampleDataError.compressionFailed(path: path, code: status)
            }
            let produced = Self.chunk - Int(stream.pointee.avail_out)
            try sink.write(UnsafeRawBufferPointer(start: output, count: produced))
            compressedBytes += produced
            let done = finishing ? status == Z_STREAM_END : stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
            if done { return }
        }
    }
}

/// What a gzip decoder recovers from a file cut short: every byte zlib can inflate before the
/// input ends (the ingester, which also uses zlib, gets the same).
func inflateRecoverable(_ compressed: [UInt8]) -> [UInt8] {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deallocate() }
    guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
    defer { inflateEnd(stream) }
    var result: [UInt8] = []
    var input = compressed
    var output = [UInt8](repeating: 0, count: 1 << 16)
    input.withUnsafeMutableBytes { inBytes in
        stream.pointee.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(inBytes.count)
        while true {
            let (status, produced) = output.withUnsafeMutableBytes { out in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let status = inflate(stream, Z_SYNC_FLUSH)
                return (status, out.count - Int(stream.pointee.avail_out))
            }
            result.append(contentsOf: output[0..<produced])
            if status != Z_OK || produced == 0 { break }
        }
    }
    return result
}

/// `mkdir -p`.
func makeDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component + "/"
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw SampleDataError.cannotCreateDirectory(path: prefix, errno: errno)
        }
    }
}

/// Writes `bytes` to a new file at `path`.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let sink = try FileSink(path: path)
    try bytes.withUnsafeBytes { (raw) throws in try sink.write(raw) }
    try sink.close()
}
