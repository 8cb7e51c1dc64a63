import POSFormats
import Testing

/// Feeds `text` to a fresh reader line by line (split at LF, as POSInput does) and collects
/// everything it returns, `finish()` included.
private func read(_ text: String, maxRecordBytes: Int = 1 << 20) -> [CSVRecordResult] {
    var reader = CSVRecordReader(maxRecordBytes: maxRecordBytes)
    var results: [CSVRecordResult] = []
    // Split the bytes, not the characters: "\r\n" is one Character in Swift.
    for (index, line) in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
        if let result = Array(line).withUnsafeBytes({ reader.consume(line: $0, number: index + 1) }) {
            results.append(result)
        }
    }
    if let result = reader.finish() { results.append(result) }
    return results
}

private func read(bytes: [UInt8]) -> [CSVRecordResult] {
    bytes.withUnsafeBytes { CSVRecordReader.records(in: $0) }
}

@Suite("CSVRecordReader: RFC 4180 from lines")
struct CSVRecordReaderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let expected: [CSVRecordResult]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "plain fields", input: "tid,brand\n20481234,PAX",
            expected: [
                .record(fields: ["tid", "brand"], line: 1, invalidUTF8: 0),
                .record(fields: ["20481234", "PAX"], line: 2, invalidUTF8: 0),
            ]),
        Case(
            name: "empty fields and trailing comma", input: "a,,c,\n,",
            expected: [
                .record(fields: ["a", "", "c", ""], line: 1, invalidUTF8: 0),
                .record(fields: ["", ""], line: 2, invalidUTF8: 0),
            ]),
        Case(
            name: "quoted field with comma and doubled quote", input: #"1,"PAX, ""A920"" Pro",x"#,
            expected: [
                .record(fields: ["1", #"PAX, "A920" Pro"#, "x"], line: 1, invalidUTF8: 0)
            ]),
        Case(
            name: "empty quoted field", input: #""",a,"""#,
            expected: [
                .record(fields: ["", "a", ""], line: 1, invalidUTF8: 0)
            ]),
        Case(
            name: "quoted field spanning lines", input: "1,\"line one\nline two\n\",3\nnext",
            expected: [
                .record(fields: ["1", "line one\nline two\n", "3"], line: 1, invalidUTF8: 0),
                .record(fields: ["next"], line: 4, invalidUTF8: 0),
            ]),
        Case(
            name: "CRLF line ends, also inside a quoted field", input: "a,\"x\r\ny\"\r\nb,c\r",
            expected: [
                .record(fields: ["a", "x\ny"], line: 1, invalidUTF8: 0),
                .record(fields: ["b", "c"], line: 3, invalidUTF8: 0),
            ]),
        Case(
            name: "blank lines skipped, numbers kept", input: "a\n\n  \nb\n",
            expected: [
                .record(fields: ["a"], line: 1, invalidUTF8: 0),
                .record(fields: ["b"], line: 4, invalidUTF8: 0),
            ]),
        Case(
            name: "blanks around a quoted field dropped", input: #"a, "b" ,c"#,
            expected: [
                .record(fields: ["a", "b", "c"], line: 1, invalidUTF8: 0)
            ]),
        Case(
            name: "blanks in unquoted fields kept", input: " a , b ",
            expected: [
                .record(fields: [" a ", " b "], line: 1, invalidUTF8: 0)
            ]),
        Case(
            name: "Chinese text", input: "商户,\"北京, 朝阳\"",
            expected: [
                .record(fields: ["商户", "北京, 朝阳"], line: 1, invalidUTF8: 0)
            ]),
        Case(
            name: "quote inside unquoted field", input: "a,b\"c,d\nok",
            expected: [
                .malformed(reason: "quote in unquoted field", line: 1, text: "a,b\"c,d"),
                .record(fields: ["ok"], line: 2, invalidUTF8: 0),
            ]),
        Case(
            name: "text after closing quote", input: "\"ab\"c,d\nok",
            expected: [
                .malformed(reason: "text after closing quote", line: 1, text: "\"ab\"c,d"),
                .record(fields: ["ok"], line: 2, invalidUTF8: 0),
            ]),
        Case(
            name: "text after closing quote on a later line", input: "1,\"two\nlines\"x\nok",
            expected: [
                .malformed(reason: "text after closing quote", line: 1, text: "1,\"two\nlines\"x"),
                .record(fields: ["ok"], line: 3, invalidUTF8: 0),
            ]),
        Case(
            name: "unterminated quote at end of file", input: "ok\n1,\"open\nstill open",
            expected: [
                .record(fields: ["ok"], line: 1, invalidUTF8: 0),
                .malformed(reason: "unterminated quote", line: 2, text: "1,\"open\nstill open"),
            ]),
        Case(
            name: "card number in malformed text masked", input: "4111111111111111,\"x\"y",
            expected: [
                .malformed(reason: "text after closing quote", line: 1, text: "411111******1111,\"x\"y")
            ]),
    ]

    @Test(arguments: cases)
    func reads(_ c: Case) {
        #expect(read(c.input) == c.expected)
    }

    @Test func dropsBOMOfFirstLineOnly() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("tid,brand\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("x".utf8)
        #expect(
            read(bytes: bytes) == [
                .record(fields: ["tid", "brand"], line: 1, invalidUTF8: 0),
                .record(fields: ["\u{FEFF}x"], line: 2, invalidUTF8: 0),
            ])
    }

    @Test func replacesAndCountsInvalidUTF8() {
        // "商户" in GBK, then a lone 0xFF: the first is one invalid lead byte, a valid U+033B
        // (CC BB) and a stray continuation byte; the second one more.
        let bytes: [UInt8] = [0xC9, 0xCC, 0xBB, 0xA7, 0x2C, 0x22, 0xFF, 0x22]
        #expect(
            read(bytes: bytes) == [
                .record(fields: ["\u{FFFD}\u{033B}\u{FFFD}", "\u{FFFD}"], line: 1, invalidUTF8: 3)
            ])
    }

    @Test func invalidUTF8AcrossLinesOfAQuotedField() {
        let bytes: [UInt8] = Array("\"a".utf8) + [0xFE, 0x0A, 0xFF] + Array("b\",c".utf8)
        #expect(
            read(bytes: bytes) == [
                .record(fields: ["a\u{FFFD}\n\u{FFFD}b", "c"], line: 1, invalidUTF8: 2)
            ])
    }

    @Test func recordOverTheLimitIsMalformedAndReadingGoesOn() {
        // 10 bytes allowed: the open quote keeps the record growing past it on line 2.
        let results = read("a,\"12345\n67890\nok,1\nshort", maxRecordBytes: 10)
        #expect(
            results == [
                .malformed(reason: "record too long", line: 1, text: "a,\"12345\n67890"),
                .record(fields: ["ok", "1"], line: 3, invalidUTF8: 0),
                .record(fields: ["short"], line: 4, invalidUTF8: 0),
            ])
    }

    @Test func singleLineOverTheLimit() {
        #expect(
            read("0123456789AB\nok", maxRecordBytes: 10) == [
                .malformed(reason: "record too long", line: 1, text: "0123456789AB"),
                .record(fields: ["ok"], line: 2, invalidUTF8: 0),
            ])
    }

    @Test func malformedTextIsShortened() {
        let long = String(repeating: "x", count: 3000)
        let results = read("\"\(long)")
        guard case .malformed(let reason, let line, let text) = results.first else {
            Issue.record("expected malformed, got \(results)")
            return
        }
        #expect(reason == "unterminated quote")
        #expect(line == 1)
        #expect(text == "\"" + String(repeating: "x", count: 999) + "…[2001 more bytes]")
    }

    @Test func wholeBufferReaderNumbersLines() {
        let results = read(bytes: Array("a,b\r\n\"c\r\nd\",e\r\n".utf8))
        #expect(
            results == [
                .record(fields: ["a", "b"], line: 1, invalidUTF8: 0),
                .record(fields: ["c\nd", "e"], line: 2, invalidUTF8: 0),
            ])
    }
}

