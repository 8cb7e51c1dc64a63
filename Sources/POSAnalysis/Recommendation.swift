/// What ops should do about a finding, for its mechanism (docs/analysis.md §7.6 "Recommendations per mechanism"),
/// in English and Chinese.
///
/// The mechanism is the finding's `top_cause` (the most frequent cause of its target
/// transactions); a firmware change speaks of its versions. Each names the terminals file of the
/// finding, `findings/<rank>-terminals.csv`, so that ops act on exactly those terminals.
struct Recommendation {
    var english = ""
    var chinese = ""

    init(
        finding: Finding, population: Candidate.Population, gaps: [GapGroup], rank: Int, current: Int, rows: RowSet, targets: RowSet,
        table: TransactionTable, latest: [Int], target: ExplainTarget
    ) {
        let terminals = TerminalPhrases(finding: finding, rank: rank, current: current)
        if case .firmware(let worse, let better) = population {
            self = Self.firmware(finding: finding, worse: worse, better: better, table: table, latest: latest, file: terminals.file)
            return
        }
        let topCodes = finding.topCodes.split(separator: "|").compactMap { $0.split(separator: ":").first.map(String.init) }
        let clusters = Clusters(rows: rows, targets: targets, table: table)
        let file = terminals.file
        let mechanism = finding.topCause.split(separator: ":").first.flatMap { Wording.cause(named: String($0)) }
        switch mechanism {
        case .codeTableGap:
            self = Self.codeTableGap(gaps: gaps, topCodes: topCodes, terminals: terminals)
        case .nonstandardCode:
            self = Self.nonstandardCode(topCodes: topCodes, realm: clusters.realm, terminals: terminals)
        case .garbledResponse:
            self.init(
                english:
                    "Check signal and carrier where they cluster\(clusters.english(target: target)); move those terminals to a stronger carrier, an external antenna or a wired or Wi-Fi link (\(terminals.english), \(file)).",
                chinese:
                    "排查这些交易集中之处的信号和运营商\(clusters.chinese(target: target))；可为这些终端更换信号更好的运营商、加装外置天线或改用有线或 Wi-Fi（\(terminals.chinese)，\(file)）。")
        case .lateResponse, .noResponse, .requestLost, .responseLost:
            let realm = clusters.realm.map { " of \($0)" } ?? ""
            let realmZH = clusters.realm.map { " \($0) " } ?? ""
            self.init(
                english:
                    "Check the latency and the link\(realm), and the terminals' network where they cluster\(clusters.english(target: target)): late responses mean a slow host or link, lost requests or responses a broken link (\(terminals.english), \(file)).",
                chinese:
                    "检查收单机构\(realmZH)的响应时延和链路，以及这些交易集中之处的终端网络\(clusters.chinese(target: target))：应答晚到说明主机或链路慢，请求或应答丢失说明链路不通（\(terminals.chinese)，\(file)）。"
            )
        case .localError:
            self.init(
                english:
                    "Look at the local errors of the \(terminals.english) in \(file) (the err column of the transactions view): these transactions failed before reaching the host.",
                chinese: "查看 \(file) 所列 \(terminals.chinese) 的本地错误（transactions 视图的 err 列）：这些交易在到达主机之前就失败了。")
        case .unmatched:
            let realm = clusters.realm.map { " of \($0)" } ?? ""
            self.init(
                english:
                    "Load the acquirer logs\(realm) that cover these transactions: without the acquirer's side their mechanism cannot be told (\(terminals.english), \(file)).",
                chinese: "导入覆盖这些交易的收单日志\(clusters.realm.map { "（\($0)）" } ?? "")：没有收单端日志就无法判断其机制（\(terminals.chinese)，\(file)）。")
        case nil:
            self.init(
                english: "Review the \(terminals.english) in \(file) with their vendor and acquirer.",
                chinese: "请会同厂商和收单机构排查 \(file) 所列的 \(terminals.chinese)。")
        }
    }

    private init(english: String, chinese: String) {
        self.english = english
        self.chinese = chinese
    }

    /// How a recommendation names a finding's terminals: its terminals file, their number, and
    /// those whose latest transaction still holds the pattern against those that have left it.
    private struct TerminalPhrases {
        /// `findings/<rank>-terminals.csv`.
        var file: String
        /// "20 terminals", "20 台终端".
        var english: String
        var chinese: String
        /// "22 terminals still with P (21 more in FILE have left it)", or all of them with P (FILE).
        var stillEnglish: String
        var stillChinese: String

