import Glibc
import Testing

@testable import POSAnalysis

@Suite("ExplainTests")
struct ExplainTests {
    // MARK: Planted effects

    /// brand=X & firmware=Y: 300 unknown of 1,000 (30%); the other three brand × firmware
    /// cells 1% each, so neither brand=X nor firmware=Y alone carries the effect.
    static func plantedTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        func cell(_ brand: String, _ firmware: String, rows: Int, unknowns: Int, codes: [String]) {
            for i in 0..<rows {
                let attributes = ["brand": brand, "firmware": firmware, "hour": String(10 + i % 8)]
                if i < unknowns {
                    builder.add(attributes, outcome: .unknown, cause: .codeTableGap, code: codes[i % codes.count])
                } else {
                    builder.add(attributes, outcome: i % 20 == 0 ? .declined : .approved, code: "00")
                }
            }
        }
        cell("X", "Y", rows: 1000, unknowns: 300, codes: ["A7", "A7", "D1"])
        cell("X", "Z", rows: 1000, unknowns: 10, codes: ["P1"])
        cell("W", "Y", rows: 1000, unknowns: 10, codes: ["P1"])
        cell("W", "Z", rows: 7000, unknowns: 70, codes: ["P1"])
        return builder.table
    }

    @Test("a planted two-attribute combination is found with its exact numbers")
    func plantedCombination() throws {
        let findings = Explainer.explain(Self.plantedTable(), target: .unknown)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.kind == "combination")
        #expect(finding.pattern == "brand=X&firmware=Y")
        #expect(finding.outcome == "unknown")
        #expect(finding.transactions == 1000)
        #expect(finding.outcomes == 300)
        #expect(finding.rate == 0.3)
        #expect(closeTo(finding.baselineRate, 0.01))
        // Katz: ln RR ± 1.96·√(1/300 − 1/1000 + 1/90 − 1/9000), RR = 0.3/0.01.
        #expect(closeTo(finding.riskRatio, 30))
        #expect(closeTo(finding.riskRatioLow, 23.92395444072352))
        #expect(closeTo(finding.riskRatioHigh, 37.61919887575166))
        #expect(closeTo(finding.excess, 290))
        #expect(closeTo(finding.shareOfOutcome, 300.0 / 390.0))
        #expect(finding.qValue <= 0.05)
        #expect(finding.topCause == "code_table_gap:1.00")
        #expect(finding.topCodes == "A7:200|D1:100")
        #expect(finding.confoundedBy == nil)
        #expect(
            finding.evidence == """
                Transactions with brand=X and firmware=Y showed an unknown code (code_table_gap) 30.0% of the time \
                (300 of 1,000) against 1.0% elsewhere, 30.0 times as often (95% CI 23.9–37.6); 100% of their unknown \
                codes are code_table_gap, mostly A7 and D1.
                """)
    }

    /// firmware=Y 30% (600 of 2,000), firmware=Z 1% (180 of 18,000); 80% of Y's rows and 30% of
    /// Z's are third-party, with the same rate in either channel.
    static func decoyTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        func cell(_ firmware: String, _ channel: String, rows: Int, unknowns: Int) {
            builder.add(["firmware": firmware, "channel": channel], outcome: .unknown, cause: .codeTableGap, code: "A7", count: unknowns)
            builder.add(["firmware": firmware, "channel": channel], count: rows - unknowns)
        }
        cell("Y", "third_party", rows: 1600, unknowns: 480)
        cell("Y", "official", rows: 400, unknowns: 120)
        cell("Z", "third_party", rows: 5400, unknowns: 54)
        cell("Z", "official", rows: 12600, unknowns: 126)
        return builder.table
    }

    @Test("a decoy correlated with the cause is explained away")
    func decoy() throws {
        let findings = Explainer.explain(Self.decoyTable(), target: .unknown)
        #expect(findings.map(\.pattern) == ["firmware=Y"])
        let finding = try #require(findings.first)
        #expect(finding.transactions == 2000)
        #expect(finding.outcomes == 600)
        // Within either channel firmware=Y is 30 times as likely: no confounding.
        #expect(finding.confoundedBy == nil)
    }

    /// Four firmware builds Y1…Y4 at 40% (700 of each 1,000 third-party), Z at 1% split evenly:
    /// channel=third_party carries the most excess but only through the firmware.
    static func confoundedTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        func cell(_ firmware: String, _ channel: String, rows: Int, unknowns: Int) {
            builder.add(["firmware": firmware, "channel": channel], outcome: .unknown, cause: .codeTableGap, code: "A7", count: unknowns)
            builder.add(["firmware": firmware, "channel": channel], count: rows - unknowns)
        }
        for firmware in ["Y1", "Y2", "Y3", "Y4"] {
            cell(firmware, "third_party", rows: 700, unknowns: 280)
            cell(firmware, "official", rows: 300, unknowns: 120)
        }
        cell("Z", "third_party", rows: 8000, unknowns: 80)
        cell("Z", "official", rows: 8000, unknowns: 80)
        return builder.table
    }

    @Test("channel stratified by firmware: a channel effect made by firmware is confounded and ranked last")
    func channelConfoundedByFirmware() throws {
        let findings = Explainer.explain(Self.confoundedTable(), target: .unknown)
        let channel = try #require(findings.first { $0.pattern == "channel=third_party" })
        #expect(channel.confoundedBy == "firmware")
        #expect(channel.transactions == 10_800)
        #expect(channel.outcomes == 1200)
        #expect(channel.evidence.contains("; within each firmware the ratio is only 1.00 (95% CI "))
        #expect(findings.last?.pattern == "channel=third_party")
        // What the channel finding left: the official rows of each affected firmware.
        let rest = findings.dropLast()
        #expect(Set(rest.map(\.pattern)) == ["firmware=Y1", "firmware=Y2", "firmware=Y3", "firmware=Y4"])
        #expect(rest.allSatisfy { $0.confoundedBy == nil && $0.transactions == 300 && $0.outcomes == 120 })
        #expect(rest.allSatisfy { $0.evidence.hasPrefix("Setting aside the ") })
        #expect(zip(rest, rest.dropFirst()).allSatisfy { $0.excess >= $1.excess })
    }

    /// code_table=CUP2010 exactly on firmware=OLD (1,500 rows, 20%); CUP2015 on NEW (1%).
    static func aliasedTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        for brand in ["PAX", "Landi", "Newland"] {
            builder.add(
                ["brand": brand, "firmware": "OLD", "code_table": "CUP2010"], outcome: .unknown, cause: .codeTableGap, code: "D1", count: 100)
            builder.add(["brand": brand, "firmware": "OLD", "code_table": "CUP2010"], count: 400)
            builder.add(["brand": brand, "firmware": "NEW", "code_table": "CUP2015"], outcome: .unknown, cause: .codeTableGap, code: "D1", count: 45)
            builder.add(["brand": brand, "firmware": "NEW", "code_table": "CUP2015"], count: 4455)
        }
        return builder.table
    }

    @Test("an aliased pair is reported once, with the alias in the evidence")
    func aliasedPair() throws {
        let findings = Explainer.explain(Self.aliasedTable(), target: .unknown)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        // A tie in every number: the pattern text decides, and the longer pattern of the
        // same rows is no refinement.
        #expect(finding.pattern == "code_table=CUP2010")
        #expect(finding.transactions == 1500)
        #expect(finding.outcomes == 300)
        #expect(finding.confoundedBy == nil)
        #expect(finding.evidence.hasSuffix("; the same transactions as firmware ∈ {OLD}."))
    }

    /// firmware=OLD: 200 code_table_gap and 20 garbled of 1,000; acquirer=AP: 200
    /// nonstandard_code of 1,000; 20 garbled elsewhere among 8,000.
    static func twoCausesTable() -> TransactionTable {
        var builder = TransactionTableBuilder()
        for i in 0..<10_000 {
            let firmware = i % 10 == 0 ? "OLD" : "NEW"
            let acquirer = i % 10 == 5 ? "AP" : "CUP"
            let attributes = ["firmware": firmware, "acquirer": acquirer, "region": "R\(i % 6)"]
            if firmware == "OLD" && (i / 10) % 5 == 0 {
                builder.add(attributes, outcome: .unknown, cause: .codeTableGap, code: ["A7", "D1"][i % 20 == 0 ? 0 : 1])
            } else if firmware == "OLD" && (i / 10) % 50 == 1 {
                builder.add(attributes, outcome: .unknown, cause: .garbledResponse, code: "G1")
            } else if acquirer == "AP" && (i / 10) % 5 == 0 {
                builder.add(attributes, outcome: .unknown, cause: .nonstandardCode, code: "Q1")
            } else if firmware == "NEW" && acquirer == "CUP" && i % 400 == 1 {
                builder.add(attributes, outcome: .unknown, cause: .garbledResponse, code: "G2")
            } else {
                builder.add(attributes)
            }
        }
        return builder.table
    }

    @Test("two causes on two attributes give two findings with the right top cause")
    func causeSplit() throws {
        let findings = Explainer.explain(Self.twoCausesTable(), target: .unknown)
        #expect(findings.map(\.pattern).sorted() == ["acquirer=AP", "firmware=OLD"])
        let old = try #require(findings.first { $0.pattern == "firmware=OLD" })
        // Found by the code_table_gap run (200 rows) and the garbled run (20): the larger excess stays.
        #expect(old.outcomes == 200)
        #expect(old.topCause == "code_table_gap:0.91")
        #expect(old.topCodes == "A7:100|D1:100|G1:20")
        let ap = try #require(findings.first { $0.pattern == "acquirer=AP" })
        #expect(ap.outcomes == 200)
        #expect(ap.topCause == "nonstandard_code:1.00")
        #expect(ap.topCodes == "Q1:200")
        #expect(ap.evidence.contains("showed an unknown code (nonstandard_code) 20.0% of the time (200 of 1,000)"))
    }

    // MARK: No effect

    @Test("an outcome independent of every attribute gives no finding")
    func nullData() {
        var rng = Xoshiro256StarStar(seed: 20_261_120)
        var builder = TransactionTableBuilder()
        let cardinalities = [
            ("brand", 6), ("model", 10), ("channel", 3), ("region", 6), ("mcc", 9), ("firmware", 12), ("entry", 5),
            ("txn_type", 5), ("hour", 16),
        ]
        for _ in 0..<100_000 {
            var attributes: [String: String] = [:]
            for (name, count) in cardinalities { attributes[name] = "v\(rng.next() % UInt64(count))" }
            let roll = rng.next() % 1000
            if roll < 10 {
                builder.add(attributes, outcome: .unknown, cause: roll < 6 ? .codeTableGap : .nonstandardCode, code: "A7")
            } else {
                builder.add(attributes)
            }
        }
        #expect(Explainer.explain(builder.table, target: .unknown).isEmpty)
    }

    /// (Every row unknown but each cause on a brand of its own would be a finding of each cause's
    /// run, rightly: the population of a run is every transaction.)
    @Test("tables with no target row, only target rows, or no rows give no finding")
    func degenerateTables() {
        var allUnknown = TransactionTableBuilder()
        var noUnknown = TransactionTableBuilder()
        for brand in ["A", "B"] {
            allUnknown.add(["brand": brand], outcome: .unknown, cause: .codeTableGap, code: "A7", count: 300)
            allUnknown.add(["brand": brand], outcome: .unknown, cause: .nonstandardCode, code: "Q1", count: 300)
            noUnknown.add(["brand": brand], count: 300)
            noUnknown.add(["brand": brand], outcome: .declined, code: "51", count: 300)
        }
        for table in [allUnknown.table, noUnknown.table, TransactionTable()] {
            for target in ExplainTarget.allCases {
                #expect(Explainer.explain(table, target: target).isEmpty)
            }
        }
    }

    @Test("an attribute with one value neither joins a pattern nor stops the others")
    func singleValuedAttribute() throws {
        var builder = TransactionTableBuilder()
        builder.add(["brand": "PAX", "firmware": "OLD"], outcome: .unknown, cause: .codeTableGap, code: "A7", count: 150)
        builder.add(["brand": "PAX", "firmware": "OLD"], count: 850)
        builder.add(["brand": "PAX", "firmware": "NEW"], outcome: .unknown, cause: .codeTableGap, code: "A7", count: 40)
        builder.add(["brand": "PAX", "firmware": "NEW"], count: 3960)
        let findings = Explainer.explain(builder.table, target: .unknown)
        #expect(findings.map(\.pattern) == ["firmware=OLD"])
        #expect(findings.first?.confoundedBy == nil)
    }

    @Test("the target picks the outcome rows", arguments: [ExplainTarget.timeout, .failed])
    func otherTargets(target: ExplainTarget) throws {
        var builder = TransactionTableBuilder()
        builder.add(["region": "remote", "net_type": "2g"], outcome: .timeout, cause: .lateResponse, count: 120)
        builder.add(["region": "remote", "net_type": "2g"], count: 880)
        builder.add(["region": "remote", "net_type": "4g"], outcome: .timeout, cause: .lateResponse, count: 10)
        builder.add(["region": "remote", "net_type": "4g"], count: 990)
        builder.add(["region": "city", "net_type": "2g"], outcome: .timeout, cause: .lateResponse, count: 10)
        builder.add(["region": "city", "net_type": "2g"], count: 990)
        builder.add(["region": "city", "net_type": "4g"], outcome: .timeout, cause: .lateResponse, count: 70)
        builder.add(["region": "city", "net_type": "4g"], count: 6930)
        let finding = try #require(Explainer.explain(builder.table, target: target).first)
        #expect(finding.pattern == "region=remote&net_type=2g")
        #expect(finding.outcome == target.rawValue)
        #expect(finding.outcomes == 120)
        #expect(finding.topCause == "late_response:1.00")
        #expect(finding.topCodes == "")
    }

    @Test("options change the thresholds: a higher support leaves the planted cell out")
    func options() {
        var options = ExplainOptions()
        options.minSupport = 301
        #expect(Explainer.explain(Self.plantedTable(), target: .unknown, options: options).allSatisfy { $0.pattern != "brand=X&firmware=Y" })
        options = ExplainOptions()
        options.maxAttributes = 1
        #expect(Explainer.explain(Self.plantedTable(), target: .unknown, options: options).map(\.pattern) == ["brand=X"])
    }

    // MARK: Counting

    /// Every combination's transactions among `rows`, one row and one subset at a time.
    /// A compact coding of `table` that lumps about one value in `lumpingOneIn` at random (never
    /// the first attribute's first value), and its layout of combinations of up to 3 attributes.
    static func randomCoding(
        _ table: TransactionTable, lumpingOneIn: UInt64, rng: inout Xoshiro256StarStar
    ) -> (CompactColumns, CombinationLayout) {
        var keep = table.values.map { values in values.indices.map { _ in rng.next() % lumpingOneIn != 0 } }
        keep[0][0] = true
        let columns = CompactColumns(table: table, keep: keep)
        return (columns, CombinationLayout(columns: columns, maxAttributes: 3))
    }

    static func bruteForceCounts(_ columns: CompactColumns, _ layout: CombinationLayout, rows: some Sequence<Int>) -> CombinationCounts {
        var counts = CombinationCounts(layout: layout)
        for subset in layout.subsets {
            for row in rows {
                var cell = 0
                for (k, a) in subset.attributes.enumerated() {
                    cell += Int(columns.compactOfRaw[a][Int(columns.table.attributes[a][row])]) * subset.strides[k]
                }
                if subset.offset >= 0 { counts.dense[subset.offset + cell] += 1 } else { counts.sparse[subset.sparseSlot][cell, default: 0] += 1 }
            }
        }
        return counts
    }

    /// Every subset's counts, by the block pass, the subset pass and the row list, against a
    /// brute-force count; and decrements against a recount of the rows left.
    @Test("combination counts agree with brute force on every pass", arguments: [false, true])
    func countingPasses(wide: Bool) {
        var rng = Xoshiro256StarStar(seed: wide ? 2 : 1)
        var builder = TransactionTableBuilder()
        // wide: three attributes of 220 values, whose subset is too large for a dense array.
        let cardinalities =
            wide
            ? [("brand", 220), ("model", 220), ("agent", 220), ("hour", 4)]
            : [("brand", 6), ("model", 10), ("channel", 3), ("region", 6), ("firmware", 12), ("hour", 16), ("entry", 5)]
        for _ in 0..<6000 {
            var attributes: [String: String] = [:]
            for (name, count) in cardinalities { attributes[name] = "v\(Int(rng.next() % UInt64(count)))" }
            builder.add(attributes)
        }
        let table = builder.table
        let (columns, layout) = Self.randomCoding(table, lumpingOneIn: 5, rng: &rng)
        #expect(layout.sparseCount == (wide ? 1 : 0))
        let counter = CombinationCounter(columns: columns, layout: layout)
        let allRows = (0..<Int32(table.count)).map { $0 }
        let removed = allRows.filter { $0 % 3 == 0 }
        let left = allRows.filter { $0 % 3 != 0 }

        let expectedAll = Self.bruteForceCounts(columns, layout, rows: allRows.map { Int($0) })
        let expectedLeft = Self.bruteForceCounts(columns, layout, rows: left.map { Int($0) })
        for pass in [CombinationCounter.Pass.bySubset, .byBlock] {
            let all = counter.countAllRows(pass: pass)
            #expect(all.dense == expectedAll.dense)
            #expect(all.sparse == expectedAll.sparse)
            var decremented = all
            counter.add(rows: removed, sign: -1, to: &decremented, pass: pass)
            #expect(decremented.dense == expectedLeft.dense)
            #expect(decremented.sparse.map { $0.filter { $0.value != 0 } } == expectedLeft.sparse)
        }
    }

    /// A window read terminal by terminal: runs of rows that share their terminal-level values.
    /// Counting run by run, counting attribute by attribute and a brute-force count agree, over
    /// the whole table and over ranges that start and end inside runs.
    @Test("counting by runs of terminal-level values agrees with brute force, over the table and over row ranges")
    func runCounting() throws {
        var rng = Xoshiro256StarStar(seed: 11)
        var builder = TransactionTableBuilder()
        for terminal in 0..<80 {
            let fixed = [
                "brand": "b\(terminal % 5)", "model": "m\(terminal % 9)", "region": "r\(terminal % 4)", "firmware": "f\(terminal % 7)",
            ]
            for row in 0..<(20 + terminal % 13) {
                var attributes = fixed
                // An upgrade halfway through some terminals' rows: a new run within the terminal.
                if terminal % 3 == 0 && row > 10 { attributes["firmware"] = "f9" }
                attributes["hour"] = "h\(rng.next() % 12)"
                attributes["entry"] = "e\(rng.next() % 4)"
                builder.add(attributes)
            }
        }
        let table = builder.table
        let (columns, layout) = Self.randomCoding(table, lumpingOneIn: 6, rng: &rng)
        let byRuns = CombinationCounter(columns: columns, layout: layout, tuples: .never)
        let runs = try #require(RowRuns(columns: columns, rows: 0..<table.count))
        #expect(runs.count >= 80 && runs.count < table.count / 4)
        #expect(runs.starts.first == 0 && runs.starts.last == Int32(table.count))
        let inside = try #require(RowRuns(columns: columns, rows: 7..<1031))
        #expect(inside.starts.first == 7 && inside.starts.last == 1031 && inside.run(holding: 1030) == inside.count - 1)
        let plain = CombinationCounter(columns: columns, layout: layout, tuples: .never, useRuns: false)
        func bruteForce(_ rows: Range<Int>) -> [Int32] { Self.bruteForceCounts(columns, layout, rows: rows).dense }
        for pass in [CombinationCounter.Pass.bySubset, .byBlock] {
            #expect(byRuns.countAllRows(pass: pass).dense == bruteForce(0..<table.count))
            #expect(plain.countAllRows(pass: pass).dense == bruteForce(0..<table.count))
        }
        for range in [0..<table.count, 7..<1031, 500..<501, 1200..<table.count, 0..<0] {
            #expect(byRuns.countRows(in: range).dense == bruteForce(range), "rows \(range)")
            #expect(plain.countRows(in: range).dense == bruteForce(range), "rows \(range)")
        }
    }

    /// The packed tuples count like the rows: all of them, and what a finding's items take out.
    @Test("packed tuples count like brute force, and a finding's rows come out of them", arguments: [false, true])
    func tupleCounting(wide: Bool) throws {
        var rng = Xoshiro256StarStar(seed: wide ? 4 : 3)
        var builder = TransactionTableBuilder()
        let cardinalities = wide ? [("brand", 220), ("model", 220), ("hour", 4)] : [("brand", 6), ("model", 10), ("channel", 3), ("hour", 16)]
        for _ in 0..<6000 {
            var attributes: [String: String] = [:]
            for (name, count) in cardinalities { attributes[name] = "v\(Int(rng.next() % UInt64(count)))" }
            builder.add(attributes)
        }
        let table = builder.table
        let keep = table.values.map { values in values.indices.map { _ in true } }
        let columns = CompactColumns(table: table, keep: keep)
        let layout = CombinationLayout(columns: columns, maxAttributes: 3)
        let packed = CombinationCounter(columns: columns, layout: layout, tuples: .always)
        let tuples = try #require(packed.tuples)
        #expect(tuples.weights.reduce(0, +) == Int32(table.count))
        let rows = CombinationCounter(columns: columns, layout: layout, tuples: .never)
        #expect(rows.tuples == nil)
        let byRows = rows.countAllRows()
        var byTuples = packed.countAllRows()
        #expect(byTuples.dense == byRows.dense)
        #expect(byTuples.sparse == byRows.sparse)

        // brand=v1 & hour=v2 out of both: by tuple weights and by its rows.
        let brand = TransactionTable.attributeIndex("brand")!
        let hour = TransactionTable.attributeIndex("hour")!
        let items: [(attribute: Int, value: UInt32)] = [
            (brand, UInt32(table.values[brand].firstIndex(of: "v1")!)), (hour, UInt32(table.values[hour].firstIndex(of: "v2")!)),
        ]
        let matching = (0..<Int32(table.count)).filter { row in items.allSatisfy { table.attributes[$0.attribute][Int(row)] == $0.value } }
        #expect(!matching.isEmpty)
        var remaining = tuples.weights
        #expect(packed.subtract(matching: items, remaining: &remaining, from: &byTuples) == matching.count)
        var expected = byRows
        rows.add(rows: matching, sign: -1, to: &expected)
        #expect(byTuples.dense == expected.dense)
        #expect(byTuples.sparse.map { $0.filter { $0.value != 0 } } == expected.sparse.map { $0.filter { $0.value != 0 } })
    }

    @Test("tuples are kept only when they are a small share of the rows")
    func tuplePolicy() {
        // 6,000 rows of 4 × 5 × 3 = 60 distinct value tuples: compact; 6,000 rows of random hours
        // and models of 1,000 values: nearly every row its own tuple.
        for (models, compact) in [(5, true), (1000, false)] {
            var rng = Xoshiro256StarStar(seed: 9)
            var builder = TransactionTableBuilder()
            for _ in 0..<6000 {
                builder.add(["brand": "b\(rng.next() % 4)", "model": "m\(rng.next() % UInt64(models))", "hour": "h\(rng.next() % 3)"])
            }
            let table = builder.table
            let columns = CompactColumns(table: table, keep: table.values.map { $0.map { _ in true } })
            let layout = CombinationLayout(columns: columns, maxAttributes: 3)
            let counter = CombinationCounter(columns: columns, layout: layout)
            #expect((counter.tuples != nil) == compact, "models: \(models)")
        }
    }

    @Test("the findings are the same whether the rows are counted packed or one by one")
    func findingsEitherWay() {
        for table in [Self.plantedTable(), Self.decoyTable(), Self.confoundedTable(), Self.aliasedTable(), Self.twoCausesTable()] {
            let packed = Explainer.candidates(table, target: .unknown, options: ExplainOptions(), transactionCounts: nil, tuples: .always)
            let rows = Explainer.candidates(table, target: .unknown, options: ExplainOptions(), transactionCounts: nil, tuples: .never)
            #expect(!packed.isEmpty)
            #expect(packed.map(\.finding) == rows.map(\.finding))
        }
    }

    @Test("a run that proves its next round empty ends early with the very same findings")
    func provenEnd() throws {
        var saved = 0
        let tables =
            [Self.plantedTable(), Self.decoyTable(), Self.confoundedTable(), Self.aliasedTable(), Self.twoCausesTable()]
            + (1...3).map { Self.fleetTable(rows: 6_000, seed: $0) }
        for (k, table) in tables.enumerated() {
            for tuples in k < 5 ? [CombinationCounter.TuplePolicy.always, .never] : [.never] {
                let plan = try #require(
                    ExplainPlan(
                        table, target: .unknown, options: ExplainOptions(), transactionCounts: nil, tuples: tuples,
                        countAll: { $0.countAllRows() }))
                for index in plan.runs.indices {
                    let run = plan.run(index)
                    let proven = run.findings(
                        transactions: plan.transactions, rawTransactions: plan.rawTransactions, endWhenProven: true)
                    let plain = run.findings(
                        transactions: plan.transactions, rawTransactions: plan.rawTransactions, endWhenProven: false)
                    #expect(proven.found.map(\.finding) == plain.found.map(\.finding), "table \(k), run \(index)")
                    #expect(proven.subtractions <= plain.subtractions)
                    // Every run that ends by the stop rule subtracts its last finding when not proving.
                    if !plain.found.isEmpty && plain.found.count < ExplainOptions().maxFindings {
                        #expect(plain.subtractions == plain.found.count)
                    }
                    saved += plain.subtractions - proven.subtractions
                }
            }
        }
        // The proof must really end runs early, not only agree.
        #expect(saved >= tables.count)
    }

    // MARK: Sentences

    @Test(
        "numbers of the evidence",
        arguments: [
            (0.124, "12.4%"), (0.006, "0.6%"), (0.0, "0%"), (0.00043, "0.043%"), (1.0, "100.0%"), (0.00095, "0.095%"),
        ])
    func percent(rate: Double, text: String) {
        #expect(EvidenceNumbers.percent(rate) == text)
    }

    @Test("ratios, counts and lists of the evidence")
    func numbers() {
        #expect(EvidenceNumbers.ratio(20.66) == "20.7")
        #expect(EvidenceNumbers.ratio(1.4931) == "1.49")
        #expect(EvidenceNumbers.ratio(451_993.04) == "451,993")
        #expect(EvidenceNumbers.count(3321) == "3,321")
        #expect(EvidenceNumbers.count(1_000_000) == "1,000,000")
        #expect(EvidenceNumbers.count(999) == "999")
        #expect(EvidenceNumbers.decimal(0.925, places: 2) == "0.93" || EvidenceNumbers.decimal(0.925, places: 2) == "0.92")
        #expect(EvidenceNumbers.decimal(0.926, places: 2) == "0.93")
        #expect(EvidenceNumbers.decimal(7, places: 0) == "7")
        #expect(EvidenceNumbers.list(["A7"], conjunction: "and") == "A7")
        #expect(EvidenceNumbers.list(["A7", "D1", "F3"], conjunction: "and") == "A7, D1 and F3")
    }

    // MARK: Speed

    /// A fleet-like table: terminal attributes fixed per terminal, the rest drawn per row; one
    /// firmware at 12% code_table_gap, one acquirer at 5% nonstandard_code, 0.5% garbled.
    static func fleetTable(rows: Int, seed: UInt64) -> TransactionTable {
        var rng = Xoshiro256StarStar(seed: seed)
        let cardinalities = [6, 10, 3, 6, 4, 6, 9, 12, 4, 2, 4, 5, 5, 2, 5, 6, 16]
        var table = TransactionTable()
        for a in cardinalities.indices {
            for v in 1..<cardinalities[a] { table.values[a].append("v\(v)") }
            table.attributes[a].reserveCapacity(rows)
        }
        func skewed(_ k: Int) -> UInt32 {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            return UInt32(min(k - 1, Int(u * u * Double(k))))
        }
        let terminals = max(1, rows / 40)
        let fixed = (0..<terminals).map { _ in (0..<12).map { skewed(cardinalities[$0]) } }
        for row in 0..<rows {
            let terminal = Int(rng.next() % UInt64(terminals))
            for a in 0..<12 { table.attributes[a].append(fixed[terminal][a]) }
            for a in 12..<17 { table.attributes[a].append(skewed(cardinalities[a])) }
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            var outcome = Outcome.approved
            var cause: Cause?
            var code: String? = "00"
            if table.attributes[7][row] == 5 && u < 0.12 {
                (outcome, cause, code) = (.unknown, .codeTableGap, ["A7", "D1", "F3"][row % 3])
            } else if table.attributes[10][row] == 3 && u < 0.05 {
                (outcome, cause, code) = (.unknown, .nonstandardCode, "Q1")
            } else if u < 0.005 {
                (outcome, cause, code) = (.unknown, .garbledResponse, "G1")
            } else if u < 0.05 {
                (outcome, code) = (.declined, "51")
            }
            table.outcome.append(outcome)
            table.cause.append(cause)
            table.responseCode.append(table.codeIndex(code))
            table.acquirerResponseCode.append(table.codeIndex(code))
            table.terminal.append(UInt32(terminal))
            table.time.append(Int64(row))
        }
        table.terminals = (0..<terminals).map { "T\($0)" }
        table.count = rows
        return table
    }

    static func seconds(_ work: () -> Void) -> Double {
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        work()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
    }

    @Test("a fleet of 50,000 rows: the planted firmware and acquirer are the findings")
    func fleetSized() {
        let table = Self.fleetTable(rows: 50_000, seed: 7)
        let findings = Explainer.explain(table, target: .unknown)
        #expect(findings.map(\.pattern) == ["firmware=v5", "acquirer=v3"])
    }

    /// `POSRCA_EXPLAIN_BENCH=1 swift test -c release --filter ExplainTests`: 2M rows, under 1.5 s.
    @Test("explain of 2M rows takes under 1.5 s", .enabled(if: getenv("POSRCA_EXPLAIN_BENCH") != nil))
    func twoMillionRows() {
        let table = Self.fleetTable(rows: 2_000_000, seed: 7)
        var findings: [Finding] = []
        let time = Self.seconds { findings = Explainer.explain(table, target: .unknown) }
        print("Explainer.explain, 2,000,000 rows: \(time) s, \(findings.count) findings")
        #expect(findings.map(\.pattern) == ["firmware=v5", "acquirer=v3"])
        #expect(time < 1.5)
    }
}
