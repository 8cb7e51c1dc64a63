public import POSAnalysis

/// Every heading, label and sentence posrca shows people in the printed summary (`analyze`,
/// `nightly`) and in `summary.html`, in English and in Chinese: one table to read, review and test.
///
/// A text with placeholders `{0}`, `{1}`… is a template: each language puts the values where its
/// word order needs them. Numbers, dates, codes, patterns (`attr=value`), file names and column
/// names are filled in as they are, in both languages. Finding sentences and recommendations are
/// not here: the analysis writes them in both languages (`Finding.evidence(in:)`).
///
/// The names of outcomes, causes, finding kinds and explained targets are here too: their English
/// text is the value the views and CSV files hold (`garbled_response`), which English output
/// shows as it is; Chinese output names them in words (`isViewValue`), the words the analysis's
/// Chinese sentences use.
public enum InterfaceText: String, CaseIterable, Sendable {
    // MARK: Printed summary
    case summaryWindow
    case noData
    case summaryUncoveredDays
    case summaryTerminalSideOnly
    case summaryNothingNewReused
    case summaryNothingNew
    case summaryRecomputed
    case summaryOutcomes
    case outcomeCount
    case summaryCauses
    case causeCount
    case summaryNoFinding
    case summaryTopFindings
    case summaryTimings
    case summaryRecomputeTimings
    case summaryPassTimings
    case seconds
    case recommendationLine

    // MARK: Column headers of the printed findings table
    case columnRank
    case columnKind
    case columnPattern
    case columnTransactions
    case columnRate
    case columnRiskRatioInterval
    case columnTopCause
    case columnConfoundedBy

    // MARK: summary.html: head, cards
    case pageTitle
    case pageHeading
    case pageSubtitle
    case pageWindow
    case noTransactionsYet
    case cardTransactions
    case cardTerminals
    case cardUnknownCodes
    case cardShareOfAnalysed
    case cardNotAnalysedYet
    case cardTimeouts
    case cardTimeoutsNote
    case cardFindings
    case cardNothingBeyondChance
    case cardRankedByExcess
    case cardInputFiles
    case cardRejectedLines
    case cardFilesNotOK

    // MARK: summary.html: findings
    case topFindings
    case pageNoFinding
    case newSinceLastRun
    case factCount
    case factRate
    case factVersusBaseline
    case factRiskRatio
    case factDiDRatio
    case factExcess
    case factTopCause
    case factCodes
    case factConfoundedBy
    case factTerminals
    case factFolded
    case recommendation
    case moreFindings
    case firstRun
    case changeNew
    case changePersisting
    case changeGone
    case changeSame
    case changeSincePrevious
    case changeGoneList

    // MARK: summary.html: charts
    case chartsHeading
    case legendRate
    case legendRaised
    case legendOverall
    case chartByDay
    case chartByDayCaption
    case chartByFirmware
    case chartByFirmwareCaption
    case chartByChannelFeeTier
    case chartByChannelFeeTierCaption
    case chartNetworkWindow
    case chartNetworkWindowCaption
    case chartQueryMissing
    case chartNoLargeGroup
    case chartFirstGroupsDrawn
    case chartSmallGroupsLeftOut
    case chartEveryRowInCSV
    case chartNoData

    // MARK: summary.html: inputs and footer
    case inputsHeading
    case inputsTotals
    case fileStatusCount
    case noFiles
    case inputsWhereToLook
    case columnFile
    case columnStatus
    case columnRejects
    case columnError
    case moreFilesNeedAttention
    case reportFilesHeading
    case footerRates
    case footerSources

    // MARK: `posrca codes`
    case nonstandardCodeMeaning

    // MARK: Names of view values
    case outcomeApproved
    case outcomeDeclined
    case outcomeUnknown
    case outcomeTimeout
    case outcomeError
    case targetFailed
    case causeCodeTableGap
    case causeNonstandardCode
    case causeGarbledResponse
    case causeLateResponse
    case causeNoResponse
    case causeRequestLost
    case causeLocalError
    case causeUnmatched
    case causeResponseLost
    case kindCombination
    case kindNetwork
    case kindFirmwareChange
    case kindCode

