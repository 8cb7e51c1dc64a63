import Foundation
import POSAnalysis
import POSFormats
import POSIngest
import POSReports
import POSSampleData
import POSStore
import Testing

/// True when `text` holds a CJK ideograph.
func hasCJK(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
}

/// The literal parts of a template (`{0}` placeholders taken out) that hold a word of three
/// letters or more besides the tool's name: what must not show through in another language. Short
/// pieces (`s`, `n`, punctuation) are left out, as they occur in numbers and names of any language.
func englishWords(of template: String) -> [String] {
    template.replacingOccurrences(of: #"\{[0-9]+\}"#, with: "\u{0}", options: .regularExpression)
        .split(separator: "\u{0}")
        .map { $0.trimmingCharacters(in: .whitespaces) }
        // The tool's name is the same in every language.
        .filter { $0.replacingOccurrences(of: "posrca", with: "").range(of: "[A-Za-z]{3,}", options: .regularExpression) != nil }
}

/// True when `phrase` occurs in `text` as whole words: not inside a longer word, a name such as
/// `unknown_rate_by_day`, a pattern such as `net_event_60s` or a file name such as
/// `findings/1-terminals.csv` (which stays as it is in every language).
func containsWords(_ text: String, _ phrase: String) -> Bool {
    func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "/" }
    var searchRange = text.startIndex..<text.endIndex
    while let found = text.range(of: phrase, range: searchRange) {
        let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
        let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
        let startsWord = phrase.first.map(isWordCharacter) ?? false
        let endsWord = phrase.last.map(isWordCharacter) ?? false
        if !(startsWord && before.map(isWordCharacter) == true) && !(endsWord && after.map(isWordCharacter) == true) { return true }
        searchRange = found.upperBound..<text.endIndex
    }
    return false
}

/// What a person sees of an HTML page: the text without the style sheet and tags, entities decoded.
func visibleText(ofHTML html: String) -> String {
    var text = html.replacingOccurrences(of: #"<style>[\s\S]*?</style>"#, with: " ", options: .regularExpression)
    text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
    for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
        text = text.replacingOccurrences(of: entity, with: character)
    }
    return text
}

/// The English interface texts found in `text`, each with the key it comes from. View values
/// (outcome, cause and kind names, which patterns and file names hold in every language) are not looked for.
func englishInterfaceText(in text: String) -> [String] {
    InterfaceText.allCases.filter { !$0.isViewValue }.flatMap { key in
        englishWords(of: key.text.english).filter { containsWords(text, $0) }.map { "\(key.rawValue): \($0)" }
    }
}

@Suite("InterfaceText: every word people read, in English and Chinese")
struct InterfaceTextTests {
    @Test(arguments: InterfaceText.allCases)
    func everyKeyHasEnglishAndChinese(_ key: InterfaceText) {
        let text = key.text
        #expect(!text.english.trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(!text.chinese.trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(hasCJK(text.chinese), "\(key): \(text.chinese)")
        #expect(!hasCJK(text.english), "\(key): \(text.english)")
        #expect(text.english != text.chinese)
        // A template takes the same values in both languages.
        func placeholders(_ template: String) -> [String] {
            template.matches(of: /\{[0-9]+\}/).map { String($0.output) }.sorted()
        }
        #expect(placeholders(text.english) == placeholders(text.chinese), "\(key)")
    }

    @Test func templatesTakeTheirValuesInEachLanguagesOrder() {
        #expect(
            InterfaceText.summaryRecomputed(.english, "1800", "3", "27463", "0.82")
                == "Recomputed 1800 terminal-days on 3 days (27463 transactions) in 0.82 s.")
        #expect(InterfaceText.summaryRecomputed(.chinese, "1800", "3", "27463", "0.82") == "重新计算了 3 天中的 1800 个终端日（27463 笔交易），用时 0.82 秒。")
        #expect(InterfaceText.factCount(.chinese, "298", "1507") == "1507 笔中 298 笔")
        // A value that looks like a placeholder is kept as it is.
        #expect(InterfaceText.cardTerminals(.english, "{1}") == "{1} terminals")
    }

    /// Outcomes, causes, finding kinds and targets have Chinese names; English shows the value itself.
    @Test func everyValueOfTheViewsHasChineseWords() {
        let values =
            Outcome.allCases.map(\.description) + Cause.allCases.map(\.description) + ExplainTarget.allCases.map(\.rawValue)
            + ["combination", "network", "firmware_change", "code"]
        for value in values {
            #expect(InterfaceText.name(ofValue: value, in: .english) == value)
            #expect(hasCJK(InterfaceText.name(ofValue: value, in: .chinese)), "\(value)")
        }
        #expect(InterfaceText.name(ofValue: "something_new", in: .chinese) == "something_new")
        #expect(InterfaceText.name(ofPhase: "load window", in: .chinese) == "读取窗口数据")
        #expect(InterfaceText.name(ofPhase: "load window", in: .english) == "load window")
    }

    /// The Chinese summary.html lists every canned query with its title: each has one in Chinese.
    @Test func everyCannedQueryHasAChineseTitle() {
        for query in repositoryQueries.queries {
            #expect(hasCJK(query.titleZH), "\(query.name): add `-- title_zh:` to Queries/\(query.name).sql")
            #expect(query.title(in: .chinese) == query.titleZH)
            #expect(query.title(in: .english) == query.title && !hasCJK(query.title))
        }
    }

    @Test func theCheckFindsEnglishWordsAndOnlyWholeOnes() {
        #expect(containsWords("see unknown_rate_by_day.csv", "rate") == false)
        #expect(containsWords("the rate went up", "rate") == true)
        #expect(containsWords("generated 2026", "rate") == false)
        #expect(
            englishWords(of: "Recomputed {0} terminal-days on {1} days ({2} transactions) in {3} s.")
                == ["Recomputed", "terminal-days on", "days (", "transactions) in"])
    }
}

