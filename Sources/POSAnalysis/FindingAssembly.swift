/// A finding as a pass proposes it, with the transactions it is about.
struct Candidate {
    enum Population {
        /// Every transaction holding these attribute values (a combination, `net_event_60s=yes`).
        case items([(attribute: Int, value: UInt32)])
        /// These rows (a network window that is not an attribute).
        case rows([Int32])
        /// A firmware change: a comparison in time, not a group of transactions. Its
        /// transactions are those on the worse version.
        case firmware(worse: String, better: String)
    }

    var finding: Finding
    var population: Population

    /// The ranking of findings: unconfounded before confounded, each by `excess_unknown`
    /// (larger first), then by pattern text.
    static func ranksBefore(_ a: Finding, _ b: Finding) -> Bool {
        if (a.confoundedBy == nil) != (b.confoundedBy == nil) { return a.confoundedBy == nil }
        if a.excess != b.excess { return a.excess > b.excess }
        return a.pattern < b.pattern
    }
}

/// One bit per row of the table.
struct RowSet {
    private(set) var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) >> 6) }

    mutating func insert(_ row: Int) { words[row >> 6] |= 1 << UInt64(row & 63) }
    func contains(_ row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    /// Rows in this set, in `other` and in `third`.
    func countShared(with other: RowSet, and third: RowSet) -> Int {
        var n = 0
        for i in words.indices { n += (words[i] & other.words[i] & third.words[i]).nonzeroBitCount }
        return n
    }

    /// Rows in this set and in `other`.
    func countShared(with other: RowSet) -> Int {
        var n = 0
        for i in words.indices { n += (words[i] & other.words[i]).nonzeroBitCount }
        return n
    }

    /// Calls `body` with each row, ascending.
    func forEachRow(_ body: (Int) -> Void) {
        for (i, word) in words.enumerated() where word != 0 {
            var w = word
            while w != 0 {
                body(i << 6 | w.trailingZeroBitCount)
                w &= w - 1
            }
        }
    }
}

/// From the passes' candidates to the findings an analyst reads (docs/analysis.md §7 "Findings"):
/// one finding per cause, ranked by what it explains, with the codes its table lacks, the
/// terminals it concerns and what to do about it.
///
/// 1. A pattern proposed twice (by two runs or two passes) is kept once, with the larger excess.
/// 2. Ranking: unconfounded findings before confounded ones, each by `excess_unknown`.
/// 3. Folding: a finding whose target transactions are at least `foldShare` those of a
///    higher-ranked finding is not ranked; its pattern and counts go into that finding's
///    evidence and `folded` column. A firmware change is a comparison in time, not a group of
///    transactions: it is never folded and nothing folds into it.
/// 4. Code gaps: the values the code-gap test finds lacking codes are attached to the finding
///    that names them (`code_table=V`, `firmware=V`, or a firmware change from or to V), or else
///    to the first finding holding `foldShare` of their unknown arrivals; `top_codes` then lists
///    the lacking codes with their unknown counts, and the evidence says where each is known.
/// 5. Each finding gets its terminals and a recommendation for its mechanism.
enum FindingAssembly {
    static func assemble(
        _ candidates: [Candidate], table: TransactionTable, target: ExplainTarget, codeGaps: [CodeGapAnalysis.Test],
        foldShare: Double
    ) -> [Finding] {
        // 1–2. One candidate per outcome and pattern, ranked.
        let ordered = ranked(candidates)
        // Each candidate's rows, the target rows and each terminal's latest row: scans of the
        // whole window, independent of each other, so they run two at a time.
        enum Scan {
            case rows(RowSet)
            case latest([Int])
        }
        var scans: [() -> Scan] = [
            { .latest(latestRows(table)) },
            {
                var targets = RowSet(count: table.count)
                for row in 0..<table.count where target.matches(table.outcome[row]) { targets.insert(row) }
                return .rows(targets)
            },
        ]
        scans += ordered.map { candidate in { .rows(rows(of: candidate.population, table: table)) } }
        let scanned = PassJobs.run(scans).map(\.value)
        guard case .latest(let latest) = scanned[0] else { preconditionFailure("the first scan gives the latest rows") }
        let rowSets = scanned.dropFirst().map {
            guard case .rows(let rows) = $0 else { preconditionFailure("the other scans give rows") }
            return rows
        }
        let targets = rowSets[0]
        let members = Array(rowSets[1...])
        // 3. Folding, in rank order.
        let folding = fold(ordered, members: members, targets: targets, foldShare: foldShare)
        // 4. Code gaps, by value, the value with the most unknown arrivals first.
        let gaps =
            target != .timeout
            ? placeGaps(codeGaps, kept: folding.kept, ordered: ordered, members: members, table: table, foldShare: foldShare)
            : GapPlacement()

        // 5. Terminals, evidence, recommendation: each finding on its own, two at a time.
        return PassJobs.run(
            folding.kept.enumerated().map { rank, index in
                {
                    var finding = ordered[index].finding
                    let gapGroups = gaps.gapsOf[index] ?? []
                    addEvidence(
                        to: &finding, gaps: gapGroups, aliases: gaps.aliasesOf[index] ?? [], folds: folding.folds[index] ?? [],
                        target: target)
                    finding.terminals = terminals(members[index], targets: targets, table: table, latest: latest)
                    let current = latest.reduce(0) { $0 + ($1 >= 0 && members[index].contains($1) ? 1 : 0) }
                    let advice = Recommendation(
                        finding: finding, population: ordered[index].population, gaps: gapGroups, rank: rank + 1,
                        current: current, rows: members[index], targets: targets, table: table, latest: latest,
                        target: target)
                    finding.recommendation = advice.english
                    finding.recommendationZH = Wording.spaced(advice.chinese)
                    finding.evidenceZH = Wording.spaced(finding.evidenceZH)
                    return finding
                }
            }
        ).map(\.value)
    }

