public import POSAnalysis
import POSStore

/// The text `posrca analyze` and `posrca nightly` print at the end: totals, outcomes and causes,
/// then the top findings as a table with their evidence sentences and recommendations.
public enum AnalysisSummary {
    /// The summary of `result` in `language`, showing at most `top` findings. `target` is the
    /// outcome the run explained (`--outcome`).
    ///
    /// Words come from `InterfaceText`, finding sentences from `Finding.evidence(in:)` and
    /// `recommendation(in:)`; numbers, days, patterns and attribute names are the same in every
    /// language.
    public static func text(_ result: AnalysisResult, target: ExplainTarget, top: Int, language: Language) -> String {
        func t(_ key: InterfaceText, _ values: String...) -> String { InterfaceText.fill(key.text[language], values) }
        func name(_ value: String) -> String { InterfaceText.name(ofValue: value, in: language) }
        let separator = InterfaceText.listSeparator(language)
        let total = result.transactions
        var text =
            t(.summaryWindow, windowText(result.window, language), String(total), String(result.matchedTransactions), String(result.acquirerPairs))
            + "\n"
        if !result.window.uncoveredDays.isEmpty {
            text += t(.summaryUncoveredDays, result.window.uncoveredDays.map(LocalDay.text).joined(separator: ", ")) + "\n"
        }
        if result.window.terminalSideOnly && total > 0 {
            text += t(.summaryTerminalSideOnly, name(Cause.unmatched.description)) + "\n"
        }
        let r = result.recompute
        if r.batches == 0 {
            text += (result.reused ? t(.summaryNothingNewReused) : t(.summaryNothingNew)) + "\n"
        } else {
            text += t(.summaryRecomputed, String(r.terminalDays), String(r.days), String(r.transactions), CFormat.number(r.seconds, "%.2f")) + "\n"
        }
        let outcomes = Outcome.allCases.map { t(.outcomeCount, name($0.description), String(result.outcomes[$0] ?? 0)) }
        text += t(.summaryOutcomes, outcomes.joined(separator: separator)) + "\n"
        let explained = result.causes.values.reduce(0, +)
        let targetName = name(target.rawValue)
        if explained > 0 {
            let causes = result.causes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { t(.causeCount, name($0.key), String($0.value)) }.joined(separator: separator)
            text += t(.summaryCauses, String(explained), targetName, causes) + "\n"
        }
        if result.findings.isEmpty {
            text += "\n" + t(.summaryNoFinding, targetName) + "\n"
        } else {
            text += "\n" + t(.summaryTopFindings, String(result.findings.count)) + "\n\n"
            let shown = Array(result.findings.prefix(top))
            var table = ResultTable(columns: [
                t(.columnRank), t(.columnKind), t(.columnPattern), t(.columnTransactions), targetName, t(.columnRate),
                t(.columnRiskRatioInterval), t(.columnTopCause), t(.columnConfoundedBy),
            ])
            for (index, f) in shown.enumerated() {
                table.rows.append([
                    String(index + 1), name(f.kind), f.pattern, String(f.transactions), String(f.outcomes),
                    CFormat.number(f.rate * 100, "%.2f") + "%",
                    CFormat.number(f.riskRatio, "%.2f") + " (" + CFormat.number(f.riskRatioLow, "%.2f") + "–"
                        + CFormat.number(f.riskRatioHigh, "%.2f") + ")",
                    topCause(f.topCause, language), f.confoundedBy ?? "",
                ])
            }
            text += TableRenderer.aligned(table)
            text += "\n"
            for (index, f) in shown.enumerated() {
                text += "\(index + 1). \(f.evidence(in: language))\n"
                let recommendation = f.recommendation(in: language)
                if !recommendation.isEmpty {
                    text += "   " + t(.recommendationLine, recommendation) + "\n"
                }
            }
        }
        func timings(_ phases: [(phase: String, seconds: Double)]) -> String {
            phases.map { InterfaceText.name(ofPhase: $0.phase, in: language) + " " + t(.seconds, CFormat.number($0.seconds, "%.2f")) }.joined(
                separator: separator)
        }
        var timing = timings(result.timings)
        if !result.recompute.phases.isEmpty { timing += t(.summaryRecomputeTimings, timings(result.recompute.phases)) }
        if !result.passTimings.isEmpty { timing += t(.summaryPassTimings, timings(result.passTimings)) }
        text += "\n" + t(.summaryTimings, timing) + "\n"
        return text
    }

    /// `2026-11-20…2026-12-17`, one day alone, or "no data" in `language`.
    static func windowText(_ window: AnalysisWindow, _ language: Language) -> String {
        guard window.since != nil, window.until != nil else { return InterfaceText.noData.text[language] }
        return window.text
    }

    /// `garbled_response:0.95` as it is in English; the cause in words in Chinese (`应答码传输错乱 0.95`).
    static func topCause(_ value: String, _ language: Language) -> String {
        guard language != .english, let colon = value.lastIndex(of: ":") else { return value }
        return InterfaceText.name(ofValue: String(value[..<colon]), in: language) + " " + value[value.index(after: colon)...]
    }
}