        init(finding: Finding, rank: Int, current: Int) {
            file = "findings/\(rank)-terminals.csv"
            let terminalCount = finding.terminals.count
            english = "\(EvidenceNumbers.count(terminalCount)) terminal\(terminalCount == 1 ? "" : "s")"
            chinese = "\(EvidenceNumbers.count(terminalCount)) 台终端"
            let left = terminalCount - current
            stillEnglish =
                left > 0
                ? "\(EvidenceNumbers.count(current)) terminal\(current == 1 ? "" : "s") still with \(finding.pattern) (\(EvidenceNumbers.count(left)) more in \(file) have left it)"
                : "\(english) with \(finding.pattern) (\(file))"
            stillChinese =
                left > 0
                ? "仍为 \(finding.pattern) 的 \(EvidenceNumbers.count(current)) 台终端（\(file) 中另有 \(EvidenceNumbers.count(left)) 台已不再是）"
                : "\(finding.pattern) 的 \(chinese)（\(file)）"
        }
    }

    /// For a firmware change: upgrade the terminals still on the worse version when the rate
    /// fell with the upgrade, halt the rollout when it rose.
    private static func firmware(
        finding: Finding, worse: String, better: String, table: TransactionTable, latest: [Int], file: String
    ) -> Recommendation {
        let firmware = TransactionTable.attributeIndex("firmware")!
        let remaining = latest.filter { $0 >= 0 && table.values[firmware][Int(table.attributes[firmware][$0])] == worse }.count
        let remainingEN = "\(EvidenceNumbers.count(remaining)) terminal\(remaining == 1 ? "" : "s")"
        guard finding.riskRatio < 1 else {
            return Recommendation(
                english:
                    "Halt the rollout of \(worse) and ask the vendor for a fix, or roll the \(remainingEN) on \(worse) back to \(better) (\(file)): the rate rose with the upgrade.",
                chinese:
                    "暂停推送 \(worse) 并请厂商修复，或将 \(worse) 上的 \(EvidenceNumbers.count(remaining)) 台终端回退到 \(better)（\(file)）：比例随升级上升。")
        }
        return Recommendation(
            english:
                remaining > 0
                ? "Upgrade the \(remainingEN) still on \(worse) to \(better) (\(file) lists the terminals that ran \(worse)): the upgraded terminals' rate fell."
                : "Every terminal has left \(worse); keep \(better) as the version to install: the upgraded terminals' rate fell.",
            chinese:
                remaining > 0
                ? "将仍在 \(worse) 上的 \(EvidenceNumbers.count(remaining)) 台终端升级到 \(better)（\(file) 列出了运行过 \(worse) 的终端）：已升级终端的比例已下降。"
                : "所有终端均已不在 \(worse) 上；以后安装请统一使用 \(better)：已升级终端的比例已下降。")
    }

    /// For code-table gaps: push the code table (or firmware) that knows the lacking codes to the
    /// terminals still without it; without a gap group, an up-to-date table for the top codes.
    private static func codeTableGap(gaps: [GapGroup], topCodes: [String], terminals: TerminalPhrases) -> Recommendation {
        let stillEN = terminals.stillEnglish
        let stillZH = terminals.stillChinese
        guard let group = gaps.first else {
            let codesEN = topCodes.isEmpty ? "" : "; the codes they show as unknown are " + EvidenceNumbers.list(topCodes, conjunction: "and")
            let codesZH = topCodes.isEmpty ? "" : "；显示为未知的应答码为 " + Wording.listZH(topCodes)
            return Recommendation(
                english: "Push an up-to-date code table or firmware upgrade to the \(stillEN)\(codesEN).",
                chinese: "向\(stillZH)推送最新码表或固件升级\(codesZH)。")
        }
        let codes = group.tests.map(\.code)
        let knowers = Array(Set(group.tests.flatMap { $0.knownAt.prefix(1).map(\.value) })).sorted()
        let codesEN = EvidenceNumbers.list(codes, conjunction: "and")
        let codesZH = Wording.listZH(codes)
        if group.attribute == "code_table" {
            let table = knowers.isEmpty ? "an up-to-date code table" : "code table " + EvidenceNumbers.list(knowers, conjunction: "or")
            let tableZH = knowers.isEmpty ? "最新码表" : "码表 " + Wording.listZH(knowers)
            return Recommendation(
                english:
                    "Push \(table) (it knows \(codesEN)), or a firmware upgrade that brings it, to the \(stillEN); until then they show these codes as unknown.",
                chinese: "向\(stillZH)推送\(tableZH)（包含 \(codesZH)），或推送带新码表的固件升级；在此之前这些应答码会一直显示为未知。")
        }
        let versions = knowers.isEmpty ? "" : " such as " + EvidenceNumbers.list(knowers, conjunction: "or")
        let versionsZH = knowers.isEmpty ? "" : "（如 " + Wording.listZH(knowers) + "）"
        return Recommendation(
            english: "Upgrade the \(stillEN) to a firmware that knows \(codesEN)\(versions), or push them an up-to-date code table.",
            chinese: "将\(stillZH)升级到能识别 \(codesZH) 的固件\(versionsZH)，或为其推送最新码表。")
    }

