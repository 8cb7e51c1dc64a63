/// The pieces of a finding's text that the network, firmware-change and code-table passes share:
/// `top_cause`, `top_codes` (docs/analysis.md §7) and numbers written for a person to read aloud.
///
/// Written by hand because the library avoids Foundation: no `String(format:)` here.
enum NetworkFindingText {
    /// `top_cause` of a set of rows: the most frequent cause and its share, e.g. `code_table_gap:0.93`.
    ///
    /// Rows without a cause (approved, declined, errors of some outcomes) count in the share's
    /// denominator, so a share reads as "of these transactions". Ties go to the cause declared
    /// first. Empty when no row has a cause.
    static func topCause<Rows: Sequence<Int>>(_ table: TransactionTable, rows: Rows) -> String {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        for row in rows {
            total += 1
            if let cause = table.cause[row] { counts[Int(cause.rawValue)] += 1 }
        }
        var best: Cause?
        for cause in Cause.allCases where counts[Int(cause.rawValue)] > 0 {
            if best == nil || counts[Int(cause.rawValue)] > counts[Int(best!.rawValue)] { best = cause }
        }
        guard let best, total > 0 else { return "" }
        return "\(best):\(fixed(Double(counts[Int(best.rawValue)]) / Double(total), digits: 2))"
    }

    /// `top_codes` of a set of rows: up to three response codes the terminal received, most
    /// frequent first (ties by code text), e.g. `O0:120|0?:33`. Rows without a code are skipped.
    static func topCodes<Rows: Sequence<Int>>(_ table: TransactionTable, rows: Rows) -> String {
        var byIndex = [Int](repeating: 0, count: table.codes.count)
        for row in rows { byIndex[Int(table.responseCode[row])] += 1 }
        var counts: [String: Int] = [:]
        for index in 1..<max(byIndex.count, 1) where byIndex[index] > 0 { counts[table.codes[index]] = byIndex[index] }
        let ranked = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        return ranked.prefix(3).map { "\($0.key):\($0.value)" }.joined(separator: "|")
    }

    /// A count with thousands separators: `1,208`.
    static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var text = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    /// `value` rounded to `digits` decimals (half away from zero), `n/a` when not finite.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 9e15 else { return value < 0 ? "-\(scaled / Double(scale))" : "\(scaled / Double(scale))" }
        let units = Int64(scaled)
        var text = units > 0 && value < 0 ? "-" : ""
        text += String(units / scale)
        if digits > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// A rate as a percentage: two decimals below 10% (`0.52%`), one above (`12.3%`).
    static func percent(_ rate: Double) -> String {
        let percentage = rate * 100
        return fixed(percentage, digits: percentage < 10 ? 2 : 1) + "%"
    }

    /// A ratio with about two significant digits: `12`, `7.9`, `0.52`, `0.071`.
    static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        if magnitude >= 10 { return fixed(value, digits: 0) }
        if magnitude >= 1 { return fixed(value, digits: 1) }
        if magnitude >= 0.1 { return fixed(value, digits: 2) }
        return fixed(value, digits: 3)
    }

    /// A ratio with its interval: `7.9 (7.3–8.5)`.
    static func ratio(_ estimate: RatioEstimate) -> String {
        "\(ratio(estimate.ratio)) (\(ratio(estimate.lower))–\(ratio(estimate.upper)))"
    }

    /// A p-value: three decimals, or `< 0.001`.
    static func pValue(_ p: Double) -> String {
        p < 0.000_5 ? "< 0.001" : "= " + fixed(p, digits: 3)
    }
}
