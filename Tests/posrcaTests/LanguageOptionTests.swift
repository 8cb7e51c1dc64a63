import Foundation
import Testing

// `--lang` and POSRCA_LANG on the real binary: a language posrca does not write is a usage error
// (exit 64) naming the value and the accepted ones; zh-CN from the environment is honoured by
// analyze, report and nightly, and the flag wins over the environment.

@Suite("--lang and POSRCA_LANG", .serialized)
struct LanguageOptionTests {
    static let commands: [[String]] = [["analyze"], ["report", "--out", "OUT"], ["nightly", "--reports", "OUT"]]

    @Test("--lang xx is a usage error", arguments: commands)
    func unknownLanguageFlag(_ arguments: [String]) throws {
        let work = Workspace()
        let resolved = arguments.map { $0 == "OUT" ? work.reports : $0 }
        let outcome = try posrca(resolved + ["--db", work.db, "--lang", "xx"])
        #expect(outcome.exitStatus == 64, "\(outcome)")
        #expect(outcome.stderr.contains("--lang xx is not a language posrca writes; use en or zh-CN."), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.db))
    }

    @Test("POSRCA_LANG=xx is a usage error", arguments: commands)
    func unknownLanguageInEnvironment(_ arguments: [String]) throws {
        let work = Workspace()
        let resolved = arguments.map { $0 == "OUT" ? work.reports : $0 }
        let outcome = try posrca(resolved + ["--db", work.db], environment: ["POSRCA_LANG": "xx"])
        #expect(outcome.exitStatus == 64, "\(outcome)")
        #expect(outcome.stderr.contains("POSRCA_LANG xx is not a language posrca writes; use en or zh-CN."), "\(outcome.stderr)")
    }

    @Test("POSRCA_LANG=zh-CN: nightly, analyze and report write Chinese; --lang en wins over it")
    func chineseFromTheEnvironment() throws {
        let work = Workspace()
        try generateSampleSet(into: work.inbox, terminals: 80, days: 2)
        let chinese = ["POSRCA_LANG": "zh-CN", "POSRCA_PERMUTATIONS": "99"]
        let nightly = try posrca(["nightly", "--db", work.db, "--inbox", work.inbox, "--reports", work.reports], environment: chinese)
        #expect(nightly.exitStatus == 0 || nightly.exitStatus == 1, "\(nightly)")
        // The printed summary is Chinese; the log lines around it stay English.
        #expect(nightly.stderr.contains("\n分析窗口 "), "\(nightly.stderr)")
        #expect(nightly.stderr.contains("交易结果：成功 "))
        #expect(nightly.stderr.contains("posrca nightly nightly run started"))
        let folders = try FileManager.default.contentsOfDirectory(atPath: work.reports).filter { !$0.hasPrefix(".") }
        let folder = work.reports + "/" + (try #require(folders.first))
        let page = try String(contentsOfFile: folder + "/summary.html", encoding: .utf8)
        #expect(page.contains("<html lang=\"zh-CN\">") && page.contains("终端为何显示未知应答码"))
        let manifest = try String(contentsOfFile: folder + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"lang\": \"zh-CN\""), "\(manifest.prefix(2000))")
        // CSV files are an interface: their header is the same in every language.
        let findings = try String(contentsOfFile: folder + "/findings.csv", encoding: .utf8)
        #expect(findings.hasPrefix("rank,kind,pattern,outcome,"))

        let analyze = try posrca(["analyze", "--db", work.db], environment: chinese)
        #expect(analyze.exitStatus == 0, "\(analyze)")
        #expect(analyze.stdout.hasPrefix("分析窗口 "), "\(analyze.stdout)")
        let english = try posrca(["analyze", "--db", work.db, "--lang", "en"], environment: chinese)
        #expect(english.stdout.hasPrefix("Window "), "\(english.stdout)")
        #expect(english.stdout.contains("Outcomes: approved: "))

        let report = try posrca(["report", "--db", work.db, "--out", work.root + "/report"], environment: chinese)
        #expect(report.exitStatus == 0, "\(report)")
        #expect(try String(contentsOfFile: work.root + "/report/summary.html", encoding: .utf8).contains("<html lang=\"zh-CN\">"))
        let defaultReport = try posrca(["report", "--db", work.db, "--out", work.root + "/report-en"])
        #expect(defaultReport.exitStatus == 0, "\(defaultReport)")
        #expect(try String(contentsOfFile: work.root + "/report-en/summary.html", encoding: .utf8).contains("<html lang=\"en\">"))
    }
}
