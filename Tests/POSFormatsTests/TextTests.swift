import POSFormats
import Testing

@Suite("LogText: bytes to text at the edge")
struct TextTests {
    struct DecodeCase: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let text: String
        let invalid: Int
        var testDescription: String { name }
    }

    // Expected replacements follow Unicode's "maximal subpart" practice, checked against Python's
    // bytes.decode("utf-8", "replace").
    @Test(arguments: [
        DecodeCase(name: "ASCII", bytes: Array("ts=2026 tid=1".utf8), text: "ts=2026 tid=1", invalid: 0),
        DecodeCase(name: "empty", bytes: [], text: "", invalid: 0),
        DecodeCase(name: "valid Chinese", bytes: Array("MAC校验失败".utf8), text: "MAC校验失败", invalid: 0),
        DecodeCase(name: "emoji (4 bytes)", bytes: [0xF0, 0x9F, 0x92, 0xB3], text: "💳", invalid: 0),
        // "商户" encoded in GBK: C9 is a lead byte without its continuation, CC BB happens to be a
        // valid U+033B, A7 is a stray continuation byte.
        DecodeCase(name: "GBK 商户", bytes: [0xC9, 0xCC, 0xBB, 0xA7], text: "\u{FFFD}\u{033B}\u{FFFD}", invalid: 2),
        DecodeCase(
            name: "lone 0xFF and a truncated sequence", bytes: [0x61, 0x62, 0xFF, 0x63, 0x64, 0xE5, 0x95],
            text: "ab\u{FFFD}cd\u{FFFD}", invalid: 2),
        DecodeCase(name: "overlong encoding of /", bytes: [0xC0, 0xAF], text: "\u{FFFD}\u{FFFD}", invalid: 2),
        DecodeCase(name: "UTF-16 surrogate in UTF-8", bytes: [0xED, 0xA0, 0x80], text: "\u{FFFD}\u{FFFD}\u{FFFD}", invalid: 3),
    ])
    func decodes(_ c: DecodeCase) {
        let result = c.bytes.withUnsafeBytes { LogText.decode($0) }
        #expect(result.text == c.text)
        #expect(result.invalid == c.invalid)
    }

    @Test(arguments: [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("0123456789abc", 10, "0123456789…[3 more bytes]"),
        // 商 户 号 are 3 bytes each: a limit of 4 or 5 keeps only 商.
        ("商户号123", 4, "商…[9 more bytes]"),
        ("商户号123", 5, "商…[9 more bytes]"),
        ("商户号123", 6, "商户…[6 more bytes]"),
        ("商户号123", 2, "…[12 more bytes]"),
        // e + combining acute is one character: it is kept whole or not at all.
        ("ae\u{301}b", 2, "a…[4 more bytes]"),
        ("ae\u{301}b", 4, "ae\u{301}…[1 more bytes]"),
        ("💳💳", 5, "💳…[4 more bytes]"),
    ])
    func shortens(text: String, limit: Int, expected: String) {
        #expect(LogText.shorten(text, limit: limit) == expected)
    }
}