    /// One candidate per outcome and pattern (the larger excess; on a tie, another pass's over a
    /// combination), ranked by `Candidate.ranksBefore`.
    private static func ranked(_ candidates: [Candidate]) -> [Candidate] {
        var best: [String: Candidate] = [:]
        for candidate in candidates {
            let key = candidate.finding.outcome + "\u{1}" + candidate.finding.pattern
            if let kept = best[key] {
                let keepNew =
                    candidate.finding.excess > kept.finding.excess
                    || (candidate.finding.excess == kept.finding.excess && kept.finding.kind == "combination")
                if keepNew { best[key] = candidate }
            } else {
                best[key] = candidate
            }
        }
        return best.values.sorted { Candidate.ranksBefore($0.finding, $1.finding) }
    }

    /// The candidates kept (indices into the ranked list, in rank order) and the folds of each.
    private struct Folding {
        var kept: [Int] = []
        var folds: [Int: [Fold]] = [:]
    }

    /// Folds, in rank order, each candidate whose target rows are at least `foldShare` those of
    /// a kept, higher one into it; firmware changes neither fold nor take folds.
    private static func fold(_ ordered: [Candidate], members: [RowSet], targets: RowSet, foldShare: Double) -> Folding {
        var folding = Folding()
        for (index, candidate) in ordered.enumerated() {
            let foldable: Bool = if case .firmware = candidate.population { false } else { true }
            let own = members[index].countShared(with: targets)
            if foldable, own > 0 {
                let into = folding.kept.first { k in
                    if case .firmware = ordered[k].population { return false }
                    return Double(members[index].countShared(with: members[k], and: targets)) >= foldShare * Double(own)
                }
                if let into {
                    let shared = members[index].countShared(with: members[into], and: targets)
                    folding.folds[into, default: []].append(Fold(finding: candidate.finding, outcomes: own, shared: shared))
                    continue
                }
            }
            folding.kept.append(index)
        }
        return folding
    }

    /// The code gaps of each kept finding (by index into the ranked list), and the values
    /// named there as aliases.
    private struct GapPlacement {
        var gapsOf: [Int: [GapGroup]] = [:]
        var aliasesOf: [Int: [GapGroup]] = [:]
    }