    /// For private codes: ask the acquirer to map them, or load its code list as a catalogue.
    private static func nonstandardCode(topCodes: [String], realm clusterRealm: String?, terminals: TerminalPhrases) -> Recommendation {
        let realm = clusterRealm ?? "the acquirer"
        let codesEN = topCodes.isEmpty ? "private codes" : "private codes " + EvidenceNumbers.list(topCodes, conjunction: "and")
        let codesZH = topCodes.isEmpty ? "私有应答码" : "私有应答码 " + Wording.listZH(topCodes)
        return Recommendation(
            english:
                "Ask \(realm) to map its \(codesEN) to standard China UnionPay codes, or get its code list and load it as a catalogue (code,meaning,scope=\(realm)) so that the terminals and posrca can explain them; \(terminals.english) concerned (\(terminals.file)).",
            chinese:
                "请\(clusterRealm.map { "收单机构 \($0) " } ?? "收单机构")将其\(codesZH)映射为银联标准应答码，或索取其应答码表并作为码表目录导入（code,meaning,scope=\(clusterRealm ?? "收单机构名")）；涉及 \(terminals.chinese)（\(terminals.file)）。"
        )
    }
}

/// Where a finding's target transactions cluster: the most frequent region, network type,
/// signal band and acquirer among them, with their shares.
struct Clusters {
    var region: (String, Double)?
    var netType: (String, Double)?
    var signal: (String, Double)?
    /// The acquirer realm of most target transactions (of all when it has none).
    var realm: String?

    init(rows: RowSet, targets: RowSet, table: TransactionTable) {
        func top(_ name: String) -> (String, Double)? {
            guard let a = TransactionTable.attributeIndex(name) else { return nil }
            var counts = [Int](repeating: 0, count: table.values[a].count)
            var total = 0
            rows.forEachRow { row in
                guard targets.contains(row) else { return }
                counts[Int(table.attributes[a][row])] += 1
                total += 1
            }
            guard total > 0, let best = counts.indices.max(by: { (counts[$0], $1) < (counts[$1], $0) }), counts[best] > 0,
                table.values[a][best] != "unknown"
            else { return nil }
            return (table.values[a][best], Double(counts[best]) / Double(total))
        }
        region = top("region")
        netType = top("net_type")
        signal = top("rssi_band")
        realm = top("acquirer")?.0
    }

    private var parts: [(attribute: String, value: String, share: Double)] {
        [("region", region), ("net_type", netType), ("rssi_band", signal)].compactMap { name, pair in
            pair.map { (name, $0.0, $0.1) }
        }
    }

    /// ": 45% of these unknown codes are at region=Yunnan, 62% at net_type=2g".
    func english(target: ExplainTarget) -> String {
        let parts = self.parts.map { "\(EvidenceNumbers.wholePercent($0.share)) at \($0.attribute)=\($0.value)" }
        guard !parts.isEmpty else { return "" }
        return " (of these \(target.pluralPhrase): " + parts.joined(separator: ", ") + ")"
    }

    func chinese(target: ExplainTarget) -> String {
        let parts = self.parts.map { "\(EvidenceNumbers.wholePercent($0.share)) 在\(Wording.attributeZH($0.attribute)) \($0.value)" }
        guard !parts.isEmpty else { return "" }
        return "（这些\(Wording.outcomeZH(target.rawValue))中 " + parts.joined(separator: "，") + "）"
    }
}
