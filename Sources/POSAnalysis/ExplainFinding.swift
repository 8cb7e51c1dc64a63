/// Turning the chosen combination of a run into a `Finding`: its numbers, the causes and codes
/// behind it, the confounder audit (step 4) and the sentence.
extension ExplainRun {
    /// What the confounder audit found for one finding.
    struct Audit {
        /// The attribute whose strata take the ratio below the threshold, with the pooled estimate.
        var confounder: (attribute: Int, estimate: RatioEstimate)?
        /// Attributes with no stratum in which the finding varies, with the values that make it up.
        var aliases: [(attribute: Int, values: [UInt32])]
    }

    func finding(
        _ chosen: Tested, items: [(attribute: Int, value: UInt32)], rows: [Int32], population: Int,
        remainingOutcomes: Int, rawPopulation: ValueCounts, rawOutcomes: ValueCounts, explainedBefore: Int,
        insideRows: ValueCounts, insideOutcomes: ValueCounts
    ) -> Finding {
        let n = chosen.transactions
        let o = chosen.outcomes
        let wilson = WilsonInterval(outcomes: o, trials: n)
        let baseline = Double(remainingOutcomes - o) / Double(population - n)

        // Within the finding: causes and codes of its target rows.
        var causeCounts = [Int](repeating: 0, count: Cause.allCases.count + 1)
        var codeCounts: [String: Int] = [:]
        var targetRows = 0
        for row32 in rows {
            let row = Int(row32)
            guard target.matches(table.outcome[row]) else { continue }
            targetRows += 1
            if let cause = table.cause[row] { causeCounts[Int(cause.rawValue)] += 1 }
            if let code = table.responseCodeText(row) { codeCounts[code, default: 0] += 1 }
        }

        var topCause = ""
        var topCauseShare = 0.0
        var topCauseName: String?
        if let best = causeCounts.indices.max(by: { (causeCounts[$0], $1) < (causeCounts[$1], $0) }), causeCounts[best] > 0,
            let cause = Cause(rawValue: UInt8(best))
        {
            topCauseShare = Double(causeCounts[best]) / Double(targetRows)
            topCause = "\(cause):\(EvidenceNumbers.decimal(topCauseShare, places: 2))"
            topCauseName = cause.description
        }
        let topCodes = codeCounts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)

        let audit = self.audit(
            items: items, insideRows: insideRows, insideOutcomes: insideOutcomes, rawPopulation: rawPopulation,
            rawOutcomes: rawOutcomes)
        let sentence = EvidenceSentence(
            target: target, scope: scope,
            items: items.map { (TransactionTable.attributeNames[$0.attribute], table.values[$0.attribute][Int($0.value)]) },
            outcomes: o, transactions: n, rate: wilson.rate, baseline: baseline, ratio: chosen.ratio,
            explainedBefore: explainedBefore, topCause: topCauseName, topCauseShare: topCauseShare,
            topCodes: topCodes.map(\.key),
            confounder: audit.confounder.map { (TransactionTable.attributeNames[$0.attribute], $0.estimate) },
            aliases: audit.aliases.map { alias in
                (TransactionTable.attributeNames[alias.attribute], alias.values.map { table.values[alias.attribute][Int($0)] })
            }
        )

        return Finding(
            kind: "combination", pattern: pattern(items), outcome: target.rawValue, transactions: n, outcomes: o,
            rate: wilson.rate, rateLow: wilson.lower, rateHigh: wilson.upper, baselineRate: baseline,
            riskRatio: chosen.ratio.ratio, riskRatioLow: chosen.ratio.lower, riskRatioHigh: chosen.ratio.upper,
            pValue: chosen.test.pValue, qValue: chosen.qValue, excess: chosen.excess,
            shareOfOutcome: allTargetRows > 0 ? Double(o) / Double(allTargetRows) : 0, topCause: topCause,
            topCodes: topCodes.map { "\($0.key):\($0.value)" }.joined(separator: "|"),
            confoundedBy: audit.confounder.map { TransactionTable.attributeNames[$0.attribute] }, evidence: sentence.text,
            evidenceZH: sentence.chinese)
    }

    /// Step 4: the Mantel–Haenszel ratio of the finding within the values of every attribute it
    /// does not use, on the population the finding was measured on.
    ///
    /// The finding's own crude ratio passed step 2 already; an attribute within whose values the
    /// pooled lower bound falls below `minRiskRatioLow` is a confounder, the lowest bound winning
    /// (ties: attribute order). An attribute none of whose values holds both finding and
    /// non-finding rows is an alias: the finding is exactly a set of its values.
    func audit(
        items: [(attribute: Int, value: UInt32)], insideRows: ValueCounts, insideOutcomes: ValueCounts,
        rawPopulation: ValueCounts, rawOutcomes: ValueCounts
    ) -> Audit {
        var audit = Audit(confounder: nil, aliases: [])
        let used = Set(items.map(\.attribute))
        for x in 0..<TransactionTable.attributeCount where !used.contains(x) {
            let values = table.values[x].indices
            let strata = values.lazy.map { v in
                TwoByTwoTable(
                    outcomesInside: insideOutcomes[x, v], sizeInside: insideRows[x, v],
                    outcomesOutside: rawOutcomes[x, v] - insideOutcomes[x, v],
                    sizeOutside: rawPopulation[x, v] - insideRows[x, v])
            }
            guard let pooled = MantelHaenszelRiskRatio(strata: strata) else {
                let values = values.filter { insideRows[x, $0] > 0 }.map { UInt32($0) }
                audit.aliases.append((x, values))
                continue
            }
            if pooled.estimate.lower < options.minRiskRatioLow,
                audit.confounder == nil || pooled.estimate.lower < audit.confounder!.estimate.lower
            {
                audit.confounder = (x, pooled.estimate)
            }
        }
        return audit
    }
}
