/// The words the finding sentences use for attributes, outcomes and mechanisms, in Chinese as
/// ops at Chinese acquirers say them. The values themselves (firmware names, realms, codes) and
/// the `attr=value` patterns are data and stay as they are in both languages.
enum Wording {
    /// The Chinese name of a docs/analysis.md §2 attribute; the attribute's own name when it has none.
    static func attributeZH(_ attribute: String) -> String {
        switch attribute {
        case "brand": "品牌"
        case "model": "型号"
        case "channel": "渠道"
        case "agent": "代理商"
        case "fee_tier": "费率档"
        case "region": "地区"
        case "mcc": "商户类别码"
        case "firmware": "固件"
        case "app_version": "应用版本"
        case "code_table": "码表"
        case "acquirer": "收单机构"
        case "net_type": "网络类型"
        case "rssi_band": "信号强度"
        case "net_event_60s": "60 秒内网络事件"
        case "entry": "读卡方式"
        case "txn_type": "交易类型"
        case "hour": "时段"
        default: attribute
        }
    }

    /// "码表为 CUP2010、固件为 X" for `[(code_table, CUP2010), (firmware, X)]`.
    static func itemsZH(_ items: [(String, String)]) -> String {
        items.map { item in
            switch item {
            case ("net_event_60s", "yes"): "60 秒内有网络事件"
            case ("net_event_60s", "no"): "60 秒内无网络事件"
            default: "\(attributeZH(item.0))为 \(item.1)"
            }
        }.joined(separator: "、")
    }

    /// The Chinese name of a target outcome (`unknown`, `timeout`, `failed`).
    static func outcomeZH(_ outcome: String) -> String {
        switch outcome {
        case "unknown": "未知应答码"
        case "timeout": "超时"
        case "failed": "交易失败"
        case "declined": "拒绝"
        case "approved": "成功"
        case "error": "本地错误"
        default: outcome
        }
    }

    /// The Chinese name of a mechanism (docs/analysis.md §1).
    static func causeZH(_ cause: Cause) -> String {
        switch cause {
        case .codeTableGap: "码表缺码"
        case .nonstandardCode: "非标准应答码"
        case .garbledResponse: "应答码传输错乱"
        case .lateResponse: "应答晚于终端超时"
        case .noResponse: "主机未应答"
        case .requestLost: "请求未到达主机"
        case .localError: "终端本地错误"
        case .unmatched: "无收单日志可匹配"
        case .responseLost: "应答未到达终端"
        }
    }

    /// The mechanism named by its docs/analysis.md §1 name, e.g. `code_table_gap`.
    static func cause(named name: String) -> Cause? {
        Cause.allCases.first { $0.description == name }
    }

    /// Chinese text with the usual spacing of mixed Chinese and Latin: one space between a
    /// Chinese character and a Latin letter or digit, none next to full-width punctuation.
    static func spaced(_ text: String) -> String {
        func isHan(_ c: Unicode.Scalar) -> Bool {
            (0x4E00...0x9FFF).contains(c.value) || (0x3400...0x4DBF).contains(c.value)
        }
        func isFullWidthPunctuation(_ c: Unicode.Scalar) -> Bool {
            (0x3000...0x303F).contains(c.value) || (0xFF00...0xFFEF).contains(c.value)
        }
        func isLatin(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "%") }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            if c == " " {
                let before = i > 0 ? scalars[i - 1] : nil
                let after = i + 1 < scalars.count ? scalars[i + 1] : nil
                if before.map(isFullWidthPunctuation) == true || after.map(isFullWidthPunctuation) == true { continue }
                if after == " " { continue }
            }
            if let previous = out.last, (isHan(previous) && isLatin(c)) || (isLatin(previous) && isHan(c)) { out.append(" ") }
            out.append(c)
        }
        return String(out)
    }

    /// "A、B 和 C".
    static func listZH(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: "、") + " 和 " + items.last!
    }
}
