/// What `writeTerminalLog` wrote.
public struct TerminalLogSummary: Sendable, Hashable {
    /// Lines written, transactions included.
    public var lines: Int
    /// `ev=txn` lines: exactly the number asked for.
    public var transactions: Int
    /// Size of the text before compression.
    public var textBytes: Int
    /// Size of the file.
    public var fileBytes: Int
}

/// Writes one terminal log of exactly `transactions` `ev=txn` lines (reversals included), with
/// the boot, network, sign-in and firmware lines around them, for benchmarks.
///
/// It streams: a day of a fleet of at most 4,000 terminals is held at a time, so memory stays
/// the same for any size. Every planted cause is on; of the faults only those that live inside
/// lines (clock skew, unknown keys, ignored events, full card numbers) are, so every line but
/// the ignored events is accepted. Deterministic from `seed`.
@discardableResult
public func writeTerminalLog(transactions: Int, seed: UInt64, to path: String, gzip: Bool) throws -> TerminalLogSummary {
    guard transactions >= 0 else { throw SampleDataError.invalidConfiguration("transactions must not be negative") }
    let configuration = SampleConfiguration(
        seed: seed, days: 366, terminals: min(4000, max(20, transactions / 250)), transactionsPerTerminalPerDay: 25,
        faults: [.clockSkew, .unknownKeys, .ignoredEvents, .fullCardNumbers])
    let fleet = Fleet(configuration: configuration)
    let rates = MechanismRates(configuration: configuration)
    var states = fleet.terminals.map { TerminalState(terminal: $0, seed: seed) }
    let sink = try FileSink(path: path)
    let writer = try LogFileWriter(sink: sink, path: path, gzip: gzip)
    var summary = TerminalLogSummary(lines: 0, transactions: 0, textBytes: 0, fileBytes: 0)
    var day = 0
    days: while summary.transactions < transactions {
        let date = configuration.startDate.adding(days: day)
        var lines = LineArena<TerminalLineFacts>()
        var unused = LineArena<AcquirerFacts>()
        for terminal in fleet.terminals {
            var simulation = TerminalDaySimulation(
                terminal: terminal, configuration: configuration, rates: rates, acquirer: nil,
                date: date, day: day, padFirstLines: 0)
            simulation.run(state: &states[terminal.index], lines: &lines, acquirerLog: &unused)
        }
        lines.sortByTime()
        for entry in lines.entries {
            if entry.facts.kind == .transaction {
                if summary.transactions == transactions { break days }
                summary.transactions += 1
            }
            try writer.write(lines.buffer.bytes[entry.start..<entry.end])
            try writer.write("\n")
            summary.lines += 1
        }
        day += 1
    }
    try writer.finish()
    try sink.close()
    summary.textBytes = writer.textBytes
    summary.fileBytes = writer.compressedBytes
    return summary
}
