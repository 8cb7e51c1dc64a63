import POSFormats
import Testing

@testable import POSSampleData

@Suite("Formatting by hand")
struct FormattingTests {
    // 2026-11-20T00:16:00Z is 08:16:00 in China.
    static let base: Int64 = 1_795_133_760_000

    @Test(
        "Terminal times are RFC 3339 with milliseconds and +08:00",
        arguments: [
            (Int64(0), "2026-11-20T08:16:00.000+08:00"),
            (Int64(43), "2026-11-20T08:16:00.043+08:00"),
            (Int64(15 * 3_600_000 + 43 * 60_000 + 59_999), "2026-11-20T23:59:59.999+08:00"),
            (Int64(15 * 3_600_000 + 44 * 60_000), "2026-11-21T00:00:00.000+08:00"),
        ])
    func terminalTime(offset: Int64, expected: String) throws {
        var out = OutputBuffer()
        out.appendTerminalTime(Self.base + offset)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(text == expected)
        let parsed = try #require(Timestamps.parseRFC3339(text, defaultOffsetMinutes: 0))
        #expect(parsed.utcMilliseconds == Self.base + offset)
        #expect(parsed.offsetMinutes == 480)
    }

    @Test(
        "Old jPOS times are Java's Date.toString() plus unpadded milliseconds",
        arguments: [
            (Int64(486), "Fri Nov 20 08:16:00 CST 2026.486"),
            (Int64(43), "Fri Nov 20 08:16:00 CST 2026.43"),
            (Int64(5), "Fri Nov 20 08:16:00 CST 2026.5"),
            (Int64(0), "Fri Nov 20 08:16:00 CST 2026.0"),
            (Int64(2 * 86_400_000 + 100), "Sun Nov 22 08:16:00 CST 2026.100"),
        ])
    func javaDate(offset: Int64, expected: String) throws {
        var out = OutputBuffer()
        out.appendAcquirerTime(Self.base + offset, style: .javaDate)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(text == expected)
        // CST is ambiguous: the ingester's --acquirer-tz (+08:00) decides.
        let parsed = try #require(Timestamps.parseJavaDate(text, defaultOffsetMinutes: 480))
        #expect(parsed.utcMilliseconds == Self.base + offset)
    }

    @Test("Acquirer RFC 3339 times, with and without offset")
    func acquirerTimes() {
        var plain = OutputBuffer()
        plain.appendAcquirerTime(Self.base + 210, style: .localNoOffset)
        #expect(String(decoding: plain.bytes, as: UTF8.self) == "2026-11-20T08:16:00.210")
        var offset = OutputBuffer()
        offset.appendAcquirerTime(Self.base + 210, style: .localWithOffset)
        #expect(String(decoding: offset.bytes, as: UTF8.self) == "2026-11-20T08:16:00.210+08:00")
    }

    @Test(
        "Dates cross month and year ends",
        arguments: [
            ("2026-12-31", 1, "2027-01-01"), ("2028-02-28", 1, "2028-02-29"), ("2027-02-28", 1, "2027-03-01"), ("2026-11-20", 10, "2026-11-30"),
        ])
    func dates(start: String, days: Int, expected: String) throws {
        let date = try #require(CalendarDate(start))
        #expect(date.adding(days: days).description == expected)
    }

    @Test("Impossible dates are refused", arguments: ["2026-13-01", "2026-02-29", "2026-11-31", "26-11-20", "2026-1-20"])
    func badDates(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test("Integers are written with and without padding")
    func integers() {
        var out = OutputBuffer()
        out.appendPadded(123, width: 6)
        out.append(0x20)
        out.appendInt(-109)
        out.append(0x20)
        out.appendInt(0)
        out.append(0x20)
        out.appendPadded(1_234_567, width: 3)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "000123 -109 0 1234567")
    }

    @Test("Card numbers pass Luhn, and masking keeps 6 and 4 digits")
    func cardNumbers() {
        var rng = SampleRandom(seed: 1, stream: 99)
        for _ in 0..<500 {
            let card = TerminalDaySimulation.cardNumber(&rng)
            #expect(card.count == 16 || card.count == 19)
            #expect(card.withUnsafeBytes { CardNumbers.passesLuhn($0) })
            var masked = OutputBuffer()
            appendMasked(card, &masked)
            #expect(masked.bytes.prefix(6) == card.prefix(6))
            #expect(masked.bytes.suffix(4) == card.suffix(4))
            #expect(masked.bytes.filter { $0 == 0x2A }.count == card.count - 10)
        }
        // The check digit of a known number: 7992739871 → 3 (the Luhn example).
        #expect(TerminalDaySimulation.luhnCheckDigit(Array("7992739871".utf8)) == UInt8(ascii: "3"))
    }

    @Test(
        "Garbled codes are in no catalogue",
        arguments: [
            ("00", 0.1, "O0"), ("00", 0.9, "0O"), ("51", 0.1, "?1"), ("51", 0.9, "5l"), ("A7", 0.2, "?7"), ("Q1", 0.7, "Ql"),
        ])
    func garble(code: String, u: Double, expected: String) {
        #expect(TerminalDaySimulation.garble(code, u) == expected)
    }

    @Test("The generator's random numbers do not change between builds")
    func randomStreamIsFixed() {
        var rng = SampleRandom(seed: 20_261_120, stream: 1)
        let first = (0..<3).map { _ in rng.next() }
        // SplitMix64 seeding xoshiro256**, computed independently (Python, from the papers' code).
        #expect(first == [8_147_667_818_122_226_771, 11_284_607_053_734_778_354, 5_663_064_255_737_795_478])
        var again = SampleRandom(seed: 20_261_120, stream: 1)
        #expect((0..<3).map { _ in again.next() } == first)
        var other = SampleRandom(seed: 20_261_120, stream: 2)
        #expect(other.next() != first[0])
        var quotas = SampleRandom(seed: 3, stream: 0)
        let labels = quotas.quotas(count: 101, weights: [50, 30, 20])
        #expect(labels.count == 101)
        #expect(labels.filter { $0 == 0 }.count == 51)
        #expect(labels.filter { $0 == 1 }.count == 30)
        #expect(labels.filter { $0 == 2 }.count == 20)
    }
}