/// A generated data set with planted causes, ingested and analysed once for the suite.
enum GeneratedReport {
    struct Built: Sendable {
        var folder: String
        var result: AnalysisResult
    }

    static let built: Built = {
        do {
            let folder = try Fixture.temporaryFolder("posrca-language")
            var config = SampleConfiguration()
            config.terminals = 300
            config.days = 3
            config.transactionsPerTerminalPerDay = 12
            config.effectStrength = 3
            _ = try SampleGenerator(config).write(to: folder + "/logs")
            let database = try Database(path: folder + "/db.sqlite")
            _ = try Ingester(store: try IngestStore(database: database), options: ParseOptions()).run(paths: [folder + "/logs"])
            var options = AnalysisOptions()
            options.network.permutations = 99
            let result = try Analysis.run(database: database, options: options)
            return Built(folder: folder, result: result)
        } catch {
            fatalError("cannot build the generated report: \(error)")
        }
    }()

    /// Writes the report folder in `language` and returns summary.html.
    static func summaryPage(_ language: Language) throws -> String {
        let folder = built.folder + "/report-" + language.rawValue
        var context = ReportContext(toolVersion: "9.9.9")
        context.language = language
        let database = try Database(path: built.folder + "/db.sqlite", mode: .readOnly)
        _ = try ReportWriter.write(database: database, queries: repositoryQueries, folder: folder, context: context)
        return try FileOutput.readText(folder + "/summary.html")
    }

    /// Values of the data the page shows in every language, taken out before looking for English:
    /// finding sentences (the analysis's own, English until it writes Chinese) and the files' errors.
    static func dataShown(_ language: Language) throws -> [String] {
        let database = try Database(path: built.folder + "/db.sqlite", mode: .readOnly)
        var data = built.result.findings.flatMap { [$0.evidence(in: language), $0.recommendation(in: language)] }
        data += try QueryRunner.run(sql: "SELECT error FROM files WHERE error IS NOT NULL", on: database).rows.compactMap { $0[0] }
        return data.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    static func removing(_ data: [String], from text: String) -> String {
        data.reduce(text) { $0.replacingOccurrences(of: $1, with: " ") }
    }
}

@Suite("Reports in Chinese on generated data", .serialized)
struct ChineseReportTests {
    @Test func chineseSummaryPageHasNoEnglishInterfaceText() throws {
        try #require(!GeneratedReport.built.result.findings.isEmpty, "the planted causes give findings")
        let html = try GeneratedReport.summaryPage(.chinese)
        #expect(html.contains("<html lang=\"zh-CN\">"))
        let text = GeneratedReport.removing(try GeneratedReport.dataShown(.chinese), from: visibleText(ofHTML: html))
        #expect(englishInterfaceText(in: text) == [])
        // The words are the table's Chinese ones, the query titles their title_zh.
        for key: InterfaceText in [.pageHeading, .topFindings, .chartsHeading, .chartByFirmware, .inputsHeading, .reportFilesHeading] {
            #expect(text.contains(key.text.chinese), "\(key)")
        }
        #expect(text.contains("每日未知应答码比率"))
        #expect(!text.contains("Unknown-code rate by day"))
        // Outcome and kind names in words, not as the views' values.
        #expect(text.contains("未知应答码"))
    }

