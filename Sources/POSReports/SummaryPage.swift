import POSAnalysis
import POSFormats
import POSStore

/// `summary.html`: one self-contained page for the person on call. Totals, the top findings with
/// their evidence sentences and recommendations, and four charts as inline SVG. No script, no
/// external style, font or image, so it opens offline, from a mail attachment or a file share.
///
/// Written in `context.language`: every word of the page comes from `InterfaceText`, finding
/// sentences from `Finding.evidence(in:)` and `recommendation(in:)`, code meanings from the
/// catalogue's `meaning_zh` for Chinese. Numbers, days, patterns, codes and file names are the
/// same in every language.
struct SummaryPage {
    var overview: Overview
    var findings: ResultTable
    /// Canned query results by name (the charts read four of them).
    var results: [String: ResultTable]
    var inputs: ResultTable
    /// Files of the report folder, for the links at the bottom.
    var files: [String]
    var context: ReportContext
    var queries: QueryLibrary
    /// The findings against the previous run's.
    var change = FindingsChange()
    /// The catalogue in force, for the meanings of the codes a finding names.
    var catalogue = ResponseCodeCatalogue.builtIn

    static let topFindings = 8
    /// Codes named with their meaning under a finding; the rest are in `top_codes` of findings.csv.
    static let codesWithMeaning = 3

    var language: Language { context.language }

