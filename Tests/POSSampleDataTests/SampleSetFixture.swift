import Foundation
import POSSampleData

/// A data set generated into a temporary folder, with helpers to read it back the way a user
/// would: through the system's `gzip`, line by line.
struct GeneratedSet: Sendable {
    let directory: String
    let truth: GroundTruth

    /// This process's folder for generated sets, removed when the test process exits.
    static let root: String = {
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "posrca-sample-tests-\(getpid())") }
        return NSTemporaryDirectory() + "posrca-sample-tests-\(getpid())"
    }()

    init(_ configuration: SampleConfiguration, name: String) throws {
        directory = Self.root + "/" + name
        try? FileManager.default.removeItem(atPath: directory)
        truth = try SampleGenerator(configuration).write(to: directory)
    }

    func path(_ relative: String) -> String { directory + "/" + relative }

    func bytes(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(relative)))
    }

    /// The decompressed text of a file, by `gzip -dc`; for the file the truth says is truncated,
    /// what gzip recovers before the cut.
    func text(_ relative: String) throws -> Data {
        let result = try runGzip(["-dc", path(relative)])
        let truncated = truth.file(relative)?.truncated ?? false
        guard result.status == 0 || truncated else { throw GzipFailure(status: result.status, file: relative) }
        return result.output
    }

    /// Complete lines of a decompressed file, split at LF, with a trailing CR kept (so CRLF shows).
    func lines(_ relative: String) throws -> [Data] {
        var lines = try text(relative).split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.removeLast()  // empty after the final LF, or the partial line of a truncated file
        return lines.map { Data($0) }
    }

    /// Every terminal log that is not the duplicate copy, in the order written.
    var terminalLogs: [FileTruth] {
        truth.files.filter { $0.kind == "terminal_log" && $0.duplicateOf == nil }
    }

    var acquirerLogs: [FileTruth] {
        truth.files.filter { $0.kind == "acquirer_log" }
    }

    /// The inventory as tid → column → value.
    func inventory() throws -> [String: [String: String]] {
        var text = String(decoding: try bytes("inventory.csv"), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        var result: [String: [String: String]] = [:]
        for row in rows.dropFirst() {
            result[row[0]] = Dictionary(uniqueKeysWithValues: zip(header, row))
        }
        return result
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct GzipFailure: Error {
    let status: Int32
    let file: String
}

/// Runs the system `gzip` and returns its standard output and exit status.
func runGzip(_ arguments: [String]) throws -> (output: Data, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
}

/// A minimal logfmt reader for checking what the generator wrote: `key=value`, values may be
/// double-quoted with `\"` escapes. Nil for an unterminated quote.
func logfmtFields(_ line: Data) -> [String: String]? {
    var fields: [String: String] = [:]
    var bytes = Array(line)
    if bytes.last == 0x0D { bytes.removeLast() }
    var i = 0
    while i < bytes.count {
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        guard i < bytes.count else { break }
        let keyStart = i
        while i < bytes.count, bytes[i] != 0x3D, bytes[i] != 0x20 { i += 1 }
        let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
        guard i < bytes.count, bytes[i] == 0x3D else {
            fields[key] = "true"
            continue
        }
        i += 1
        var value: [UInt8] = []
        if i < bytes.count, bytes[i] == 0x22 {
            i += 1
            var closed = false
            while i < bytes.count {
                if bytes[i] == 0x5C, i + 1 < bytes.count {
                    value.append(bytes[i + 1])
                    i += 2
                } else if bytes[i] == 0x22 {
                    closed = true
                    i += 1
                    break
                } else {
                    value.append(bytes[i])
                    i += 1
                }
            }
            guard closed else { return nil }
        } else {
            while i < bytes.count, bytes[i] != 0x20 {
                value.append(bytes[i])
                i += 1
            }
        }
        fields[key] = String(decoding: value, as: UTF8.self)
    }
    return fields
}

/// Small data sets shared by the tests (generated once, on first use).
enum SharedSets {
    /// Every cause and every fault, small enough for a debug build.
    static let full: GeneratedSet = try! GeneratedSet(
        SampleConfiguration(seed: 42, days: 3, terminals: 160, transactionsPerTerminalPerDay: 10), name: "full")

    /// No faults at all.
    static let clean: GeneratedSet = try! GeneratedSet(
        SampleConfiguration(seed: 43, days: 2, terminals: 120, transactionsPerTerminalPerDay: 10, faults: []), name: "clean")
}