    /// Attaches each value's code gaps to its home finding. A value whose gaps are those of a
    /// value attached already (the same codes on the same arrivals: a firmware that always boots
    /// with that code table) is named as an alias there.
    private static func placeGaps(
        _ codeGaps: [CodeGapAnalysis.Test], kept: [Int], ordered: [Candidate], members: [RowSet], table: TransactionTable,
        foldShare: Double
    ) -> GapPlacement {
        var placement = GapPlacement()
        var homes: [(signature: [String], home: Int)] = []
        for group in GapGroup.groups(codeGaps) {
            if let same = homes.first(where: { $0.signature == group.signature }) {
                placement.aliasesOf[same.home, default: []].append(group)
                continue
            }
            guard let home = home(of: group, kept: kept, ordered: ordered, members: members, table: table, foldShare: foldShare)
            else { continue }
            placement.gapsOf[home, default: []].append(group)
            homes.append((group.signature, home))
        }
        return placement
    }

    /// Adds to a finding's evidence its code gaps (whose codes become its `top_codes`), the
    /// aliases of those values and the findings folded into it.
    private static func addEvidence(
        to finding: inout Finding, gaps: [GapGroup], aliases: [GapGroup], folds: [Fold], target: ExplainTarget
    ) {
        if let first = gaps.first { finding.topCodes = first.topCodes }
        for group in gaps {
            finding.evidence = appending(finding.evidence, group.english)
            finding.evidenceZH = appending(finding.evidenceZH, group.chinese)
        }
        for alias in aliases {
            finding.evidence = appending(finding.evidence, "; \(alias.attribute)=\(alias.value) lacks the same codes on the same arrivals")
            finding.evidenceZH = appending(
                finding.evidenceZH, "；\(Wording.attributeZH(alias.attribute)) \(alias.value) 在相同交易上缺少相同的应答码")
        }
        for fold in folds {
            finding.folded.append(fold.finding.pattern)
            finding.evidence = appending(finding.evidence, fold.english(target: target))
            finding.evidenceZH = appending(finding.evidenceZH, fold.chinese(target: target))
        }
    }

    /// A sentence with one more clause: "A." + "; b" = "A; b.", "甲。" + "；乙" = "甲；乙。".
    static func appending(_ sentence: String, _ clause: String) -> String {
        guard !clause.isEmpty else { return sentence }
        var base = sentence
        if base.hasSuffix(".") || base.hasSuffix("。") { base.removeLast() }
        return base + clause + (clause.unicodeScalars.contains { $0.value >= 0x3000 } ? "。" : ".")
    }

    /// The rows a candidate is about.
    static func rows(of population: Candidate.Population, table: TransactionTable) -> RowSet {
        var set = RowSet(count: table.count)
        switch population {
        case .items(let items):
            let columns = items.map { table.attributes[$0.attribute] }
            let values = items.map(\.value)
            for row in 0..<table.count {
                var all = true
                for k in columns.indices where UInt32(columns[k][row]) != values[k] {
                    all = false
                    break
                }
                if all { set.insert(row) }
            }
        case .rows(let rows):
            for row in rows { set.insert(Int(row)) }
        case .firmware(let worse, _):
            let attribute = TransactionTable.attributeIndex("firmware")!
            guard let code = table.values[attribute].firstIndex(of: worse) else { break }
            let column = table.attributes[attribute]
            for row in 0..<table.count where Int(column[row]) == code { set.insert(row) }
        }
        return set
    }

