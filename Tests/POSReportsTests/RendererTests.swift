import Foundation
import POSReports
import Testing

@Suite("Output formats")
struct RendererTests {
    static let awkward = ResultTable(
        columns: ["name", "note", "n", "rate"],
        rows: [
            ["plain", "a,b", "1", "0.25"],
            ["quote \"x\"", "line\nbreak", "22", nil],
            ["汇联代理", "cr\rlf", nil, "1e-05"],
        ],
        columnTypes: [.text, .text, .integer, .real]
    )

    @Test func csvIsRFC4180WithCRLF() {
        let csv = TableRenderer.render(Self.awkward, as: .csv)
        #expect(csv == "name,note,n,rate\r\nplain,\"a,b\",1,0.25\r\n\"quote \"\"x\"\"\",\"line\nbreak\",22,\r\n汇联代理,\"cr\rlf\",,1e-05\r\n")
        #expect(
            readCSV(csv) == [
                ["name", "note", "n", "rate"], ["plain", "a,b", "1", "0.25"], ["quote \"x\"", "line\nbreak", "22", ""],
                ["汇联代理", "cr\rlf", "", "1e-05"],
            ])
        #expect(!csv.hasPrefix("\u{FEFF}"))
    }

    @Test func excelAddsAByteOrderMark() {
        let csv = TableRenderer.render(Self.awkward, as: .csv, excel: true)
        #expect(Array(csv.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.dropFirst() == Substring(TableRenderer.render(Self.awkward, as: .csv)))
        #expect(TableRenderer.render(Self.awkward, as: .json, excel: true).first == "[")
    }

    @Test func jsonEscapesAndTypesNumbers() throws {
        let table = ResultTable(
            columns: ["text", "n", "x"],
            rows: [["q\"b\\s/\t\u{01}\n汇", "7", "0.5"], [nil, nil, "inf"]],
            columnTypes: [.text, .integer, .real]
        )
        let json = TableRenderer.render(table, as: .json)
        #expect(json == "[{\"text\":\"q\\\"b\\\\s/\\t\\u0001\\n汇\",\"n\":7,\"x\":0.5},\n {\"text\":null,\"n\":null,\"x\":\"inf\"}]\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["text"] as? String == "q\"b\\s/\t\u{01}\n汇")
        #expect(parsed?.first?["n"] as? Int == 7)
        let lines = TableRenderer.render(table, as: .jsonl).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines { #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any]) }
    }

    @Test func alignsChineseTextByDisplayWidth() {
        let table = ResultTable(
            columns: ["agent", "n"], rows: [["汇联代理", "12"], ["QuickPay", "3"], ["捷付通", "100"]], columnTypes: [.text, .integer])
        let text = TableRenderer.render(table, as: .table)
        #expect(
            text == """
                agent       n
                --------  ---
                汇联代理   12
                QuickPay    3
                捷付通    100

                """)
        // Every line ends in the same terminal column.
        let widths = text.split(separator: "\n").map { TableRenderer.displayWidth(String($0)) }
        #expect(Set(widths).count == 1)
    }

    @Test func shortensRealsOnlyForTheEye() {
        let table = ResultTable(columns: ["rate"], rows: [["0.0843253968253968"]], columnTypes: [.real])
        #expect(TableRenderer.render(table, as: .table).contains("0.0843254"))
        #expect(TableRenderer.render(table, as: .csv).contains("0.0843253968253968"))
    }

    @Test(arguments: [
        ("0", true), ("-12", true), ("0.5", true), ("1e-05", true), ("2E+3", true),
        ("01", false), ("inf", false), ("nan", false), (".5", false), ("1.", false), ("+1", false), ("", false),
    ])
    func recognisesJSONNumbers(text: String, isNumber: Bool) {
        let table = ResultTable(columns: ["x"], rows: [[text]], columnTypes: [.real])
        let json = TableRenderer.render(table, as: .jsonl)
        #expect(json == (isNumber ? "{\"x\":\(text)}\n" : "{\"x\":\(TableRenderer.jsonString(text))}\n"))
    }

    @Test func writesFilesAtomically() throws {
        let folder = try Fixture.temporaryFolder("posrca-atomic")
        let path = folder + "/out.csv"
        try FileOutput.writeAtomically("old\r\n", to: path)
        try FileOutput.writeAtomically("new,汇\r\n", to: path)
        #expect(try FileOutput.readText(path) == "new,汇\r\n")
        #expect(try FileOutput.list(folder) == ["out.csv"])
        #expect(throws: FileOutputError.self) { try FileOutput.writeAtomically("x", to: folder + "/missing/out.csv") }
        #expect(try FileOutput.list(folder) == ["out.csv"])
    }
}
