import POSFormats
import Testing

@Suite("InputKind.sniff: what a file holds, by its first bytes")
struct InputKindTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let head: [UInt8]
        let kind: InputKind
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ kind: InputKind, bom: Bool = false) {
            self.name = name
            self.head = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
            self.kind = kind
        }
    }

    @Test(arguments: [
        Case("jPOS logger", "<logger class=\"org.jpos.q2.qbean.LoggerAdaptor\">\n<log realm=", .acquirerLog),
        Case("XML declaration", "<?xml version=\"1.0\"?>\n<logger>", .acquirerLog),
        Case("< after blank lines and blanks", "\n\r\n  \t<log realm=\"x\" at=\"2026-11-20T08:16:00\">", .acquirerLog),
        Case("< after a BOM", "<log realm=\"x\">", .acquirerLog, bom: true),
        Case("inventory header", "tid,mid,brand,model,channel,fee_tier\n20481234,,PAX,A920,official,standard\n", .inventory),
        Case(
            "inventory header with BOM, quoted names, CRLF", "\"TID\",\"Brand\",\"Channel\",\"Fee_Tier\"\r\n1,PAX,official,standard\r\n", .inventory,
            bom: true),
        Case("inventory header with blanks", " brand , tid \n", .inventory),
        Case("catalogue header", "code,meaning,scope\nX5,Key expired,*\n", .catalogue),
        Case("catalogue header, columns reordered, no newline", "Meaning,Code", .catalogue),
        Case("logfmt terminal log", "ts=2026-11-20T08:15:02.123+08:00 tid=20481234 ev=boot fw=A920\n", .terminalLog),
        Case("logfmt mentioning tid and brand", "ts=2026-11-20T08:15:02Z tid=1 ev=error msg=\"tid,brand\"\n", .terminalLog),
        Case("header naming tid only", "tid,model\n", .terminalLog),
        Case("header on the second line", "\ntid,brand\n", .terminalLog),
        Case("empty", "", .terminalLog),
        Case("only a BOM", "", .terminalLog, bom: true),
        Case("only blanks", "  \n\n", .terminalLog),
    ])
    func sniffs(_ c: Case) {
        let kind = c.head.withUnsafeBytes { InputKind.sniff($0) }
        #expect(kind == c.kind)
    }

    @Test func rawValuesAreTheStoredKinds() {
        #expect(InputKind.allCases.map(\.rawValue) == ["terminal_log", "acquirer_log", "inventory", "catalogue"])
    }
}
