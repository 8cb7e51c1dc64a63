import Foundation
import POSIngest
import POSStore
import Testing

// Issue 9: no card data in any stored byte, hex dumps included. A jPOS unpack error logs the
// received bytes as a hex dump (`--- data ---`, ISOUtil.hexdump): each byte as hex and as ASCII,
// a card number possibly split across two lines.

/// `bytes` as jPOS's ISOUtil.hexdump prints them after LogEvent's indentation.
private func hexdump(_ bytes: [UInt8]) -> String {
    var out = ""
    var hex = ""
    var ascii = ""
    func offset(_ i: Int) -> String {
        let text = String((i >> 4) << 4, radix: 16)
        return String(repeating: "0", count: 4 - text.count) + text
    }
    for (i, b) in bytes.enumerated() {
        hex += String(format: "%02X ", b)
        ascii += b >= 32 && b < 127 ? String(UnicodeScalar(b)) : "."
        if i % 16 == 7 { hex += " " }
        if i % 16 == 15 {
            out += offset(i) + "  " + hex + " " + ascii + "\n"
            hex = ""
            ascii = ""
        }
    }
    if !hex.isEmpty { out += offset(bytes.count) + "  " + hex.padding(toLength: 49, withPad: " ", startingAt: 0) + " " + ascii + "\n" }
    return "    " + out
}

@Suite("Ingest: hex dumps are stored masked", .serialized)
struct HexDumpIngestTests {
    @Test("card numbers and track 2 in dumps are in no byte of the database, in either column")
    func dumpsLeaveNoCardData() throws {
        let scratch = Scratch()
        let pan = "4111111111111111"
        // ASCII message: field 2 split over the first two dump lines, field 35 with `=`.
        let ascii = Array("0200x16\(pan)00000012500037\(pan)=25121010000012300000".utf8)
        // Binary message: BCD field 2 after its length byte 0x16.
        let bcd: [UInt8] = [0x02, 0x00, 0x72, 0x3A, 0x16, 0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00]
        let element = { (at: String, data: [UInt8]) in
            "<log realm=\"cup-channel/10.1.2.3:5000\" at=\"\(at)\">\n  <receive>\n    <iso-exception>\n      unpack failed\n"
                + "    --- data ---\n" + hexdump(data) + "\n    </iso-exception>\n  </receive>\n</log>\n"
        }
        // Two link events whose detail holds a dump, and a rejected element (cut) holding one.
        let text =
            element("2026-11-20T08:16:00.210+08:00", ascii) + element("2026-11-20T08:16:01.000+08:00", bcd)
            + String(element("2026-11-20T08:16:02.000+08:00", ascii).dropLast(30))
        try scratch.write("q2.log", text)
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.truncated])
        #expect(try scratch.count("SELECT count(*) FROM net_events") == 2)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines") == 1)
        var bytes = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] {
            bytes.append(FileManager.default.contents(atPath: scratch.db + suffix) ?? Data())
        }
        let panHex = pan.utf8.map { String(format: "%02X", $0) }
        let forms = [
            pan, "=2512101",
            panHex.prefix(8).joined(separator: " "),  // 34 31 31 31 31 31 31 31
            panHex.suffix(8).joined(separator: " "),
            "41 11 11 11 11 11 11 11",  // BCD
            "3D 32 35 31 32",  // =2512
        ]
        for form in forms {
            #expect(bytes.range(of: Data(form.utf8)) == nil, "\(form) is in the database files")
        }
        // What is stored still reads as a dump of the masked bytes.
        let stored = try #require(try scratch.query("SELECT text FROM rejects").first?.first ?? nil)
        #expect(stored.contains("0000  30 32 30 30 78 31 36 34  31 31 31 2A 2A 2A 2A 2A  0200x164111*****"))
    }
}