@Suite("InventoryReader: inventory CSV records to rows")
struct InventoryReaderTests {
    static let header = ["tid", "mid", "brand", "model", "channel", "agent", "fee_tier", "fee_rate", "region", "mcc", "firmware"]

    @Test func mapsAFullRow() throws {
        let reader = try InventoryReader(header: Self.header)
        let fields = [
            "20481234", "898310048161234", "PAX", "A920", "third-party", "汇付代理", "preferential", "0.38%", "上海", "5411", "A920_PayDroid_V02.3.15",
        ]
        let outcome = reader.row(fields, line: 7)
        var expected = InventoryRow(line: 7, tid: "20481234", brand: "PAX", channel: "third_party", feeTier: "preferential")
        expected.mid = "898310048161234"
        expected.model = "A920"
        expected.agent = "汇付代理"
        expected.feeRate = 0.38
        expected.region = "上海"
        expected.mcc = "5411"
        expected.firmware = "A920_PayDroid_V02.3.15"
        #expect(outcome == .accepted(expected, maskedPANs: 0))
    }

    @Test func columnsByNameInAnyOrderCaseAndBlanksIgnored() throws {
        let reader = try InventoryReader(header: [" Fee Tier ", "CHANNEL", "extra", "Brand", "TID"])
        let outcome = reader.row([" waived ", "Official", "ignored", " Newland ", " 12345678 "], line: 2)
        var expected = InventoryRow(line: 2, tid: "12345678", brand: "Newland", channel: "official", feeTier: "waived")
        expected.feeRate = nil
        #expect(outcome == .accepted(expected, maskedPANs: 0))
    }