    /// The finding a value's code gaps belong to, as an index into `ordered`.
    private static func home(
        of group: GapGroup, kept: [Int], ordered: [Candidate], members: [RowSet], table: TransactionTable, foldShare: Double
    ) -> Int? {
        let attribute = TransactionTable.attributeIndex(group.attribute)!
        let code = table.values[attribute].firstIndex(of: group.value).map(UInt32.init)
        for k in kept {
            switch ordered[k].population {
            case .items(let items) where items.contains(where: { $0.attribute == attribute && $0.value == code }):
                return k
            case .firmware(let worse, let better) where group.attribute == "firmware" && (worse == group.value || better == group.value):
                return k
            default: continue
            }
        }
        // The first finding that holds most of the value's unknown arrivals of those codes.
        guard let code else { return nil }
        let codeIndices = Set(group.tests.compactMap { test in table.codes.firstIndex(of: test.code).map(UInt16.init) })
        var arrivals = RowSet(count: table.count)
        var total = 0
        let column = table.attributes[attribute]
        for row in 0..<table.count
        where table.outcome[row] == .unknown && UInt32(column[row]) == code && codeIndices.contains(table.responseCode[row]) {
            arrivals.insert(row)
            total += 1
        }
        guard total > 0 else { return nil }
        return kept.first { k in
            if case .firmware = ordered[k].population { return false }
            return Double(arrivals.countShared(with: members[k])) >= foldShare * Double(total)
        }
    }

    /// Per terminal index, the row with its latest transaction in the window.
    static func latestRows(_ table: TransactionTable) -> [Int] {
        var latest = [Int](repeating: -1, count: max(table.terminals.count, Int(table.terminal.max() ?? 0) + 1))
        for row in 0..<table.count {
            let terminal = Int(table.terminal[row])
            if latest[terminal] < 0 || table.time[row] >= table.time[latest[terminal]] { latest[terminal] = row }
        }
        return latest
    }

    /// The terminals of a finding's rows with their counts, most target rows first, then most
    /// rows, then terminal ID; who they are as of their latest transaction in the window.
    static func terminals(_ rows: RowSet, targets: RowSet, table: TransactionTable, latest: [Int]) -> [FindingTerminal] {
        var counts: [UInt32: (n: Int, outcomes: Int)] = [:]
        rows.forEachRow { row in
            let terminal = table.terminal[row]
            counts[terminal, default: (0, 0)].n += 1
            if targets.contains(row) { counts[terminal, default: (0, 0)].outcomes += 1 }
        }
        func value(_ name: String, _ row: Int) -> String {
            guard row >= 0, let a = TransactionTable.attributeIndex(name) else { return "" }
            return table.values[a][Int(table.attributes[a][row])]
        }
        return counts.map { terminal, count in
            let row = latest[Int(terminal)]
            return FindingTerminal(
                tid: table.terminals[Int(terminal)], brand: value("brand", row), model: value("model", row),
                channel: value("channel", row), agent: value("agent", row), region: value("region", row),
                firmware: value("firmware", row), transactions: count.n, outcomes: count.outcomes)
        }.sorted { ($1.outcomes, $1.transactions, $0.tid) < ($0.outcomes, $0.transactions, $1.tid) }
    }
}

/// A lower-ranked finding folded into a higher one.
struct Fold {
    var finding: Finding
    /// Its target transactions, and how many of them the higher finding holds.
    var outcomes: Int
    var shared: Int

    func english(target: ExplainTarget) -> String {
        let share = EvidenceNumbers.wholePercent(Double(shared) / Double(max(outcomes, 1)))
        return "; also seen as \(finding.pattern) (\(finding.kind), \(EvidenceNumbers.count(outcomes)) \(target.pluralPhrase),"
            + " \(share) of them this finding's, excess \(EvidenceNumbers.decimal(finding.excess, places: 1)))"
    }

    func chinese(target: ExplainTarget) -> String {
        let share = EvidenceNumbers.wholePercent(Double(shared) / Double(max(outcomes, 1)))
        return "；亦表现为 \(finding.pattern)（\(EvidenceNumbers.count(outcomes)) 笔\(Wording.outcomeZH(target.rawValue))，"
            + "其中 \(share) 属于本发现，超额 \(EvidenceNumbers.decimal(finding.excess, places: 1)) 笔）"
    }
}

