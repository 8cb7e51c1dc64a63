import POSFormats
import Testing

@Suite("ResponseCodeCatalogue: built-in tables and user entries")
struct CatalogueTests {
    static let builtIn = ResponseCodeCatalogue.builtIn

    @Test func builtInHoldsBothTablesAndNothingElse() {
        let sources = Self.builtIn.entries.reduce(into: [String: Int]()) { $0[$1.source, default: 0] += 1 }
        #expect(sources == ["iso8583-1987": 71, "cup-2015": 76])
        #expect(Self.builtIn.entries.allSatisfy { $0.scope == "*" })
        #expect(Self.builtIn.entries.allSatisfy { !$0.meaning.isEmpty })
        // Line numbers are those of the CSV file: header on line 1.
        #expect(
            Self.builtIn.entries.first
                == CatalogueEntry(
                    line: 2, code: "00", meaning: "Approved or completed successfully", scope: "*", source: "iso8583-1987", meaningZH: "承兑或交易成功"))
    }

    /// `meaning` is English and `meaning_zh` Chinese in every built-in row: no row keeps the old
    /// "中文 / English" form, and no Chinese meaning is English.
    @Test func builtInMeaningsAreEnglishWithTheirChineseApart() {
        func hasCJK(_ text: String) -> Bool { text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        for entry in Self.builtIn.entries {
            #expect(!hasCJK(entry.meaning) && !entry.meaning.contains(" / "), "\(entry.source) \(entry.code): \(entry.meaning)")
            #expect(hasCJK(entry.meaningZH), "\(entry.source) \(entry.code): \(entry.meaningZH)")
        }
    }

    @Test(arguments: [
        // ISO 8583:1987, as Chinese acquirers name them.
        ("iso8583-1987", "05", "Do not honour", "不予承兑"),
        ("iso8583-1987", "51", "Not sufficient funds", "资金不足"),
        ("iso8583-1987", "55", "Incorrect personal identification number", "不正确的PIN"),
        ("iso8583-1987", "96", "System malfunction", "系统故障"),
        // China UnionPay 2015: the two halves of the old "中文 / English" cell.
        ("cup-2015", "05", "Cardholder authentication failed", "身份认证失败"),
        ("cup-2015", "A7", "Security processing failed (MAC, PIN or key handling)", "安全处理失败"),
        ("cup-2015", "P1", "No mobile phone or other contact number on file with the issuer for this card", "当前卡未在发卡机构留存手机号等通讯联系号码"),
    ])
    func builtInChineseMeanings(source: String, code: String, english: String, chinese: String) throws {
        let entry = try #require(Self.builtIn.entries.first { $0.source == source && $0.code == code })
        #expect(entry.meaning == english)
        #expect(entry.meaningZH == chinese)
    }

    @Test func iso1987CodesAreExactlyTheDefinedOnes() {
        let iso = Set(Self.builtIn.entries.filter { $0.source == "iso8583-1987" }.map(\.code))
        // 00–44, 51–68, 75, 90–96; 45–50, 69–74 (ISO), 76–89 (private), 97–99 (national) are reserved.
        let defined = Array(0...44) + Array(51...68) + [75] + Array(90...96)
        #expect(iso == Set(defined.map { $0 < 10 ? "0\($0)" : "\($0)" }))
    }

    @Test func cupTableHoldsTheLetterCodesOfTheSpec() {
        let cup = Set(Self.builtIn.entries.filter { $0.source == "cup-2015" }.map(\.code))
        let letters = [
            "A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B1", "C1",
            "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "DA", "DB", "DC",
            "F1", "F2", "F3", "F4", "F5", "N1", "P1", "Y1", "Y3", "Z1", "Z3",
        ]
        #expect(cup.filter { $0.first!.isLetter } == Set(letters))
        // CUP's own codes past ISO 1987: 45 in an ISO-reserved range, 97–99 in the national range.
        for code in ["45", "97", "98", "99"] {
            #expect(cup.contains(code), "\(code)")
        }
    }

    @Test(arguments: [
        ("00", true), ("05", true), ("96", true), ("97", true), ("99", true), ("A0", true), ("DC", true),
        ("P1", true), ("Y3", true), ("Z3", true), (" 00 ", true),
        ("46", false), ("70", false), ("76", false), ("89", false), ("a0", false), ("A9", false),
        ("Y2", false), ("X5", false), ("", false), ("000", false), ("0", false),
    ])
    func containsBuiltInCodes(code: String, known: Bool) {
        #expect(Self.builtIn.contains(code, realm: nil) == known)
        #expect(Self.builtIn.contains(code, realm: "cup-channel/10.1.2.3:5000") == known)
    }

    @Test func meaningPrefersTheLaterCUPRowWhereTheTablesDiffer() {
        #expect(Self.builtIn.meaning(of: "21", realm: nil) == "Card not initialised (not activated, initial PIN unchanged or dormant)")
        #expect(Self.builtIn.entry(for: "21", realm: nil)?.meaningZH == "卡未初始化")
        #expect(Self.builtIn.meaning(of: "A0", realm: nil) == "MAC check failed, sign in again")
        #expect(Self.builtIn.entry(for: "A0", realm: nil)?.meaningZH == "MAC鉴别失败（MAC校验错）")
        #expect(Self.builtIn.meaning(of: "P1", realm: "any") == "No mobile phone or other contact number on file with the issuer for this card")
        // ISO only.
        #expect(Self.builtIn.meaning(of: "26", realm: nil) == "Duplicate file update record, old record replaced")
        #expect(Self.builtIn.meaning(of: "X5", realm: nil) == nil)
    }

    @Test func userEntriesScopedToARealmAndItsPeers() {
        var catalogue = Self.builtIn
        catalogue.add(CatalogueEntry(line: 2, code: "X5", meaning: "密钥过期", scope: "cup-channel", source: "file"))
        #expect(catalogue.contains("X5", realm: "cup-channel"))
        #expect(catalogue.contains("X5", realm: "cup-channel/10.1.2.3:5000"))
        #expect(!catalogue.contains("X5", realm: "cup-channel-2"))
        #expect(!catalogue.contains("X5", realm: "cup"))
        #expect(!catalogue.contains("X5", realm: "visa-channel/1.2.3.4:7000"))
        #expect(!catalogue.contains("X5", realm: nil))
        #expect(catalogue.meaning(of: "X5", realm: "cup-channel/10.1.2.3:5000") == "密钥过期")
        #expect(catalogue.meaning(of: "X5", realm: nil) == nil)
        #expect(catalogue.entries.count == Self.builtIn.entries.count + 1)
    }

    @Test func realmScopedMeaningBeatsAStarOneAddedLater() {
        var catalogue = ResponseCodeCatalogue()
        catalogue.add(CatalogueEntry(line: 1, code: "05", meaning: "realm meaning", scope: "host-a", source: "file"))
        catalogue.add(CatalogueEntry(line: 2, code: "05", meaning: "global meaning", scope: "*", source: "file"))
        catalogue.add(CatalogueEntry(line: 3, code: "05", meaning: "later global meaning", scope: "*", source: "file"))
        #expect(catalogue.meaning(of: "05", realm: "host-a") == "realm meaning")
        #expect(catalogue.meaning(of: "05", realm: "host-b") == "later global meaning")
        #expect(catalogue.entry(for: "05", realm: nil)?.line == 3)
    }

    @Test func userFileOverridesTheBuiltInMeaning() {
        var catalogue = Self.builtIn
        catalogue.add(CatalogueEntry(line: 2, code: " 96 ", meaning: "主机故障", scope: "*", source: "file"))
        #expect(catalogue.meaning(of: "96", realm: nil) == "主机故障")
        #expect(catalogue.contains("96 ", realm: nil))
    }

    @Test func settingEntriesRebuildsTheIndex() {
        var catalogue = Self.builtIn
        catalogue.entries = [CatalogueEntry(line: 1, code: "Q1", meaning: "only", scope: "*", source: "file")]
        #expect(catalogue.contains("Q1", realm: nil))
        #expect(!catalogue.contains("00", realm: nil))
        #expect(ResponseCodeCatalogue().contains("00", realm: nil) == false)
    }
}