    @Test func chinesePrintedSummaryHasNoEnglishInterfaceText() throws {
        let result = GeneratedReport.built.result
        try #require(!result.findings.isEmpty)
        let printed = AnalysisSummary.text(result, target: .unknown, top: 10, language: .chinese)
        let text = GeneratedReport.removing(try GeneratedReport.dataShown(.chinese), from: printed)
        #expect(englishInterfaceText(in: text) == [], "\(printed)")
        #expect(printed.hasPrefix("分析窗口 "))
        #expect(printed.contains("交易结果：成功 "))
        #expect(printed.contains("排名") && printed.contains("风险比（95% 置信区间）"))
        // Numbers, days and patterns are as in English.
        let english = AnalysisSummary.text(result, target: .unknown, top: 10, language: .english)
        for finding in result.findings.prefix(10) {
            #expect(printed.contains(finding.pattern) && english.contains(finding.pattern))
        }
        #expect(printed.contains(String(result.transactions)))
    }

    /// The check above can fail: the same look at the English outputs finds their interface text.
    @Test func englishOutputsShowTheInterfaceText() throws {
        let result = GeneratedReport.built.result
        let page = GeneratedReport.removing(
            try GeneratedReport.dataShown(.english), from: visibleText(ofHTML: try GeneratedReport.summaryPage(.english)))
        let found = englishInterfaceText(in: page)
        #expect(found.count >= 40, "\(found)")
        for key: InterfaceText in [.pageHeading, .topFindings, .chartsHeading, .footerRates] {
            #expect(found.contains { $0.hasPrefix(key.rawValue + ":") }, "\(key)")
        }
        let printed = AnalysisSummary.text(result, target: .unknown, top: 10, language: .english)
        #expect(englishInterfaceText(in: printed).count >= 10)
        #expect(printed.hasPrefix("Window "))
        #expect(try GeneratedReport.summaryPage(.english).contains("<html lang=\"en\">"))
    }

    /// A recommendation the analysis gives is printed under its finding, in the language asked for.
    @Test func printedSummaryShowsRecommendations() throws {
        var result = GeneratedReport.built.result
        try #require(!result.findings.isEmpty)
        result.findings[0].recommendation = "Upgrade the terminals."
        result.findings[0].recommendationZH = "升级终端固件。"
        result.findings[0].evidenceZH = "中文证据。"
        let chinese = AnalysisSummary.text(result, target: .unknown, top: 10, language: .chinese)
        #expect(chinese.contains("1. 中文证据。\n   建议：升级终端固件。\n"))
        let english = AnalysisSummary.text(result, target: .unknown, top: 10, language: .english)
        #expect(english.contains("1. \(result.findings[0].evidence)\n   Recommendation: Upgrade the terminals.\n"))
    }
}

@Suite("Code meanings in English and Chinese")
struct CodeMeaningTests {
    @Test(arguments: [
        // CUP 2015 codes (letters, and 05 where CUP's meaning overrides ISO's).
        ("A7", "Security processing failed (MAC, PIN or key handling)", "安全处理失败"),
        ("P1", "No mobile phone or other contact number on file with the issuer for this card", "当前卡未在发卡机构留存手机号等通讯联系号码"),
        ("05", "Cardholder authentication failed", "身份认证失败"),
        // ISO 8583:1987 codes CUP does not redefine.
        ("63", "Security violation", "违反安全规定"),
        ("26", "Duplicate file update record, old record replaced", "文件更新记录重复，旧记录已替换"),
    ])
    func builtInCodesMeanInBothLanguages(code: String, english: String, chinese: String) {
        let catalogue = ResponseCodeCatalogue.builtIn
        #expect(CodeCatalogueReport.meaning(of: code, in: catalogue, language: .english) == english)
        #expect(CodeCatalogueReport.meaning(of: code, in: catalogue, language: .chinese) == chinese)
    }

    @Test func aUserEntryWithoutChineseFallsBackToEnglish() {
        var catalogue = ResponseCodeCatalogue.builtIn
        catalogue.add(CatalogueEntry(line: 2, code: "Q9", meaning: "Agent's risk block", scope: "agentpay-switch", source: "file"))
        catalogue.add(CatalogueEntry(line: 3, code: "51", meaning: "No funds (host)", scope: "*", source: "file", meaningZH: "余额不足（主机）"))
        #expect(CodeCatalogueReport.meaning(of: "Q9", in: catalogue, language: .chinese) == "Agent's risk block")
        #expect(CodeCatalogueReport.meaning(of: "51", in: catalogue, language: .chinese) == "余额不足（主机）")
        #expect(CodeCatalogueReport.meaning(of: "X1", in: catalogue, language: .chinese) == nil)
    }