/// The codes one value (of `code_table` or `firmware`) lacks, from the code-gap test.
struct GapGroup {
    var attribute: String
    var value: String
    /// Its lacking tests, most unknown arrivals first.
    var tests: [CodeGapAnalysis.Test]

    var unknown: Int { tests.reduce(0) { $0 + $1.unknown } }

    /// The codes and their counts: two values with the same signature lack the same codes on the same arrivals.
    var signature: [String] { tests.map { "\($0.code) \($0.unknown) \($0.arrivals) \($0.otherUnknown) \($0.otherArrivals)" }.sorted() }

    /// Lacking tests grouped by value: the values with most unknown arrivals first.
    static func groups(_ tests: [CodeGapAnalysis.Test]) -> [GapGroup] {
        var byValue: [String: GapGroup] = [:]
        for test in tests where test.lacks {
            let key = test.attribute + "=" + test.value
            byValue[key, default: GapGroup(attribute: test.attribute, value: test.value, tests: [])].tests.append(test)
        }
        var groups = Array(byValue.values)
        for i in groups.indices { groups[i].tests.sort { ($1.unknown, $0.code) < ($0.unknown, $1.code) } }
        return groups.sorted {
            ($1.unknown, CodeGapAnalysis.attributes.firstIndex(of: $0.attribute)!, $0.value)
                < ($0.unknown, CodeGapAnalysis.attributes.firstIndex(of: $1.attribute)!, $1.value)
        }
    }

    /// `top_codes` of the finding: every lacking code with its unknown count, `A7:28|D1:27`.
    var topCodes: String { tests.map { "\($0.code):\($0.unknown)" }.joined(separator: "|") }

    /// The largest q of the group, as the sentences give it.
    private var qText: String { NetworkFindingText.pValue(tests.map(\.qValue).max() ?? 1) }

    /// Where a code is known: "CUP2015 428 of 428".
    private static func knownEN(_ test: CodeGapAnalysis.Test) -> String {
        let shown = test.knownAt.prefix(2).map { "\($0.value) \(EvidenceNumbers.count($0.known)) of \(EvidenceNumbers.count($0.arrivals))" }
        let more = test.knownAt.count > 2 ? " and \(test.knownAt.count - 2) more" : ""
        return shown.isEmpty ? "known nowhere else" : "known under " + shown.joined(separator: ", ") + more
    }

    private static func knownZH(_ test: CodeGapAnalysis.Test) -> String {
        let shown = test.knownAt.prefix(2).map { "\($0.value)（\(EvidenceNumbers.count($0.arrivals)) 笔中 \(EvidenceNumbers.count($0.known)) 笔）" }
        let more = test.knownAt.count > 2 ? "等 \(test.knownAt.count) 个取值" : ""
        return shown.isEmpty ? "其他取值下也无法识别" : "在" + shown.joined(separator: "、") + more + "下正常识别"
    }

    var english: String {
        let codes = tests.map { test in
            "\(test.code) (unknown in \(EvidenceNumbers.count(test.unknown)) of \(EvidenceNumbers.count(test.arrivals)) arrivals,"
                + " \(EvidenceNumbers.count(test.otherUnknown)) of \(EvidenceNumbers.count(test.otherArrivals)) elsewhere; \(Self.knownEN(test)))"
        }
        return "; the code-gap test finds \(attribute)=\(value) lacks " + EvidenceNumbers.list(codes, conjunction: "and")
            + " (Fisher, q \(qText) for each)"
    }

    var chinese: String {
        let codes = tests.map { test in
            "\(test.code)（\(EvidenceNumbers.count(test.arrivals)) 笔中 \(EvidenceNumbers.count(test.unknown)) 笔显示为未知，"
                + "其他取值 \(EvidenceNumbers.count(test.otherArrivals)) 笔中 \(EvidenceNumbers.count(test.otherUnknown)) 笔；\(Self.knownZH(test))）"
        }
        return "；应答码缺失检验表明\(Wording.attributeZH(attribute)) \(value) 缺少 " + Wording.listZH(codes)
            + "（Fisher 检验，q 均 \(qText)）"
    }
}