    func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(t(.pageTitle, overview.lastDay ?? "")))</title>
            <style>\(Self.style)</style>
            </head>
            <body>

            """
        page += header()
        page += cards()
        page += findingsSection()
        page += chartsSection()
        page += inputsSection()
        page += footer()
        page += "</body>\n</html>\n"
        return page
    }

    // MARK: - Sections

    func header() -> String {
        let range =
            overview.firstDay.map { first in first == overview.lastDay ? first : "\(first) – \(overview.lastDay ?? first)" } ?? t(.noTransactionsYet)
        let window = overview.windowSince.map { since in t(.pageWindow, since, overview.windowUntil ?? since) } ?? ""
        return """
            <header>
              <div class="brand">posrca</div>
              <div>
                <h1>\(e(t(.pageHeading)))</h1>
                <p class="sub">\(e(t(.pageSubtitle, range, window, Overview.rfc3339(context.generatedAt), context.toolVersion)))</p>
              </div>
            </header>
            <main>

            """
    }

    func cards() -> String {
        func card(_ label: String, _ value: String, _ note: String, alarm: Bool = false) -> String {
            "<div class=\"card\(alarm ? " alarm" : "")\"><div class=\"label\">\(e(label))</div><div class=\"value\">\(e(value))</div><div class=\"note\">\(e(note))</div></div>"
        }
        let rate = overview.unknownRate
        let problemFiles =
            overview.files - (overview.filesByStatus[FileStatus.ok.rawValue] ?? 0)
            - (overview.filesByStatus[FileStatus.skippedDuplicate.rawValue] ?? 0)
        var html = "<section class=\"cards\">"
        html += card(t(.cardTransactions), grouped(overview.transactions), t(.cardTerminals, grouped(overview.terminals)))
        html += card(
            t(.cardUnknownCodes), grouped(overview.unknown), rate.map { t(.cardShareOfAnalysed, SVGChart.percent($0)) } ?? t(.cardNotAnalysedYet),
            alarm: overview.unknown > 0)
        html += card(t(.cardTimeouts), grouped(overview.outcomes["timeout"] ?? 0), t(.cardTimeoutsNote))
        html += card(
            t(.cardFindings), grouped(findings.rows.count), findings.rows.isEmpty ? t(.cardNothingBeyondChance) : t(.cardRankedByExcess),
            alarm: !findings.rows.isEmpty)
        html += card(
            t(.cardInputFiles), grouped(overview.files),
            t(.cardRejectedLines, grouped(overview.rejects)) + (problemFiles > 0 ? t(.cardFilesNotOK, String(problemFiles)) : ""),
            alarm: overview.rejects > 0 || problemFiles > 0)
        html += "</section>\n"
        return html
    }

    func findingsSection() -> String {
        var html = "<section><h2>\(e(t(.topFindings)))</h2>\n"
        guard !findings.rows.isEmpty else {
            return html + "<p class=\"empty\">\(e(t(.pageNoFinding)))</p></section>\n"
        }
        func cell(_ row: [String?], _ name: String) -> String? {
            findings.columns.firstIndex(of: name).flatMap { row[$0] }
        }
        func number(_ row: [String?], _ name: String) -> Double? { cell(row, name).flatMap(Double.init) }
        html += "<ol class=\"findings\">\n"
        for row in findings.rows.prefix(Self.topFindings) {
            let kind = cell(row, "kind") ?? ""
            let confounded = cell(row, "confounded_by").flatMap { $0.isEmpty ? nil : $0 }
            let sentences = Self.sentences(of: row, columns: findings.columns, language: language)
            html += "<li class=\"finding\(confounded == nil ? "" : " confounded")\">"
            html += "<div class=\"rank\">\(e(cell(row, "rank") ?? ""))</div><div class=\"body\">"
            let isNew = change.hasPrevious && change.isNew(kind: kind, pattern: cell(row, "pattern") ?? "")
            html +=
                "<div class=\"head\"><span class=\"kind \(e(kind))\" title=\"\(e(kind))\">\(e(kindName(kind)))</span><code>\(e(cell(row, "pattern") ?? ""))</code>"
            html += (isNew ? "<span class=\"new\">\(e(t(.newSinceLastRun)))</span>" : "") + "</div>"
            html += "<p class=\"evidence\">\(e(sentences.evidence))</p>"
            if !sentences.recommendation.isEmpty {
                html += "<p class=\"recommendation\"><span class=\"label\">\(e(t(.recommendation)))</span> \(e(sentences.recommendation))</p>"
            }
            html += "<div class=\"facts\">"
            if let n = cell(row, "n_txns"), let o = cell(row, "n_unknown") {
                html += fact(valueName(cell(row, "outcome") ?? "unknown"), t(.factCount, o, n))
            }
            if let rate = number(row, "rate") {
                var text = SVGChart.percent(rate)
                if let lo = number(row, "rate_lo"), let hi = number(row, "rate_hi") { text += " (\(SVGChart.percent(lo))–\(SVGChart.percent(hi)))" }
                if let base = number(row, "baseline_rate") { text += t(.factVersusBaseline, SVGChart.percent(base)) }
                html += fact(t(.factRate), text)
            }
            if let ratio = number(row, "risk_ratio") {
                var text = CFormat.number(ratio, "%.2f") + "×"
                if let lo = number(row, "rr_lo"), let hi = number(row, "rr_hi") {
                    text += " (\(CFormat.number(lo, "%.2f"))–\(CFormat.number(hi, "%.2f")))"
                }
                html += fact(kind == "firmware_change" ? t(.factDiDRatio) : t(.factRiskRatio), text)
            }
            if let excess = number(row, "excess_unknown") { html += fact(t(.factExcess), CFormat.number(excess, "%.0f")) }
            if let cause = cell(row, "top_cause"), !cause.isEmpty { html += fact(t(.factTopCause), AnalysisSummary.topCause(cause, language)) }
            if let codes = cell(row, "top_codes"), !codes.isEmpty { html += fact(t(.factCodes), codesWithMeanings(codes)) }
            if let confounded { html += fact(t(.factConfoundedBy), confounded) }
            if let folded = cell(row, "folded"), !folded.isEmpty { html += fact(t(.factFolded), folded) }
            if let rank = cell(row, "rank") {
                let file = ReportWriter.findingTerminalsFolder + "/\(rank)-terminals.csv"
                html += "<span class=\"fact\"><span class=\"label\">\(e(t(.factTerminals)))</span> <a href=\"\(e(file))\">\(e(file))</a></span>"
            }
            html += "</div></div></li>\n"
        }
        html += "</ol>\n"
        html += changeNote()
        if findings.rows.count > Self.topFindings {
            html +=
                "<p class=\"note\">\(markup(.moreFindings, String(findings.rows.count - Self.topFindings), "<a href=\"findings.csv\">findings.csv</a>"))</p>\n"
        }
        return html + "</section>\n"
    }

    /// A finding row's evidence sentence and recommendation in `language`, through
    /// `Finding.evidence(in:)` and `recommendation(in:)`, so that the page falls back exactly as
    /// the analysis does (English where no Chinese is stored). Reads the columns `evidence`,
    /// `evidence_zh`, `recommendation` and `recommendation_zh`; a missing column reads as empty.
    static func sentences(of row: [String?], columns: [String], language: Language) -> (evidence: String, recommendation: String) {
        func cell(_ name: String) -> String { columns.firstIndex(of: name).flatMap { row[$0] } ?? "" }
        let finding = Finding(
            kind: cell("kind"), pattern: cell("pattern"), outcome: cell("outcome"), transactions: 0, outcomes: 0, rate: 0, rateLow: 0,
            rateHigh: 0, baselineRate: 0, riskRatio: 0, riskRatioLow: 0, riskRatioHigh: 0, pValue: 0, qValue: 0, excess: 0,
            shareOfOutcome: 0, topCause: "", topCodes: "", confoundedBy: nil, evidence: cell("evidence"), evidenceZH: cell("evidence_zh"),
            recommendation: cell("recommendation"), recommendationZH: cell("recommendation_zh")
        )
        return (finding.evidence(in: language), finding.recommendation(in: language))
    }

    /// `A7:28|Q1:3` with each code's meaning in the page's language: `A7:28 (Security processing
    /// failed …), Q1:3`; a code in no catalogue stays bare. The first `codesWithMeaning` only.
    func codesWithMeanings(_ codes: String) -> String {
        let parts = codes.split(separator: "|").map(String.init)
        var shown: [String] = []
        for part in parts.prefix(Self.codesWithMeaning) {
            let code = part.split(separator: ":", maxSplits: 1).first.map(String.init) ?? part
            if let meaning = CodeCatalogueReport.meaning(of: code, in: catalogue, language: language) {
                shown.append(language == .chinese ? "\(part)（\(meaning)）" : "\(part) (\(meaning))")
            } else {
                shown.append(part)
            }
        }
        if parts.count > shown.count { shown.append("…") }
        return shown.joined(separator: InterfaceText.listSeparator(language))
    }

    /// New, persisting and gone findings against the previous run, by kind and pattern.
    func changeNote() -> String {
        guard change.hasPrevious else { return "<p class=\"note\">\(e(t(.firstRun)))</p>\n" }
        var parts = [
            t(.changeNew, String(change.new.count)), t(.changePersisting, String(change.persisting.count)), t(.changeGone, String(change.gone.count)),
        ]
        if change.new.isEmpty && change.gone.isEmpty { parts = [t(.changeSame)] }
        var html = "<p class=\"note\">\(e(t(.changeSincePrevious, parts.joined(separator: InterfaceText.listSeparator(language)))))"
        if !change.gone.isEmpty {
            let gone = change.gone.map { "<code>\(e($0.pattern))</code> (\(e(kindName($0.kind))))" }.joined(
                separator: InterfaceText.listSeparator(language))
            html += markup(.changeGoneList, gone)
        }
        return html + "</p>\n"
    }

    func chartsSection() -> String {
        let overall = overview.unknownRate
        func chart(_ title: InterfaceText, _ caption: InterfaceText, _ query: String, _ svg: ([RatePoint]) -> String, labels: [String]) -> String {
            let body: String
            if let table = results[query] {
                body = svg(RatePoint.points(from: table, labelColumns: labels))
            } else {
                body = "<p class=\"note\">\(e(t(.chartQueryMissing, query, queries.origin)))</p>"
            }
            return
                "<figure class=\"chart\"><figcaption><h3>\(e(t(title)))</h3><p>\(e(t(caption))) <a href=\"\(e(query)).csv\">CSV</a></p></figcaption>\(body)</figure>\n"
        }
        var html = "<section><h2>\(e(t(.chartsHeading)))</h2>\n"
        html +=
            "<p class=\"legend\"><span class=\"swatch normal\"></span>\(e(t(.legendRate))) <span class=\"swatch alarm\"></span>\(e(t(.legendRaised))) <span class=\"dash\"></span>\(e(t(.legendOverall)))"
        html += overall.map { " (\(SVGChart.percent($0)))" } ?? ""
        html += "</p>\n<div class=\"grid\">\n"
        html += chart(
            .chartByDay, .chartByDayCaption, "unknown_rate_by_day", { SVGChart.daily($0, overall: overall, language: language) }, labels: ["day"])
        html += chart(
            .chartByFirmware, .chartByFirmwareCaption, "unknown_rate_by_firmware", { SVGChart.bars($0, overall: overall, language: language) },
            labels: ["firmware"])
        html += chart(
            .chartByChannelFeeTier, .chartByChannelFeeTierCaption, "unknown_rate_by_channel_fee_tier",
            { SVGChart.bars($0, overall: overall, language: language) }, labels: ["channel", "fee_tier"])
        html += chart(
            .chartNetworkWindow, .chartNetworkWindowCaption, "unknown_rate_by_network_window",
            { SVGChart.bars($0, overall: overall, language: language) }, labels: ["net_event_60s", "rssi_band"])
        html += "</div></section>\n"
        return html
    }

    func inputsSection() -> String {
        var html = "<section><h2>\(e(t(.inputsHeading)))</h2>\n<p>"
        let statuses = overview.filesByStatus.sorted { $0.key < $1.key }.map { t(.fileStatusCount, String($0.value), $0.key) }.joined(
            separator: InterfaceText.listSeparator(language))
        html += e(t(.inputsTotals, grouped(overview.files), statuses.isEmpty ? t(.noFiles) : statuses, grouped(overview.rejects)))
        html +=
            markup(
                .inputsWhereToLook, "<a href=\"manifest.json\">manifest.json</a>",
                "<a href=\"rejects_by_file_reason.csv\">rejects_by_file_reason.csv</a>") + "</p>\n"
        guard let path = inputs.columns.firstIndex(of: "path"), let status = inputs.columns.firstIndex(of: "status"),
            let rejects = inputs.columns.firstIndex(of: "rejects")
        else { return html + "</section>\n" }
        let error = inputs.columns.firstIndex(of: "error")
        let attention = inputs.rows.filter { row in
            let fileStatus = row[status].flatMap(FileStatus.init(rawValue:))
            return (fileStatus != .ok && fileStatus != .skippedDuplicate) || (row[rejects].flatMap { Int($0) } ?? 0) > 0
        }
        if !attention.isEmpty {
            html +=
                "<table><thead><tr><th>\(e(t(.columnFile)))</th><th>\(e(t(.columnStatus)))</th><th class=\"num\">\(e(t(.columnRejects)))</th><th>\(e(t(.columnError)))</th></tr></thead><tbody>\n"
            for row in attention.prefix(20) {
                html +=
                    "<tr><td><code>\(e(row[path] ?? ""))</code></td><td>\(e(row[status] ?? ""))</td><td class=\"num\">\(e(row[rejects] ?? ""))</td><td>\(e(error.flatMap { row[$0] } ?? ""))</td></tr>\n"
            }
            html += "</tbody></table>\n"
            if attention.count > 20 { html += "<p class=\"note\">\(e(t(.moreFilesNeedAttention, String(attention.count - 20))))</p>\n" }
        }
        return html + "</section>\n"
    }

    func footer() -> String {
        var html = "<section><h2>\(e(t(.reportFilesHeading)))</h2><ul class=\"files\">"
        for name in files {
            let title = queries.queries.first { $0.name + ".csv" == name }?.title(in: language)
            html += "<li><a href=\"\(e(name))\">\(e(name))</a>" + (title.map { " — \(e($0))" } ?? "") + "</li>"
        }
        html += "</ul></section>\n</main>\n<footer>\(e(t(.footerRates)))"
        html += "\(e(t(.footerSources)))</footer>\n"
        return html
    }

    // MARK: - Helpers

    func fact(_ label: String, _ value: String) -> String {
        "<span class=\"fact\"><span class=\"label\">\(e(label))</span> \(e(value))</span>"
    }

    func e(_ text: String) -> String { SVGChart.escape(text) }

    /// The page's text for `key` in its language, with `values` in its placeholders.
    func t(_ key: InterfaceText, _ values: String...) -> String { InterfaceText.fill(key.text[language], values) }

    /// The page's text for `key`, escaped, with pieces of HTML (links, code) in its placeholders.
    func markup(_ key: InterfaceText, _ html: String...) -> String { InterfaceText.fill(e(key.text[language]), html) }

    /// A value of the views (an outcome) in the page's language.
    func valueName(_ value: String) -> String { InterfaceText.name(ofValue: value, in: language) }

    /// A finding kind as the page shows it: `firmware change` in English, `固件变更` in Chinese.
    func kindName(_ kind: String) -> String {
        language == .english ? kind.replacingAll("_", with: " ") : valueName(kind)
    }

    /// 130249 → `130,249`: for the eye only; CSV keeps plain numbers.
    func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }

    static let style = """
        :root { --ink: #0f172a; --soft: #475569; --line: #e2e8f0; --bg: #f8fafc; --blue: #2563eb; --alarm: #c2410c; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
               font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif; }
        header { display: flex; gap: 18px; align-items: center; padding: 20px 32px; background: #0f172a; color: #f8fafc; }
        header .brand { font-weight: 700; letter-spacing: .04em; background: var(--blue); padding: 6px 10px; border-radius: 6px; }
        header h1 { margin: 0; font-size: 22px; font-weight: 600; }
        header .sub { margin: 2px 0 0; color: #cbd5e1; font-size: 13px; }
        main { max-width: 1320px; margin: 0 auto; padding: 20px 32px 8px; }
        h2 { font-size: 17px; margin: 26px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 14px; margin: 0; }
        a { color: var(--blue); }
        code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", monospace; }
        .cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
        .card .label { color: var(--soft); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
        .card .value { font-size: 26px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
        .card .note { color: var(--soft); font-size: 12.5px; }
        .card.alarm { border-top: 3px solid var(--alarm); }
        .findings { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
        .finding { display: flex; gap: 14px; background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--alarm);
                   border-radius: 8px; padding: 12px 16px; }
        .finding.confounded { border-left-color: var(--soft); opacity: .85; }
        .finding .rank { font-size: 20px; font-weight: 700; color: var(--soft); min-width: 26px; }
        .finding .body { flex: 1; min-width: 0; }
        .finding .head { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
        .finding .head code { font-size: 13.5px; font-weight: 600; word-break: break-all; }
        .kind { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; padding: 2px 7px; border-radius: 999px;
                background: #e0e7ff; color: #3730a3; white-space: nowrap; }
        .kind.network { background: #dcfce7; color: #166534; }
        .kind.firmware_change { background: #fef3c7; color: #92400e; }
        .kind.code { background: #fce7f3; color: #9d174d; }
        .new { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; padding: 2px 7px; border-radius: 999px;
               background: #fee2e2; color: #991b1b; white-space: nowrap; }
        .evidence { margin: 6px 0 8px; font-size: 14.5px; }
        .recommendation { margin: -2px 0 8px; font-size: 13.5px; padding: 6px 10px; background: #f0f9ff; border-radius: 6px; }
        .recommendation .label { font-weight: 600; color: #0369a1; margin-right: 4px; }
        .facts { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12.5px; color: var(--soft); font-variant-numeric: tabular-nums; }
        .fact .label { text-transform: uppercase; font-size: 11px; letter-spacing: .04em; color: #64748b; }
        .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
        .chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
        .chart figcaption p { margin: 2px 0 8px; color: var(--soft); font-size: 12.5px; }
        .legend { color: var(--soft); font-size: 12.5px; margin: 0 0 10px; }
        .swatch { display: inline-block; width: 12px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: baseline; }
        .swatch.normal { background: var(--blue); margin-left: 0; }
        .swatch.alarm { background: var(--alarm); }
        .dash { display: inline-block; width: 18px; border-top: 1.5px dashed var(--soft); margin: 0 4px 3px 10px; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); font-size: 13px; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
        th { background: #f1f5f9; font-weight: 600; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .note, .empty { color: var(--soft); font-size: 12.5px; }
        .empty { font-size: 14px; background: #fff; border: 1px dashed var(--line); border-radius: 8px; padding: 14px; }
        .files { columns: 3; font-size: 13px; padding-left: 18px; }
        footer { max-width: 1320px; margin: 0 auto; padding: 10px 32px 28px; color: var(--soft); font-size: 12px; }
        @media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } .grid { grid-template-columns: 1fr; } .files { columns: 1; } }
        @media print { body { background: #fff; } .chart, .card, .finding { break-inside: avoid; } }
        """
}
