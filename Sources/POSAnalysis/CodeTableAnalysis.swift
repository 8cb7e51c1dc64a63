/// Response codes some terminals' code tables lack: findings of kind `code` (analysis.md §7).
///
/// A code-table gap is a deterministic fault, not a rate: a terminal whose table lacks code X
/// shows every X as unknown, one whose table has it shows X as a decline. So the pass does not
/// search; it counts, for each code that arrived, how each `code_table` value (and each
/// `firmware` value) showed it.
public enum CodeTableAnalysis {
    /// A code is examined when at least this many target rows have cause `code_table_gap` with it.
    public static let minimumGapRows = 20

    /// One finding per response code with at least `minimumGapRows` target rows of cause
    /// `code_table_gap`, pattern `code=X`, largest excess first (ties by code).
    ///
    /// Every arrival of X counts: a transaction whose terminal received X (`responseCode`) and
    /// showed it as unknown (outcome `unknown`) or knew it (outcome `declined` or `approved`);
    /// timeouts and errors carry no verdict and are left out. A `code_table` value *lacks* X
    /// when it showed X as unknown more often than it knew it, and *knows* it otherwise.
    /// `n_txns`/`n_unknown` count arrivals at the lacking tables and how many were unknown,
    /// `baseline_rate` is the unknown rate at the knowing tables, and `risk_ratio` (Katz) and
    /// the one-sided p compare the two; when no table knows X they are NaN and the baseline 0.
    /// q-values are Benjamini–Hochberg over the codes examined; `excess_unknown` is the
    /// unknowns beyond the knowing tables' rate, `share_of_unknown` is `n_unknown` over all
    /// target rows. The evidence names the tables and the firmware values on each side with
    /// counts. `meanings` (code → text, e.g. from the catalogue) adds the meaning after the
    /// code when known.
    public static func analyze(
        _ table: TransactionTable, isTarget: (Outcome) -> Bool, targetName: String, meanings: [String: String] = [:]
    ) -> [Finding] {
        let targetOf = Outcome.allCases.map(isTarget)
        var gapRows: [String: Int] = [:]
        var targetTotal = 0
        for row in 0..<table.count where targetOf[Int(table.outcome[row].rawValue)] {
            targetTotal += 1
            if table.cause[row] == .codeTableGap, let code = table.responseCodeText(row) { gapRows[code, default: 0] += 1 }
        }
        let codes = gapRows.filter { $0.value >= minimumGapRows }.keys.sorted()
        guard !codes.isEmpty else { return [] }
        // By the table's code index: which of `codes`, if any.
        var codeIndex = [Int](repeating: -1, count: table.codes.count)
        for (index, code) in codes.enumerated() {
            if let at = table.codes.firstIndex(of: code) { codeIndex[at] = index }
        }

        let tableAttribute = TransactionTable.attributeIndex("code_table")!
        let firmwareAttribute = TransactionTable.attributeIndex("firmware")!
        let tableValues = table.values[tableAttribute].count
        let firmwareValues = table.values[firmwareAttribute].count
        // Per code and attribute value: arrivals shown as unknown, and arrivals known.
        var byTable = [[Verdicts]](repeating: [Verdicts](repeating: Verdicts(), count: tableValues), count: codes.count)
        var byFirmware = [[Verdicts]](
            repeating: [Verdicts](repeating: Verdicts(), count: firmwareValues), count: codes.count)
        var unknownRows = [[Int]](repeating: [], count: codes.count)
        for row in 0..<table.count {
            let index = codeIndex[Int(table.responseCode[row])]
            guard index >= 0 else { continue }
            let outcome = table.outcome[row]
            guard outcome == .unknown || outcome == .declined || outcome == .approved else { continue }
            let unknown = outcome == .unknown
            let tableCode = Int(table.attributes[tableAttribute][row])
            let firmwareCode = Int(table.attributes[firmwareAttribute][row])
            if tableCode < tableValues { byTable[index][tableCode].add(unknown: unknown) }
            if firmwareCode < firmwareValues { byFirmware[index][firmwareCode].add(unknown: unknown) }
            if unknown { unknownRows[index].append(row) }
        }

        var drafts: [Finding] = []
        var pValues: [Double] = []
        for (index, code) in codes.enumerated() {
            let tables = byTable[index]
            let lacking = tables.indices.filter { tables[$0].lacks }
            let knowing = tables.indices.filter { tables[$0].knows }
            let inside = lacking.reduce(into: Verdicts()) { $0.merge(tables[$1]) }
            let outside = knowing.reduce(into: Verdicts()) { $0.merge(tables[$1]) }
            guard inside.total > 0 else { continue }
            let twoByTwo = TwoByTwoTable(
                outcomesInside: inside.unknown, sizeInside: inside.total, outcomesOutside: outside.unknown,
                sizeOutside: outside.total)
            let ratio = twoByTwo.riskRatio()
            let rate = WilsonInterval(outcomes: inside.unknown, trials: inside.total)
            let baseline = outside.total > 0 ? Double(outside.unknown) / Double(outside.total) : 0
            let excess = Double(inside.unknown) - Double(inside.total) * baseline
            let lackingSet = Set(lacking)
            let shownUnknown = unknownRows[index].filter {
                lackingSet.contains(Int(table.attributes[tableAttribute][$0]))
                    && targetOf[Int(table.outcome[$0].rawValue)]
            }
            let evidence = Self.evidence(
                code: code, meaning: meanings[code], table: table, tableAttribute: tableAttribute,
                tables: tables, lacking: lacking, knowing: knowing, firmwareAttribute: firmwareAttribute,
                firmware: byFirmware[index])
            drafts.append(
                Finding(
                    kind: "code", pattern: "code=\(code)", outcome: targetName, transactions: inside.total,
                    outcomes: inside.unknown, rate: rate.rate, rateLow: rate.lower, rateHigh: rate.upper,
                    baselineRate: baseline, riskRatio: ratio?.ratio ?? .nan, riskRatioLow: ratio?.lower ?? .nan,
                    riskRatioHigh: ratio?.upper ?? .nan, pValue: .nan, qValue: .nan, excess: excess,
                    shareOfOutcome: targetTotal > 0 ? Double(inside.unknown) / Double(targetTotal) : 0,
                    topCause: NetworkFindingText.topCause(table, rows: shownUnknown),
                    topCodes: NetworkFindingText.topCodes(table, rows: shownUnknown), confoundedBy: nil,
                    evidence: evidence))
            pValues.append(ratio == nil ? .nan : twoByTwo.higherRateTest().pValue)
        }
        let qValues = benjaminiHochbergQValues(pValues)
        for index in drafts.indices {
            drafts[index].pValue = pValues[index]
            drafts[index].qValue = qValues[index]
        }
        return drafts.sorted { $0.excess > $1.excess || ($0.excess == $1.excess && $0.pattern < $1.pattern) }
    }

