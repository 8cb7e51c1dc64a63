import Testing

@testable import POSAnalysis

/// Builds a `TransactionTable` row by row from attribute names and value texts; an attribute
/// not given is `unknown` (code 0), as the lead's loader writes a missing value.
struct TransactionTableBuilder {
    var table = TransactionTable()
    private var codes = [[String: UInt32]](repeating: ["unknown": 0], count: TransactionTable.attributeCount)

    mutating func add(
        _ attributes: [String: String], outcome: Outcome = .approved, cause: Cause? = nil, code: String? = nil,
        count: Int = 1
    ) {
        precondition(attributes.keys.allSatisfy { TransactionTable.attributeIndex($0) != nil }, "unknown attribute")
        for _ in 0..<count {
            for a in 0..<TransactionTable.attributeCount {
                let text = attributes[TransactionTable.attributeNames[a]] ?? "unknown"
                let value: UInt32
                if let known = codes[a][text] {
                    value = known
                } else {
                    value = UInt32(table.values[a].count)
                    codes[a][text] = value
                    table.values[a].append(text)
                }
                table.attributes[a].append(value)
            }
            table.outcome.append(outcome)
            table.cause.append(cause)
            table.responseCode.append(table.codeIndex(code))
            table.acquirerResponseCode.append(table.codeIndex(code))
            table.terminal.append(0)
            table.time.append(Int64(table.count))
            table.count += 1
        }
        if table.terminals.isEmpty { table.terminals = ["10000001"] }
    }
}

/// |actual − expected| ≤ relative · max(|actual|, |expected|).
func closeTo(_ actual: Double?, _ expected: Double, relative: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return actual == expected || abs(actual - expected) <= relative * max(abs(actual), abs(expected))
}

@Suite("RatesTests")
struct RatesTests {
    /// brand A: 4 unknown of 10, B: 2 of 30, C: 0 of 5; channel has one value for every row.
    /// Expected numbers from scipy 1.17.1 (`binomtest(...).proportion_ci("wilson")`,
    /// `fisher_exact(alternative="greater")`), the Katz interval written out and BH by hand.
    static func smallTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        builder.add(["brand": "A", "channel": "official"], outcome: .unknown, cause: .codeTableGap, code: "A7", count: 4)
        builder.add(["brand": "A", "channel": "official"], count: 6)
        builder.add(["brand": "B", "channel": "official"], outcome: .unknown, cause: .nonstandardCode, code: "Q1", count: 2)
        builder.add(["brand": "B", "channel": "official"], outcome: .declined, code: "51", count: 28)
        builder.add(["brand": "C", "channel": "official"], outcome: .timeout, count: 5)
        return builder.table
    }

    typealias Expected = (
        value: String, n: Int, o: Int, rate: Double, low: Double, high: Double, rr: Double, rrLow: Double, rrHigh: Double,
        p: Double, q: Double
    )

    static let brands: [Expected] = [
        (
            "A", 10, 4, 0.4, 0.16818032970623614, 0.6873262302663417, 7.000000000000001, 1.4931022735313015,
            32.81757778327619, 0.01644923425978446, 0.04934770277935338
        ),
        (
            "B", 30, 2, 0.06666666666666667, 0.018477023791270378, 0.2132345836261692, 0.25, 0.051484842079226545,
            1.2139495330261083, 0.9883248251087162, 1
        ),
        // Zero cell: 0.5 added to every cell before the ratio and its interval.
        ("C", 5, 0, 0, 0, 0.43448246478317476, 0.5256410256410255, 0.03374111759634042, 8.188777003252458, 1, 1),
    ]

    @Test("rates per brand match the hand-computed Wilson, Katz, Fisher and BH values", arguments: brands)
    func brandRates(expected: Expected) throws {
        let rates = Rates.perAttributeValue(Self.smallTable(), target: .unknown)
        let rate = try #require(rates.first { $0.attribute == "brand" && $0.value == expected.value })
        #expect(rate.transactions == expected.n)
        #expect(rate.outcomes == expected.o)
        #expect(closeTo(rate.rate, expected.rate))
        #expect(closeTo(rate.rateLow, expected.low))
        #expect(closeTo(rate.rateHigh, expected.high))
        #expect(closeTo(rate.riskRatio, expected.rr))
        #expect(closeTo(rate.riskRatioLow, expected.rrLow))
        #expect(closeTo(rate.riskRatioHigh, expected.rrHigh))
        #expect(closeTo(rate.pValue, expected.p, relative: 1e-7))
        #expect(closeTo(rate.qValue, expected.q, relative: 1e-7))
        #expect(rate.testMethod == .fisherExact)
    }

    @Test("every value with transactions gets a row, in attribute then code order")
    func rowsAndOrder() {
        let rates = Rates.perAttributeValue(Self.smallTable(), target: .unknown)
        // 3 brands, channel=official, and `unknown` for the 15 attributes never given.
        #expect(rates.count == 19)
        #expect(
            rates.prefix(4).map { "\($0.attribute)=\($0.value)" } == [
                "brand=A", "brand=B", "brand=C", "model=unknown",
            ])
        #expect(rates.contains { $0.attribute == "channel" && $0.value == "official" })
        #expect(!rates.contains { $0.attribute == "channel" && $0.value == "unknown" })
    }

    @Test("an attribute with a single value has no risk ratio and is not a test")
    func singleValue() throws {
        let rates = Rates.perAttributeValue(Self.smallTable(), target: .unknown)
        let channel = try #require(rates.first { $0.attribute == "channel" })
        #expect(channel.transactions == 45)
        #expect(channel.outcomes == 6)
        #expect(channel.riskRatio == nil && channel.riskRatioLow == nil && channel.riskRatioHigh == nil)
        #expect(channel.pValue == 1)
        #expect(channel.qValue == 1)
        #expect(channel.testMethod == .degenerateTable)
    }

    @Test(
        "the target decides which rows are outcomes",
        arguments: [
            (ExplainTarget.unknown, 4, 2, 0), (.timeout, 0, 0, 5), (.failed, 4, 30, 5),
        ])
    func targets(target: ExplainTarget, a: Int, b: Int, c: Int) {
        let rates = Rates.perAttributeValue(Self.smallTable(), target: target)
        let brands = rates.filter { $0.attribute == "brand" }
        #expect(brands.map(\.outcomes) == [a, b, c])
    }

    @Test("a table without rows gives no rates")
    func emptyTable() {
        #expect(Rates.perAttributeValue(TransactionTable(), target: .unknown).isEmpty)
    }
}