    // MARK: Phases of an analysis, in the timings line
    case phaseRecompute
    case phaseAssemble
    case phaseReuse
    case phaseLoadWindow
    case phasePasses
    case phaseExplainRuns
    case phaseExplain
    case phaseNetwork
    case phaseFirmware
    case phaseCodeGaps
    case phaseWrite
    case phaseRead
    case phaseMatch
    case phaseClassify
    case phaseCommit
    case phaseWriteFacts
    case phaseWritePairsAndStates
    case phaseWriteSnapshots
    case phaseAggregates
    case phaseReadSnapshots
    case phaseWaitSnapshots
    case phaseBuildSnapshots
    case phaseCountAggregates

    /// The text in both languages.
    public var text: Bilingual {
        switch self {
        case .summaryWindow:
            Bilingual(
                "Window {0}: analysed {1} transactions; {2} matched to {3} acquirer request/response pairs.",
                "分析窗口 {0}：共分析交易 {1} 笔，其中 {2} 笔匹配到收单机构的 {3} 对请求/应答报文。")
        case .noData: Bilingual("no data", "无数据")
        case .summaryUncoveredDays: Bilingual("Not analysed, acquirer logs missing: {0}.", "缺少收单日志、未分析的日期：{0}。")
        case .summaryTerminalSideOnly:
            Bilingual(
                "No acquirer log in the database: causes are from the terminals' side alone ({0}).",
                "数据库中没有收单日志：原因仅依据终端一侧判断（{0}）。")
        case .summaryNothingNewReused:
            Bilingual(
                "Nothing new since the last analysis; findings as the last run left them.",
                "自上次分析以来没有新数据；发现沿用上次运行的结果。")
        case .summaryNothingNew: Bilingual("Nothing new since the last analysis.", "自上次分析以来没有新数据。")
        case .summaryRecomputed:
            Bilingual(
                "Recomputed {0} terminal-days on {1} days ({2} transactions) in {3} s.",
                "重新计算了 {1} 天中的 {0} 个终端日（{2} 笔交易），用时 {3} 秒。")
        case .summaryOutcomes: Bilingual("Outcomes: {0}.", "交易结果：{0}。")
        case .outcomeCount: Bilingual("{0}: {1}", "{0} {1} 笔")
        case .summaryCauses: Bilingual("Causes of the {0} {1} transactions: {2}.", "{0} 笔{1}交易的原因：{2}。")
        case .causeCount: Bilingual("{0} {1}", "{0} {1} 笔")
        case .summaryNoFinding:
            Bilingual(
                "No finding: nothing carries the {0} outcomes more than chance would.",
                "没有发现：没有任何因素使{0}交易的占比超出随机波动。")
        case .summaryTopFindings:
            Bilingual(
                "Top findings (all {0} are in the findings view and findings.csv):",
                "主要发现（全部 {0} 条见 findings 视图和 findings.csv）：")
        case .summaryTimings: Bilingual("Timings: {0}.", "耗时：{0}。")
        case .summaryRecomputeTimings: Bilingual(" (recompute: {0})", "（重新计算：{0}）")
        case .summaryPassTimings: Bilingual(" (passes, each on its thread: {0})", "（各项分析，各在其线程：{0}）")
        case .seconds: Bilingual("{0} s", "{0} 秒")
        case .recommendationLine: Bilingual("Recommendation: {0}", "建议：{0}")

        case .columnRank: Bilingual("rank", "排名")
        case .columnKind: Bilingual("kind", "类型")
        case .columnPattern: Bilingual("pattern", "模式")
        case .columnTransactions: Bilingual("n", "交易笔数")
        case .columnRate: Bilingual("rate", "比率")
        case .columnRiskRatioInterval: Bilingual("risk ratio (95% CI)", "风险比（95% 置信区间）")
        case .columnTopCause: Bilingual("top cause", "主要原因")
        case .columnConfoundedBy: Bilingual("confounded by", "混杂因素")

        case .pageTitle: Bilingual("posrca — unknown return codes {0}", "posrca — 未知应答码 {0}")
        case .pageHeading: Bilingual("Why terminals show unknown return codes", "终端为何显示未知应答码")
        case .pageSubtitle: Bilingual("Transactions of {0}{1} · generated {2} · posrca {3}", "交易日期 {0}{1} · 生成于 {2} · posrca {3}")
        case .pageWindow: Bilingual(" (analysis window {0} – {1})", "（分析窗口 {0} – {1}）")
        case .noTransactionsYet: Bilingual("no transactions yet", "尚无交易")
        case .cardTransactions: Bilingual("Transactions", "交易笔数")
        case .cardTerminals: Bilingual("{0} terminals", "{0} 台终端")
        case .cardUnknownCodes: Bilingual("Unknown codes", "未知应答码")
        case .cardShareOfAnalysed: Bilingual("{0} of analysed", "占已分析交易的 {0}")
        case .cardNotAnalysedYet: Bilingual("not analysed yet", "尚未分析")
        case .cardTimeouts: Bilingual("Timeouts", "超时")
        case .cardTimeoutsNote: Bilingual("no answer reached the terminal", "终端未收到应答")
        case .cardFindings: Bilingual("Findings", "发现")
        case .cardNothingBeyondChance: Bilingual("nothing beyond chance", "没有超出随机波动的因素")
        case .cardRankedByExcess: Bilingual("ranked by excess unknowns", "按超额未知应答码笔数排序")
        case .cardInputFiles: Bilingual("Input files", "输入文件")
        case .cardRejectedLines: Bilingual("{0} rejected lines", "拒绝行 {0} 行")
        case .cardFilesNotOK: Bilingual(" · {0} not ok", " · {0} 个文件异常")

        case .topFindings: Bilingual("Top findings", "主要发现")
        case .pageNoFinding:
            Bilingual(
                "No finding: nothing in the data carries the unknown codes more than chance would.",
                "没有发现：数据中没有任何因素使未知应答码的占比超出随机波动。")
        case .newSinceLastRun: Bilingual("new since the last run", "本次新增")
        case .factCount: Bilingual("{0} of {1}", "{1} 笔中 {0} 笔")
        case .factRate: Bilingual("rate", "比率")
        case .factVersusBaseline: Bilingual(" vs {0}", "，基线 {0}")
        case .factRiskRatio: Bilingual("risk ratio", "风险比")
        case .factDiDRatio: Bilingual("DiD ratio", "双重差分比")
        case .factExcess: Bilingual("excess", "超额笔数")
        case .factTopCause: Bilingual("top cause", "主要原因")
        case .factCodes: Bilingual("codes", "应答码")
        case .factConfoundedBy: Bilingual("confounded by", "混杂因素")
        case .factTerminals: Bilingual("terminals", "终端清单")
        case .factFolded: Bilingual("also seen as", "亦表现为")
        case .recommendation: Bilingual("Recommendation", "建议")
        case .moreFindings: Bilingual("{0} more in {1}.", "另有 {0} 条见 {1}。")
        case .firstRun: Bilingual("First analysis run: every finding is new.", "首次分析：所有发现均为新增。")
        case .changeNew: Bilingual("{0} new", "新增 {0} 条")
        case .changePersisting: Bilingual("{0} still there", "仍存在 {0} 条")
        case .changeGone: Bilingual("{0} gone", "已消失 {0} 条")
        case .changeSame: Bilingual("the same findings as the previous run", "发现与上次运行相同")
        case .changeSincePrevious: Bilingual("Since the previous run: {0}.", "与上次运行相比：{0}。")
        case .changeGoneList: Bilingual(" Gone: {0}.", "已消失的发现：{0}。")

        case .chartsHeading: Bilingual("Where the unknown codes are", "未知应答码分布")
        case .legendRate: Bilingual("rate with its 95% interval", "比率及其 95% 置信区间")
        case .legendRaised: Bilingual("interval entirely above the overall rate", "置信区间整体高于总体比率")
        case .legendOverall: Bilingual("overall rate", "总体比率")
        case .chartByDay: Bilingual("Unknown rate by day", "每日未知应答码比率")
        case .chartByDayCaption: Bilingual("Each local day, with its Wilson 95% band.", "按终端本地日期，阴影为 Wilson 95% 置信带。")
        case .chartByFirmware: Bilingual("By firmware", "按固件")
        case .chartByFirmwareCaption: Bilingual("The firmware each transaction ran on.", "交易发生时终端运行的固件。")
        case .chartByChannelFeeTier: Bilingual("By channel and fee tier", "按渠道和费率档")
        case .chartByChannelFeeTierCaption:
            Bilingual(
                "Bank-issued (official) and agent (third_party) terminals, by merchant fee tier.",
                "银行直连（official）与代理商（third_party）终端，按商户费率档。")
        case .chartNetworkWindow: Bilingual("Network window", "网络事件窗口")
        case .chartNetworkWindowCaption:
            Bilingual(
                "With or without a network event in the 60 s before (net_event_60s), by signal band.",
                "交易前 60 秒内有无网络事件（net_event_60s），按信号强度分档。")
        case .chartQueryMissing: Bilingual("The query {0} is not in {1}.", "查询 {0} 不在 {1} 中。")
        case .chartNoLargeGroup:
            Bilingual(
                "No group has {0} transactions or more yet; the counts are in the CSV.",
                "尚无交易笔数达到 {0} 笔的分组；各组计数见 CSV 文件。")
        case .chartFirstGroupsDrawn: Bilingual("The first {0} of {1} groups are drawn.", "共 {1} 个分组，图中画出前 {0} 个。")
        case .chartSmallGroupsLeftOut: Bilingual("{0} with fewer than {1} transactions left out.", "{0} 个交易少于 {1} 笔的分组未画出。")
        case .chartEveryRowInCSV: Bilingual(" Every row is in the CSV.", "所有行见 CSV 文件。")
        case .chartNoData: Bilingual("No data yet: run {0} after an ingest.", "尚无数据：导入日志后请运行 {0}。")

        case .inputsHeading: Bilingual("Inputs", "输入文件")
        case .inputsTotals: Bilingual("{0} files ({1}), {2} rejected lines. ", "共 {0} 个文件（{1}），拒绝行 {2} 行。")
        case .fileStatusCount: Bilingual("{0} {1}", "{1} {0} 个")
        case .noFiles: Bilingual("none", "无")
        case .inputsWhereToLook:
            Bilingual(
                "Hashes and counts of every file are in {0}; rejected lines by reason in {1}.",
                "每个文件的哈希值和计数见 {0}；按原因统计的拒绝行见 {1}。")
        case .columnFile: Bilingual("file", "文件")
        case .columnStatus: Bilingual("status", "状态")
        case .columnRejects: Bilingual("rejects", "拒绝行数")
        case .columnError: Bilingual("error", "错误")
        case .moreFilesNeedAttention: Bilingual("{0} more files need attention; see the manifest.", "另有 {0} 个文件需要关注，详见 manifest.json。")
        case .reportFilesHeading: Bilingual("Files of this report", "本报告的文件")
        case .footerRates:
            Bilingual(
                "Rates are fractions of analysed transactions with Wilson 95% intervals; risk ratios with Katz intervals. ",
                "比率为占已分析交易的比例，附 Wilson 95% 置信区间；风险比附 Katz 置信区间。")
        case .footerSources:
            Bilingual(
                "Findings, their evidence and the CSV files come from the same database; the manifest records the inputs' SHA-256, the options and each query's version.",
                "发现及其证据与各 CSV 文件出自同一数据库；manifest.json 记录了输入文件的 SHA-256、运行选项和每个查询的版本。")

        case .nonstandardCodeMeaning: Bilingual("(in no catalogue: non-standard)", "（不在任何应答码清单中：非标准应答码）")

        case .outcomeApproved: Bilingual("approved", "成功")
        case .outcomeDeclined: Bilingual("declined", "拒绝")
        case .outcomeUnknown: Bilingual("unknown", "未知应答码")
        case .outcomeTimeout: Bilingual("timeout", "超时")
        case .outcomeError: Bilingual("error", "本地错误")
        case .targetFailed: Bilingual("failed", "交易失败")
        case .causeCodeTableGap: Bilingual("code_table_gap", "码表缺码")
        case .causeNonstandardCode: Bilingual("nonstandard_code", "非标准应答码")
        case .causeGarbledResponse: Bilingual("garbled_response", "应答码传输错乱")
        case .causeLateResponse: Bilingual("late_response", "应答晚于终端超时")
        case .causeNoResponse: Bilingual("no_response", "主机未应答")
        case .causeRequestLost: Bilingual("request_lost", "请求未到达主机")
        case .causeLocalError: Bilingual("local_error", "终端本地错误")
        case .causeUnmatched: Bilingual("unmatched", "无收单日志可匹配")
        case .causeResponseLost: Bilingual("response_lost", "应答未到达终端")
        case .kindCombination: Bilingual("combination", "属性组合")
        case .kindNetwork: Bilingual("network", "网络事件")
        case .kindFirmwareChange: Bilingual("firmware_change", "固件变更")
        case .kindCode: Bilingual("code", "应答码")

        case .phaseRecompute: Bilingual("recompute", "重新计算")
        case .phaseAssemble: Bilingual("assemble", "整理发现")
        case .phaseReuse: Bilingual("reuse", "沿用上次结果")
        case .phaseLoadWindow: Bilingual("load window", "读取窗口数据")
        case .phasePasses: Bilingual("passes", "各项分析")
        case .phaseExplainRuns: Bilingual("explain runs", "解释分析各轮")
        case .phaseExplain: Bilingual("explain", "解释分析")
        case .phaseNetwork: Bilingual("network", "网络分析")
        case .phaseFirmware: Bilingual("firmware changes", "固件变更分析")
        case .phaseCodeGaps: Bilingual("code gaps", "码表缺码检验")
        case .phaseWrite: Bilingual("write", "写入结果")
        case .phaseRead: Bilingual("read", "读取")
        case .phaseMatch: Bilingual("match", "匹配")
        case .phaseClassify: Bilingual("classify", "分类")
        case .phaseCommit: Bilingual("commit", "提交")
        case .phaseWriteFacts: Bilingual("write facts", "写入交易结论")
        case .phaseWritePairsAndStates: Bilingual("write pairs and states", "写入报文对与终端状态")
        case .phaseWriteSnapshots: Bilingual("write snapshots", "写入日快照")
        case .phaseAggregates: Bilingual("aggregates", "每日汇总")
        case .phaseReadSnapshots: Bilingual("read snapshots", "读取日快照")
        case .phaseWaitSnapshots: Bilingual("wait for snapshots", "等待日快照")
        case .phaseBuildSnapshots: Bilingual("build snapshots beside writes", "生成日快照（与写入并行）")
        case .phaseCountAggregates: Bilingual("count aggregates beside writes", "统计每日汇总（与写入并行）")
        }
    }