    @Test func missingTrailingCellsAreEmptyNotAReject() throws {
        let reader = try InventoryReader(header: ["tid", "brand", "channel", "fee_tier", "region", "firmware"])
        let outcome = reader.row(["1", "Landi", "official", "standard"], line: 3)
        #expect(outcome == .accepted(InventoryRow(line: 3, tid: "1", brand: "Landi", channel: "official", feeTier: "standard"), maskedPANs: 0))
    }

    @Test(arguments: [
        (["tid"], "missing columns brand, channel, fee_tier"),
        (["tid", "brand", "channel"], "missing column fee_tier"),
        (["code", "meaning"], "missing columns tid, brand, channel, fee_tier"),
    ])
    func headerWithoutRequiredColumnsFailsTheFile(header: [String], reason: String) {
        let error = #expect(throws: CSVHeaderError.self) { try InventoryReader(header: header) }
        #expect(error?.reason == reason)
    }

    struct RejectCase: CustomTestStringConvertible, Sendable {
        let fields: [String]
        let reason: String
        let text: String
        var testDescription: String { reason }
    }

    @Test(arguments: [
        RejectCase(fields: ["", "PAX", "official", "standard"], reason: "missing value tid", text: ",PAX,official,standard"),
        RejectCase(fields: ["1", " ", "official", "standard"], reason: "missing value brand", text: "1, ,official,standard"),
        RejectCase(fields: ["1", "PAX", "", "standard"], reason: "missing value channel", text: "1,PAX,,standard"),
        RejectCase(fields: ["1", "PAX", "official"], reason: "missing value fee_tier", text: "1,PAX,official"),
        RejectCase(fields: ["12345678901234567", "PAX", "official", "standard"], reason: "bad tid", text: "12345678901234567,PAX,official,standard"),
        RejectCase(fields: ["终端1", "PAX", "official", "standard"], reason: "bad tid", text: "终端1,PAX,official,standard"),
        RejectCase(fields: ["1", "PAX", "agent", "standard"], reason: "bad channel", text: "1,PAX,agent,standard"),
        RejectCase(fields: ["1", "PAX", "official", "standard", "0,38"], reason: "bad number fee_rate", text: "1,PAX,official,standard,\"0,38\""),
        RejectCase(fields: ["1", "PAX", "official", "standard", "1e3"], reason: "bad number fee_rate", text: "1,PAX,official,standard,1e3"),
        RejectCase(fields: ["1", "PAX", "official", "standard", "-0.5"], reason: "bad number fee_rate", text: "1,PAX,official,standard,-0.5"),
        RejectCase(fields: ["1", "PAX", "official", "standard", "0.3.8"], reason: "bad number fee_rate", text: "1,PAX,official,standard,0.3.8"),
    ])
    func rejects(_ c: RejectCase) throws {
        let reader = try InventoryReader(header: ["tid", "brand", "channel", "fee_tier", "fee_rate"])
        #expect(reader.row(c.fields, line: 9) == .rejected(Rejection(line: 9, reason: c.reason, text: c.text), maskedPANs: 0))
    }

