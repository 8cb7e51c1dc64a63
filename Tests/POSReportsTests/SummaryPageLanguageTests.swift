import POSAnalysis
import Testing

@testable import POSReports

/// summary.html's findings with the columns the analysis stores its sentences in
/// (`evidence`, `evidence_zh`, `recommendation`, `recommendation_zh`): each finding shows its
/// evidence and, under it, its recommendation, in the page's language, English where no Chinese is stored.
@Suite("summary.html: evidence and recommendation in the page's language")
struct SummaryPageLanguageTests {
    static let findings = ResultTable(
        columns: ["rank", "kind", "pattern", "outcome", "n_txns", "n_unknown", "evidence", "evidence_zh", "recommendation", "recommendation_zh"],
        rows: [
            [
                "1", "network", "net_event_60s=yes", "unknown", "10", "5", "Five of ten <after> events.", "十笔中五笔<网络事件后>。",
                "Check the weak-signal sites.", "排查信号弱的网点。",
            ],
            ["2", "code", "code=A7", "unknown", "3", "3", "Code A7 was unknown.", "", "Load the CUP2015 code table.", ""],
            ["3", "combination", "brand=Landi", "unknown", "4", "1", "Landi showed one.", "", "", ""],
        ]
    )

    static func section(_ language: Language) -> String {
        var context = ReportContext(toolVersion: "t")
        context.language = language
        let page = SummaryPage(
            overview: Overview(), findings: findings, results: [:], inputs: ResultTable(columns: []), files: [], context: context,
            queries: repositoryQueries
        )
        return page.findingsSection()
    }

    @Test func chinesePageShowsChineseSentencesAndFallsBackToEnglish() {
        let html = Self.section(.chinese)
        #expect(
            html.contains("<p class=\"evidence\">十笔中五笔&lt;网络事件后&gt;。</p><p class=\"recommendation\"><span class=\"label\">建议</span> 排查信号弱的网点。</p>"))
        // No Chinese stored: the English sentence, as Finding.evidence(in:) gives it.
        #expect(
            html.contains(
                "<p class=\"evidence\">Code A7 was unknown.</p><p class=\"recommendation\"><span class=\"label\">建议</span> Load the CUP2015 code table.</p>"
            ))
        // No recommendation: nothing under the evidence.
        #expect(html.contains("<p class=\"evidence\">Landi showed one.</p><div class=\"facts\">"))
        #expect(html.contains(">网络事件</span>") && html.contains(">应答码</span>") && html.contains(">属性组合</span>"))
        #expect(!html.contains("Five of ten") && !html.contains("Check the weak-signal sites."))
    }

    @Test func englishPageShowsEnglishSentences() {
        let html = Self.section(.english)
        #expect(
            html.contains(
                "<p class=\"evidence\">Five of ten &lt;after&gt; events.</p><p class=\"recommendation\"><span class=\"label\">Recommendation</span> Check the weak-signal sites.</p>"
            ))
        #expect(html.contains(">network</span>") && html.contains(">combination</span>"))
        #expect(!html.contains("十笔中五笔") && !html.contains("建议"))
    }

    /// Today's findings view has no sentence columns but `evidence`: the page still shows it.
    @Test func sentencesOfARowWithoutTheNewColumns() {
        let row: [String?] = ["1", "Only English."]
        #expect(SummaryPage.sentences(of: row, columns: ["rank", "evidence"], language: .chinese) == ("Only English.", ""))
    }
}