    /// `posrca codes`: the columns as before, with `meaning_zh` at the end.
    @Test func codesListingEndsWithTheChineseMeaning() throws {
        let table = try CodeCatalogueReport.table(database: fixture())
        #expect(table.columns == ["code", "meaning", "scope", "source", "terminal_count", "acquirer_count", "first_seen", "last_seen", "meaning_zh"])
        func row(_ code: String, _ source: String) -> [String?]? { table.rows.first { $0[0] == code && $0[3] == source } }
        #expect(row("A7", "cup-2015")?[1] == "Security processing failed (MAC, PIN or key handling)")
        #expect(row("A7", "cup-2015")?[8] == "安全处理失败")
        #expect(row("A7", "cup-2015")?[4] == "2")
        #expect(row("51", "iso8583-1987")?[8] == "资金不足")
        #expect(row("Q1", "seen")?[1] == "(in no catalogue: non-standard)")
        #expect(row("Q1", "seen")?[8] == "（不在任何应答码清单中：非标准应答码）")
    }

    /// The codes under a finding carry their meanings in the page's language.
    @Test func summaryPageNamesCodeMeaningsInItsLanguage() throws {
        func page(_ language: Language) throws -> String {
            let folder = try Fixture.temporaryFolder("posrca-codes-page") + "/out"
            var context = ReportContext(toolVersion: "t")
            context.language = language
            _ = try ReportWriter.write(database: fixture(), queries: repositoryQueries, folder: folder, context: context)
            return try FileOutput.readText(folder + "/summary.html")
        }
        let chinese = try page(.chinese)
        #expect(chinese.contains("Q1:2，A7:1（安全处理失败）"))
        #expect(chinese.contains("P1:1（当前卡未在发卡机构留存手机号等通讯联系号码）"))
        let english = try page(.english)
        #expect(english.contains("Q1:2, A7:1 (Security processing failed (MAC, PIN or key handling))"))
        #expect(english.contains("P1:1 (No mobile phone or other contact number on file with the issuer for this card)"))
    }

    /// Catalogue files with and without `meaning_zh`; and a database from before the column.
    @Test func userCataloguesWithAndWithoutChineseLoad() throws {
        let folder = try Fixture.temporaryFolder("posrca-catalogues")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileOutput.makeDirectories(folder + "/in")
        try FileOutput.writeAtomically("code,meaning,scope\nQ1,Agent's own decline,agentpay-switch\n", to: folder + "/in/codes-old.csv")
        try FileOutput.writeAtomically(
            "code,meaning,meaning_zh,scope\nX9,Risk block,风控拦截,*\nX8,Only English,,*\n", to: folder + "/in/codes-bilingual.csv")
        let path = folder + "/db.sqlite"
        do {
            let store = try IngestStore(database: Database(path: path))
            let report = try Ingester(store: store, options: ParseOptions()).run(paths: [folder + "/in"])
            #expect(report.files.map(\.status) == [.ok, .ok])
            let catalogue = try ResponseCodeCatalogue.inForce(store.database)
            #expect(catalogue.entry(for: "Q1", realm: "agentpay-switch")?.meaning == "Agent's own decline")
            #expect(catalogue.entry(for: "Q1", realm: "agentpay-switch")?.meaningZH == "")
            #expect(catalogue.entry(for: "X9", realm: nil)?.meaningZH == "风控拦截")
            #expect(catalogue.entry(for: "X8", realm: nil)?.meaningZH == "")
            let table = try CodeCatalogueReport.table(database: store.database)
            #expect(table.rows.first { $0[0] == "X9" }?[8] == "风控拦截")
            #expect(table.rows.first { $0[0] == "X8" }?[8] == nil)
            #expect(table.rows.first { $0[0] == "Q1" }?[8] == nil)
            // As a database written before meaning_zh: no column, and a schema another build wrote.
            try store.database.execute("ALTER TABLE catalogue_entries DROP COLUMN meaning_zh")
            try store.database.execute("UPDATE meta SET value = 'earlier' WHERE key = 'schema_hash'")
        }
        // A reading command cannot add the column and still reads the catalogue, without Chinese.
        let older = try ResponseCodeCatalogue.inForce(Database(path: path, mode: .readOnly))
        #expect(older.entry(for: "X9", realm: nil)?.meaning == "Risk block")
        #expect(older.entry(for: "X9", realm: nil)?.meaningZH == "")
        // Opening it to write adds the column back; a file ingested now keeps its Chinese meanings.
        let store = try IngestStore(database: Database(path: path))
        #expect(try store.database.scalarInt("SELECT count(*) FROM pragma_table_info('catalogue_entries') WHERE name = 'meaning_zh'") == 1)
        try FileOutput.writeAtomically("code,meaning,meaning_zh\nX7,Key expired,密钥过期\n", to: folder + "/in2.csv")
        _ = try Ingester(store: store, options: ParseOptions()).run(paths: [folder + "/in2.csv"])
        let upgraded = try ResponseCodeCatalogue.inForce(store.database)
        #expect(upgraded.entry(for: "X7", realm: nil)?.meaningZH == "密钥过期")
        #expect(upgraded.entry(for: "X9", realm: nil)?.meaningZH == "")
    }
}