    @Test(arguments: [("0.38", 0.38), ("0.38%", 0.38), ("0.6 %", 0.6), ("1", 1.0), (".5", 0.5), ("2.", 2.0)])
    func feeRates(text: String, percent: Double) throws {
        let reader = try InventoryReader(header: ["tid", "brand", "channel", "fee_tier", "fee_rate"])
        #expect(reader.row(["1", "PAX", "official", "capped", text], line: 2).row?.feeRate == percent)
    }

    @Test(arguments: [
        ("official", "official"), ("OFFICIAL", "official"), ("Third_Party", "third_party"),
        ("third-party", "third_party"), ("Third Party", "third_party"),
    ])
    func channels(text: String, stored: String) throws {
        let reader = try InventoryReader(header: ["tid", "brand", "channel", "fee_tier"])
        #expect(reader.row(["1", "PAX", text, "standard"], line: 2).row?.channel == stored)
    }

    @Test func masksCardNumbersInEveryCellButTidAndMid() throws {
        let reader = try InventoryReader(header: ["tid", "mid", "brand", "channel", "agent", "fee_tier", "region"])
        // 4111111111111111 and 378282246310005 pass Luhn; so does the merchant ID here, which must stay.
        let fields = ["4111111111111111", "378282246310005", "PAX", "official", "agent 4111111111111111", "standard", "card 378282246310005 ok"]
        let outcome = reader.row(fields, line: 4)
        var expected = InventoryRow(line: 4, tid: "4111111111111111", brand: "PAX", channel: "official", feeTier: "standard")
        expected.mid = "378282246310005"
        expected.agent = "agent 411111******1111"
        expected.region = "card 378282*****0005 ok"
        #expect(outcome == .accepted(expected, maskedPANs: 2))
    }

    @Test func rejectedTextHasEveryCardNumberMasked() throws {
        let reader = try InventoryReader(header: ["tid", "mid", "brand", "channel", "fee_tier"])
        let outcome = reader.row(["1", "378282246310005", "PAX", "nope", "4111111111111111"], line: 5)
        #expect(
            outcome
                == .rejected(
                    Rejection(line: 5, reason: "bad channel", text: "1,378282*****0005,PAX,nope,411111******1111"),
                    maskedPANs: 2
                ))
        #expect(outcome.maskedPANs == 2)
    }

    @Test func readsAFileEndToEnd() throws {
        let file =
            "\u{FEFF}\"TID\",\"Brand\",\"Channel\",\"Fee_Tier\",\"Fee_Rate\"\r\n"
            + "10000001,PAX,official,standard,0.6\r\n"
            + "10000002,\"Xinguodu\",third_party,preferential,0.38%\r\n"
            + "10000003,Landi,partner,standard,\r\n"
        var results = read(bytes: Array(file.utf8))
        guard case .record(let header, _, _) = results.removeFirst() else {
            Issue.record("no header")
            return
        }
        let reader = try InventoryReader(header: header)
        let outcomes = results.compactMap { result -> CSVRowOutcome<InventoryRow>? in
            guard case .record(let fields, let line, _) = result else { return nil }
            return reader.row(fields, line: line)
        }
        #expect(outcomes.compactMap(\.row).map(\.tid) == ["10000001", "10000002"])
        #expect(outcomes.compactMap(\.row).map(\.feeRate) == [0.6, 0.38])
        #expect(outcomes.compactMap(\.rejection) == [Rejection(line: 4, reason: "bad channel", text: "10000003,Landi,partner,standard,")])
    }
}

