/// Maps an inventory CSV's records to rows. Columns by name, any order, case-insensitive, trimmed; extra columns ignored.
///
/// Feed it the records of `CSVRecordReader` after the header. Cell values are trimmed; every cell
/// but `tid` and `mid` has its card numbers masked (docs/formats.md §5: those two must still match the
/// logs). A record with fewer cells than the header is read with the missing trailing cells empty.
public struct InventoryReader: Sendable {
    /// Columns without which the file cannot be read.
    public static let requiredColumns = ["tid", "brand", "channel", "fee_tier"]

    private let columns: CSVColumnMap

    /// Throws `CSVHeaderError` when the header lacks a required column (tid, brand, channel, fee_tier): the
    /// file then fails as a whole with that reason.
    public init(header: [String]) throws(CSVHeaderError) {
        columns = try CSVColumnMap(header: header, required: Self.requiredColumns)
    }

    /// The row of one record, or its rejection.
    ///
    /// Reasons: `missing value tid` (and `brand`, `channel`, `fee_tier`), `bad tid` (not 1–16
    /// printable ASCII characters), `bad channel` (not `official` or `third_party`; case and
    /// `third-party` or `third party` are accepted and normalised), `bad number fee_rate` (not a
    /// plain decimal such as `0.38` or `0.38%`).
    public func row(_ fields: [String], line: Int) -> CSVRowOutcome<InventoryRow> {
        var masked = 0
        func cell(_ column: String) -> String {
            let value = CardNumbers.mask(columns.value(column, in: fields))
            masked += value.masked
            return value.text
        }
        let tid = columns.value("tid", in: fields)
        let mid = columns.value("mid", in: fields)
        let brand = cell("brand")
        let channel = cell("channel")
        let feeTier = cell("fee_tier")
        let feeRate = cell("fee_rate")
        let model = cell("model")
        let agent = cell("agent")
        let region = cell("region")
        let mcc = cell("mcc")
        let firmware = cell("firmware")

        for (column, value) in [("tid", tid), ("brand", brand), ("channel", channel), ("fee_tier", feeTier)]
        where value.isEmpty {
            return CSVCell.rejection("missing value \(column)", fields: fields, line: line)
        }
        guard Self.isTerminalID(tid) else {
            return CSVCell.rejection("bad tid", fields: fields, line: line)
        }
        guard let normalisedChannel = Self.normalisedChannel(channel) else {
            return CSVCell.rejection("bad channel", fields: fields, line: line)
        }
        var rate: Double?
        if !feeRate.isEmpty {
            guard let percent = Self.percent(feeRate) else {
                return CSVCell.rejection("bad number fee_rate", fields: fields, line: line)
            }
            rate = percent
        }

        var row = InventoryRow(line: line, tid: tid, brand: brand, channel: normalisedChannel, feeTier: feeTier)
        row.mid = mid.isEmpty ? nil : mid
        row.model = model.isEmpty ? nil : model
        row.agent = agent.isEmpty ? nil : agent
        row.feeRate = rate
        row.region = region.isEmpty ? nil : region
        row.mcc = mcc.isEmpty ? nil : mcc
        row.firmware = firmware.isEmpty ? nil : firmware
        return .accepted(row, maskedPANs: masked)
    }

    /// True for 1 to 16 printable ASCII characters (space to `~`), what field 41 may hold.
    static func isTerminalID(_ tid: String) -> Bool {
        let utf8 = tid.utf8
        return (1...16).contains(utf8.count) && utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    /// `official` or `third_party` from the ways people write them; nil for anything else.
    static func normalisedChannel(_ channel: String) -> String? {
        switch CSVColumnMap.normalisedName(channel) {
        case "official": "official"
        case "third_party": "third_party"
        default: nil
        }
    }

    /// A rate in percent written as `0.38` or `0.38%` (blanks before `%` allowed).
    ///
    /// Only plain unsigned decimals are numbers here: `1e3`, `inf`, `-0.1` and `0,38` are not,
    /// since `Double("…")` alone would take the first three.
    static func percent(_ text: String) -> Double? {
        var utf8 = Substring(text).utf8
        if utf8.last == 0x25 {
            utf8 = utf8.dropLast()
            while let last = utf8.last, last == 0x20 || last == 0x09 { utf8 = utf8.dropLast() }
        }
        var digits = 0
        var dots = 0
        for byte in utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
            } else if byte == 0x2E {
                dots += 1
            } else {
                return nil
            }
        }
        guard digits > 0, dots <= 1 else { return nil }
        return Double(String(Substring(utf8)))
    }
}