    /// The text in `language`, with `{0}`, `{1}`… replaced by `values` in order.
    public func callAsFunction(_ language: Language, _ values: String...) -> String {
        Self.fill(text[language], values)
    }

    /// True when the English text is a value of the views (an outcome, cause, finding kind or
    /// explained target) rather than words: English output shows such values as they are, and
    /// they are part of patterns and file names in every language.
    public var isViewValue: Bool {
        Self.viewValues.values.contains(self)
    }

    /// The words for a value of the views (`unknown`, `garbled_response`, `firmware_change`,
    /// `failed`…) in `language`; a value the table does not name is shown as it is.
    public static func name(ofValue value: String, in language: Language) -> String {
        viewValues[value].map { $0.text[language] } ?? value
    }

    static let viewValues: [String: InterfaceText] = {
        var values: [String: InterfaceText] = [:]
        for key in allCases {
            switch key {
            case .outcomeApproved, .outcomeDeclined, .outcomeUnknown, .outcomeTimeout, .outcomeError, .targetFailed,
                .causeCodeTableGap, .causeNonstandardCode, .causeGarbledResponse, .causeLateResponse, .causeNoResponse,
                .causeRequestLost, .causeLocalError, .causeUnmatched, .causeResponseLost,
                .kindCombination, .kindNetwork, .kindFirmwareChange, .kindCode:
                values[key.text.english] = key
            default: break
            }
        }
        return values
    }()

    /// The words for a phase of the analysis as `AnalysisResult.timings` names it (`load window`)
    /// in `language`; a phase the table does not name is shown as it is.
    public static func name(ofPhase phase: String, in language: Language) -> String {
        phases[phase].map { $0.text[language] } ?? phase
    }

    static let phases: [String: InterfaceText] = {
        var phases: [String: InterfaceText] = [:]
        for key in allCases where key.rawValue.hasPrefix("phase") { phases[key.text.english] = key }
        return phases
    }()

    /// `template` with each `{i}` replaced by `values[i]`, in one pass (a value holding `{1}` stays as it is).
    static func fill(_ template: String, _ values: [String]) -> String {
        guard !values.isEmpty else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]), values.indices.contains(index) {
                out += values[index]
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        return out + rest
    }

    /// How items of a list are joined in `language`: `, ` in English, `，` in Chinese.
    public static func listSeparator(_ language: Language) -> String {
        language == .chinese ? "，" : ", "
    }
}