    /// How one attribute value showed a code: as unknown, or known.
    private struct Verdicts {
        var unknown = 0
        var known = 0
        var total: Int { unknown + known }
        var lacks: Bool { unknown > known }
        var knows: Bool { known > 0 && known >= unknown }
        mutating func add(unknown isUnknown: Bool) {
            if isUnknown { unknown += 1 } else { known += 1 }
        }
        mutating func merge(_ other: Verdicts) {
            unknown += other.unknown
            known += other.known
        }
    }

    /// "Code A7 (meaning) was unknown to code_table=CUP2010 in 412 of 412 transactions and known
    /// to code_table=CUP2015 in 1,208 of 1,208; by firmware, unknown on … and known on …."
    private static func evidence(
        code: String, meaning: String?, table: TransactionTable, tableAttribute: Int, tables: [Verdicts],
        lacking: [Int], knowing: [Int], firmwareAttribute: Int, firmware: [Verdicts]
    ) -> String {
        let text = NetworkFindingText.self
        func list(_ parts: [String]) -> String {
            parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
        }
        // Largest first, then by value text, at most three named.
        func ranked(_ codes: [Int], _ verdicts: [Verdicts], attribute: Int) -> [Int] {
            codes.sorted {
                verdicts[$0].total != verdicts[$1].total
                    ? verdicts[$0].total > verdicts[$1].total
                    : table.values[attribute][$0] < table.values[attribute][$1]
            }
        }
        func named(_ codes: [Int], _ verdicts: [Verdicts], attribute: Int, unknownSide: Bool) -> String {
            let ordered = ranked(codes, verdicts, attribute: attribute)
            var parts = ordered.prefix(3).map {
                let shown = unknownSide ? verdicts[$0].unknown : verdicts[$0].known
                let value = table.values[attribute][$0]
                return "\(value) (\(text.count(shown)) of \(text.count(verdicts[$0].total)))"
            }
            if ordered.count > 3 { parts.append("\(ordered.count - 3) other\(ordered.count == 4 ? "" : "s")") }
            return list(parts)
        }

        let title = meaning.map { "Code \(code) (\($0))" } ?? "Code \(code)"
        let unknownTo = list(
            ranked(lacking, tables, attribute: tableAttribute).map {
                "code_table=\(table.values[tableAttribute][$0]) in \(text.count(tables[$0].unknown))"
                    + " of \(text.count(tables[$0].total))"
            })
        var sentence = "\(title) was unknown to \(unknownTo) transactions"
        if knowing.isEmpty {
            sentence += ", and no code table that received it knew it"
        } else {
            sentence +=
                " and known to "
                + list(
                    ranked(knowing, tables, attribute: tableAttribute).map {
                        "code_table=\(table.values[tableAttribute][$0]) in \(text.count(tables[$0].known))"
                            + " of \(text.count(tables[$0].total))"
                    })
        }
        let firmwareLacking = firmware.indices.filter { firmware[$0].lacks }
        let firmwareKnowing = firmware.indices.filter { firmware[$0].knows }
        if !firmwareLacking.isEmpty {
            sentence +=
                "; by firmware, unknown on "
                + named(firmwareLacking, firmware, attribute: firmwareAttribute, unknownSide: true)
            if !firmwareKnowing.isEmpty {
                sentence +=
                    " and known on "
                    + named(firmwareKnowing, firmware, attribute: firmwareAttribute, unknownSide: false)
            }
        }
        return sentence + "."
    }
}