@Suite("CatalogueReader: catalogue CSV records to entries")
struct CatalogueReaderTests {
    @Test func readsEntriesWithDefaultScope() throws {
        let reader = try CatalogueReader(header: ["Meaning", "code", "scope"])
        #expect(
            reader.row(["私有码：密钥过期", " X5 ", ""], line: 2)
                == .accepted(CatalogueEntry(line: 2, code: "X5", meaning: "私有码：密钥过期", scope: "*", source: "file"), maskedPANs: 0))
        #expect(
            reader.row(["Key expired", "X6", "cup-channel"], line: 3)
                == .accepted(CatalogueEntry(line: 3, code: "X6", meaning: "Key expired", scope: "cup-channel", source: "file"), maskedPANs: 0))
    }

    @Test func scopeColumnIsOptionalAndSourceColumnIgnored() throws {
        let reader = try CatalogueReader(header: ["code", "meaning", "source"])
        #expect(
            reader.row(["Q9", "Private", "iso8583-1987"], line: 2)
                == .accepted(CatalogueEntry(line: 2, code: "Q9", meaning: "Private", scope: "*", source: "file"), maskedPANs: 0))
    }

    @Test func emptyCodeIsRejectedEmptyMeaningIsNot() throws {
        let reader = try CatalogueReader(header: ["code", "meaning"])
        #expect(
            reader.row(["  ", "nothing"], line: 4) == .rejected(Rejection(line: 4, reason: "missing value code", text: "  ,nothing"), maskedPANs: 0))
        #expect(reader.row(["Q1"], line: 5) == .accepted(CatalogueEntry(line: 5, code: "Q1", meaning: "", scope: "*", source: "file"), maskedPANs: 0))
    }

    @Test func masksCardNumbersInMeaning() throws {
        let reader = try CatalogueReader(header: ["code", "meaning"])
        #expect(
            reader.row(["T1", "test card 4111111111111111"], line: 2)
                == .accepted(CatalogueEntry(line: 2, code: "T1", meaning: "test card 411111******1111", scope: "*", source: "file"), maskedPANs: 1))
    }

    /// A catalogue may give each code's Chinese meaning in a `meaning_zh` column, in any position
    /// and spelling of the header; a file without one reads as before, with no Chinese meaning.
    @Test func chineseMeaningColumnIsOptional() throws {
        let bilingual = try CatalogueReader(header: ["code", "Meaning-ZH", "meaning", "scope"])
        #expect(
            bilingual.row(["X5", " 密钥过期 ", "Key expired", "cup-channel"], line: 2)
                == .accepted(
                    CatalogueEntry(line: 2, code: "X5", meaning: "Key expired", scope: "cup-channel", source: "file", meaningZH: "密钥过期"),
                    maskedPANs: 0))
        // A short record: the missing Chinese cell is empty.
        #expect(
            bilingual.row(["X6", ""], line: 3)
                == .accepted(CatalogueEntry(line: 3, code: "X6", meaning: "", scope: "*", source: "file", meaningZH: ""), maskedPANs: 0))
        #expect(
            bilingual.row(["T1", "测试卡 4111111111111111", "test"], line: 4)
                == .accepted(
                    CatalogueEntry(line: 4, code: "T1", meaning: "test", scope: "*", source: "file", meaningZH: "测试卡 411111******1111"), maskedPANs: 1
                ))
        let english = try CatalogueReader(header: ["code", "meaning", "scope"])
        #expect(english.row(["X5", "Key expired", ""], line: 2).row?.meaningZH == "")
    }

    @Test func headerWithoutMeaningFails() {
        #expect(throws: CSVHeaderError(missingColumns: ["meaning"])) { try CatalogueReader(header: ["code", "scope"]) }
        #expect(CSVHeaderError(missingColumns: ["meaning"]).reason == "missing column meaning")
        #expect(CSVHeaderError(missingColumns: ["code", "meaning"]).reason == "missing columns code, meaning")
    }
}
