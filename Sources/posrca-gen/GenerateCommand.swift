import ArgumentParser
import Foundation
import POSSampleData

/// `posrca-gen`: writes a sample data set (or one long terminal log for benchmarks).
struct GenerateSampleLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posrca-gen",
        abstract: "Generate realistic terminal and acquirer logs with planted causes of unknown return codes.",
        discussion: """
            Everything is a function of the options: the same seed gives the same bytes. The data set holds \
            inventory.csv, codes-private.csv, terminal-<region>-<date>.log.gz and acquirer-<realm>-<date>.xml.gz \
            (and resend/ for the duplicate file). Causes: \(PlantedCause.allCases.map(\.rawValue).joined(separator: ", ")).

            Examples:
              posrca-gen --out SampleLogs
              posrca-gen --out /tmp/null-set --null --seed 7 --truth /tmp/null-truth.json
              posrca-gen --single-terminal-log /tmp/bench.log.gz --transactions 1000000
            """)

    @Option(help: "The folder to write the data set into; it is created if missing.")
    var out: String?

    @Option(help: "The seed of every random choice.")
    var seed: UInt64 = SampleConfiguration.sampleLogs.seed

    @Option(help: "The first day of logs, as YYYY-MM-DD (local date, +08:00).")
    var start: String = SampleConfiguration.sampleLogs.startDate.description

    @Option(help: "How many days of logs to write.")
    var days: Int = SampleConfiguration.sampleLogs.days

    @Option(help: "How many terminals the fleet has (at least 12).")
    var terminals: Int = SampleConfiguration.sampleLogs.terminals

    @Option(name: .customLong("txns-per-day"), help: "Mean transactions per terminal per day.")
    var transactionsPerDay: Double = SampleConfiguration.sampleLogs.transactionsPerTerminalPerDay

    @Option(help: "Multiplies every planted rate; 1 is the default strength.")
    var effect: Double = 1

    @Option(name: .customLong("cause"), help: "Plant only this cause; repeat for several. Default: all of them.")
    var causes: [String] = []

    @Flag(name: .customLong("null"), help: "Plant no cause: null data, in which no attribute value should stand out.")
    var nullData = false

    @Flag(name: .customLong("no-faults"), help: "Write clean files: no malformed lines, duplicates, truncation or other faults.")
    var noFaults = false

    @Option(help: "Also write the ground truth as JSON to this file (keep it out of the data folder, or it is ingested).")
    var truth: String?

    @Option(name: .customLong("single-terminal-log"), help: "Instead of a data set, write one terminal log to this file (gzip when it ends in .gz).")
    var singleTerminalLog: String?

    @Option(help: "With --single-terminal-log: exactly this many transaction lines.")
    var transactions: Int?

    func validate() throws {
        if singleTerminalLog != nil {
            guard let transactions else { throw ValidationError("--single-terminal-log needs --transactions N.") }
            guard transactions >= 0 else { throw ValidationError("--transactions must not be negative.") }
            guard out == nil else { throw ValidationError("Give either --out or --single-terminal-log, not both.") }
            return
        }
        guard out != nil else { throw ValidationError("Give --out DIR (or --single-terminal-log FILE --transactions N).") }
        guard CalendarDate(start) != nil else { throw ValidationError("--start must be a date as YYYY-MM-DD, not '\(start)'.") }
        if nullData && !causes.isEmpty { throw ValidationError("--null plants nothing; leave out --cause.") }
        for cause in causes where PlantedCause(rawValue: cause) == nil {
            throw ValidationError("Unknown cause '\(cause)'; choose from \(PlantedCause.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        do {
            try makeConfiguration().validate()
        } catch let error as SampleDataError {
            throw ValidationError(error.description)
        }
    }

    private func makeConfiguration() -> SampleConfiguration {
        let planted: Set<PlantedCause> =
            nullData ? [] : causes.isEmpty ? Set(PlantedCause.allCases) : Set(causes.compactMap(PlantedCause.init(rawValue:)))
        return SampleConfiguration(
            seed: seed, startDate: CalendarDate(start) ?? SampleConfiguration.sampleLogs.startDate, days: days,
            terminals: terminals, transactionsPerTerminalPerDay: transactionsPerDay, plantedCauses: planted,
            effectStrength: effect, faults: noFaults ? [] : Set(SampleFault.allCases))
    }

    func run() throws {
        if let path = singleTerminalLog, let transactions {
            let summary = try writeTerminalLog(transactions: transactions, seed: seed, to: path, gzip: path.hasSuffix(".gz"))
            print(
                "\(path): \(summary.transactions) transactions in \(summary.lines) lines, \(summary.textBytes) bytes of text, \(summary.fileBytes) bytes on disk"
            )
            return
        }
        guard let out else { return }
        let groundTruth = try SampleGenerator(makeConfiguration()).write(to: out)
        let onDisk = groundTruth.files.reduce(0) { $0 + $1.bytes }
        print(
            "\(out): \(groundTruth.files.count) files, \(onDisk) bytes; \(groundTruth.terminals) terminals, "
                + "\(groundTruth.totals.transactions) transactions, \(groundTruth.totals.unknown) unknown")
        for finding in groundTruth.expectedFindings {
            print(
                "  planted \(finding.cause.rawValue): \(finding.plantedTransactions) of \(finding.exposedTransactions) exposed transactions; \(finding.summary)"
            )
        }
        if groundTruth.isNull { print("  null data: no cause planted") }
        if let truth {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(groundTruth).write(to: URL(fileURLWithPath: truth))
            print("  ground truth: \(truth)")
        }
    }
}
