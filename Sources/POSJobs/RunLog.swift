import Foundation
public import POSReports

/// How a run's log lines are written (`--log-format`, docs/cli.md §7.4 and §12.2).
public enum LogFormat: String, Sendable, CaseIterable {
    /// For a person: one line of text an event.
    case text
    /// For schedulers: one JSON object a line.
    case json
}

/// How much a log event matters; JSON lines carry it as `level` (docs/cli.md §12.2).
public enum LogLevel: String, Sendable, CaseIterable {
    case info, warning, error
}

/// posrca's one logger: each event one line, as text or as one JSON object built as a
/// `JSONValue` (never by pasting strings), on standard output or standard error.
///
/// Two kinds of line, as docs/cli.md documents them: the ingest's records (a file, the totals;
/// §7.4), which are the same object in text or JSON with no time or level, and the events of a
/// job (§12.2), which begin with the UTC time, the level and the event's name.
public struct RunLog: Sendable {
    /// Where the lines go.
    public enum Destination: Sendable {
        /// Standard output, through `print` (buffered as standard output is).
        case standardOutput
        /// Standard error, written at once.
        case standardError
    }

    public let format: LogFormat
    public let destination: Destination
    /// The words before an event's message in text, e.g. `posrca nightly`.
    public let source: String

    public init(format: LogFormat, destination: Destination, source: String = "posrca") {
        self.format = format
        self.destination = destination
        self.source = source
    }

    /// A record: `text` for a person, `json` (an object) for schedulers.
    public func record(text: @autoclosure () -> String, json: @autoclosure () -> JSONValue) {
        write(format == .json ? json().compact() : text())
    }

    /// An event of a job: in text `TIME SOURCE [LEVEL: ]MESSAGE`; in JSON an object of `ts`,
    /// `level`, `event` and `message`, then `fields` in name order.
    public func event(_ name: String, _ message: String, _ fields: [String: JSONValue] = [:], level: LogLevel = .info) {
        let time = ISO8601DateFormatter().string(from: Date())
        switch format {
        case .json:
            let head: [(String, JSONValue)] = [
                ("ts", .string(time)), ("level", .string(level.rawValue)), ("event", .string(name)), ("message", .string(message)),
            ]
            write(JSONValue.object(head + fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).compact())
        case .text:
            write("\(time) \(source) \(level == .info ? "" : level.rawValue + ": ")\(message)")
        }
    }

    private func write(_ line: String) {
        switch destination {
        case .standardOutput: print(line)
        case .standardError: Console.error(line)
        }
    }
}
