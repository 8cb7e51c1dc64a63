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
        let file = "findings/\(rank)-terminals.csv"
        let terminalCount = finding.terminals.count
        let terminalsEN = "\(EvidenceNumbers.count(terminalCount)) terminal\(terminalCount == 1 ? "" : "s")"
        let terminalsZH = "\(EvidenceNumbers.count(terminalCount)) 台终端"
        // Terminals whose latest transaction still holds the pattern, and those that have left it.
        let left = terminalCount - current
        let stillEN =
            left > 0
            ? "\(EvidenceNumbers.count(current)) terminal\(current == 1 ? "" : "s") still with \(finding.pattern) (\(EvidenceNumbers.count(left)) more in \(file) have left it)"
            : "\(terminalsEN) with \(finding.pattern) (\(file))"
        let stillZH =
            left > 0
            ? "仍为 \(finding.pattern) 的 \(EvidenceNumbers.count(current)) 台终端（\(file) 中另有 \(EvidenceNumbers.count(left)) 台已不再是）"
            : "\(finding.pattern) 的 \(terminalsZH)（\(file)）"
        let topCodes = finding.topCodes.split(separator: "|").compactMap { $0.split(separator: ":").first.map(String.init) }
        let clusters = Clusters(rows: rows, targets: targets, table: table)

        if case .firmware(let worse, let better) = population {
            let firmware = TransactionTable.attributeIndex("firmware")!
            let remaining = latest.filter { $0 >= 0 && table.values[firmware][Int(table.attributes[firmware][$0])] == worse }.count
            let remainingEN = "\(EvidenceNumbers.count(remaining)) terminal\(remaining == 1 ? "" : "s")"
            if finding.riskRatio < 1 {
                english =
                    remaining > 0
                    ? "Upgrade the \(remainingEN) still on \(worse) to \(better) (\(file) lists the terminals that ran \(worse)): the upgraded terminals' rate fell."
                    : "Every terminal has left \(worse); keep \(better) as the version to install: the upgraded terminals' rate fell."
                chinese =
                    remaining > 0
                    ? "将仍在 \(worse) 上的 \(EvidenceNumbers.count(remaining)) 台终端升级到 \(better)（\(file) 列出了运行过 \(worse) 的终端）：已升级终端的比例已下降。"
                    : "所有终端均已不在 \(worse) 上；以后安装请统一使用 \(better)：已升级终端的比例已下降。"
            } else {
                english =
                    "Halt the rollout of \(worse) and ask the vendor for a fix, or roll the \(remainingEN) on \(worse) back to \(better) (\(file)): the rate rose with the upgrade."
                chinese =
                    "暂停推送 \(worse) 并请厂商修复，或将 \(worse) 上的 \(EvidenceNumbers.count(remaining)) 台终端回退到 \(better)（\(file)）：比例随升级上升。"
            }
            return
        }

        let mechanism = finding.topCause.split(separator: ":").first.flatMap { Wording.cause(named: String($0)) }
        switch mechanism {
        case .codeTableGap:
            if let group = gaps.first {
                let codes = group.tests.map(\.code)
                let knowers = Array(Set(group.tests.flatMap { $0.knownAt.prefix(1).map(\.value) })).sorted()
                let codesEN = EvidenceNumbers.list(codes, conjunction: "and")
                let codesZH = Wording.listZH(codes)
                if group.attribute == "code_table" {
                    let table = knowers.isEmpty ? "an up-to-date code table" : "code table " + EvidenceNumbers.list(knowers, conjunction: "or")
                    english =
                        "Push \(table) (it knows \(codesEN)), or a firmware upgrade that brings it, to the \(stillEN); until then they show these codes as unknown."
                    let tableZH = knowers.isEmpty ? "最新码表" : "码表 " + Wording.listZH(knowers)
                    chinese = "向\(stillZH)推送\(tableZH)（包含 \(codesZH)），或推送带新码表的固件升级；在此之前这些应答码会一直显示为未知。"
                } else {
                    let versions = knowers.isEmpty ? "" : " such as " + EvidenceNumbers.list(knowers, conjunction: "or")
                    english =
                        "Upgrade the \(stillEN) to a firmware that knows \(codesEN)\(versions), or push them an up-to-date code table."
                    let versionsZH = knowers.isEmpty ? "" : "（如 " + Wording.listZH(knowers) + "）"
                    chinese = "将\(stillZH)升级到能识别 \(codesZH) 的固件\(versionsZH)，或为其推送最新码表。"
                }
            } else {
                let codesEN = topCodes.isEmpty ? "" : "; the codes they show as unknown are " + EvidenceNumbers.list(topCodes, conjunction: "and")
                let codesZH = topCodes.isEmpty ? "" : "；显示为未知的应答码为 " + Wording.listZH(topCodes)
                english = "Push an up-to-date code table or firmware upgrade to the \(stillEN)\(codesEN)."
                chinese = "向\(stillZH)推送最新码表或固件升级\(codesZH)。"
            }
        case .nonstandardCode:
            let realm = clusters.realm ?? "the acquirer"
            let codesEN = topCodes.isEmpty ? "private codes" : "private codes " + EvidenceNumbers.list(topCodes, conjunction: "and")
            let codesZH = topCodes.isEmpty ? "私有应答码" : "私有应答码 " + Wording.listZH(topCodes)
            english =
                "Ask \(realm) to map its \(codesEN) to standard China UnionPay codes, or get its code list and load it as a catalogue (code,meaning,scope=\(realm)) so that the terminals and posrca can explain them; \(terminalsEN) concerned (\(file))."
            chinese =
                "请\(clusters.realm.map { "收单机构 \($0) " } ?? "收单机构")将其\(codesZH)映射为银联标准应答码，或索取其应答码表并作为码表目录导入（code,meaning,scope=\(clusters.realm ?? "收单机构名")）；涉及 \(terminalsZH)（\(file)）。"
        case .garbledResponse:
            english =
                "Check signal and carrier where they cluster\(clusters.english(target: target)); move those terminals to a stronger carrier, an external antenna or a wired or Wi-Fi link (\(terminalsEN), \(file))."
            chinese =
                "排查这些交易集中之处的信号和运营商\(clusters.chinese(target: target))；可为这些终端更换信号更好的运营商、加装外置天线或改用有线或 Wi-Fi（\(terminalsZH)，\(file)）。"
        case .lateResponse, .noResponse, .requestLost, .responseLost:
            let realm = clusters.realm.map { " of \($0)" } ?? ""
            let realmZH = clusters.realm.map { " \($0) " } ?? ""
            english =
                "Check the latency and the link\(realm), and the terminals' network where they cluster\(clusters.english(target: target)): late responses mean a slow host or link, lost requests or responses a broken link (\(terminalsEN), \(file))."
            chinese =
                "检查收单机构\(realmZH)的响应时延和链路，以及这些交易集中之处的终端网络\(clusters.chinese(target: target))：应答晚到说明主机或链路慢，请求或应答丢失说明链路不通（\(terminalsZH)，\(file)）。"
        case .localError:
            english = "Look at the local errors of the \(terminalsEN) in \(file) (the err column of the transactions view): these transactions failed before reaching the host."
            chinese = "查看 \(file) 所列 \(terminalsZH) 的本地错误（transactions 视图的 err 列）：这些交易在到达主机之前就失败了。"
        case .unmatched:
            let realm = clusters.realm.map { " of \($0)" } ?? ""
            english = "Load the acquirer logs\(realm) that cover these transactions: without the acquirer's side their mechanism cannot be told (\(terminalsEN), \(file))."
            chinese = "导入覆盖这些交易的收单日志\(clusters.realm.map { "（\($0)）" } ?? "")：没有收单端日志就无法判断其机制（\(terminalsZH)，\(file)）。"
        case nil:
            english = "Review the \(terminalsEN) in \(file) with their vendor and acquirer."
            chinese = "请会同厂商和收单机构排查 \(file) 所列的 \(terminalsZH)。"
        }
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
            rows.forEach { row in
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
