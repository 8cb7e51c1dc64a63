import CZlib
import Glibc

/// A failure while writing a compressed file, naming the file.
public struct GzipWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes one gzip file (RFC 1952, what `gzip`, DuckDB and Spark read) from bytes given in pieces.
///
/// The file is written under a temporary name beside `path` and renamed into place by `finish()`,
/// after an fsync: a reader finds the whole file or none. `abandon()` (or deinit without
/// `finish()`) removes the temporary file.
public final class GzipFileWriter {
    public let path: String
    private let temporary: String
    private var stream = z_stream()
    private var descriptor: Int32
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var finished = false

    /// Creates the temporary file with `mode` (less the process's umask) and starts the stream.
    public init(path: String, mode: UInt32 = 0o644, level: Int32 = 6) throws {
        self.path = path
        temporary = path + ".tmp-\(getpid())"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw GzipWriteError(path: path, reason: String(cString: strerror(errno))) }
        // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            close(descriptor)
            unlink(temporary)
            throw GzipWriteError(path: path, reason: "zlib could not start (\(status))")
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// Compresses and writes `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            try deflateAll(UnsafeMutablePointer(mutating: buffer.baseAddress), count: buffer.count, flush: Z_NO_FLUSH)
        }
    }

    /// Compresses and writes the UTF-8 of `text`.
    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Ends the stream, syncs the file and renames it into place.
    public func finish() throws {
        try deflateAll(nil, count: 0, flush: Z_FINISH)
        deflateEnd(&stream)
        finished = true
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            unlink(temporary)
            throw GzipWriteError(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw GzipWriteError(path: path, reason: "cannot rename into place: \(reason)")
        }
    }

    /// Stops without a file.
    public func abandon() {
        guard !finished else { return }
        finished = true
        deflateEnd(&stream)
        close(descriptor)
        unlink(temporary)
    }

    private func deflateAll(_ input: UnsafeMutablePointer<UInt8>?, count: Int, flush: Int32) throws {
        stream.next_in = input
        stream.avail_in = UInt32(count)
        repeat {
            let produced: Int = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                _ = deflate(&stream, flush)
                return out.count - Int(stream.avail_out)
            }
            var written = 0
            while written < produced {
                let n = output.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, produced - written) }
                guard n > 0 else {
                    throw GzipWriteError(path: path, reason: String(cString: strerror(errno)))
                }
                written += n
            }
            // zlib's own loop: a full output buffer means there may be more to take.
        } while stream.avail_out == 0
    }
}
