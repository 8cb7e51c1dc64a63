/// The one sentence of a finding's `evidence`, with its numbers, to be read aloud.
///
/// "Transactions with firmware=A8_LandiOS_V1.6.0 showed an unknown code 12.4% of the time
/// (412 of 3,321) against 0.6% elsewhere, 20.7 times as often (95% CI 18.1–23.6); 93% of their
/// unknown codes are code_table_gap, mostly A7, D1 and F3."
struct EvidenceSentence {
    var target: ExplainTarget
    var scope: ExplainRun.Scope
    /// (attribute, value) in attribute order.
    var items: [(String, String)]
    var outcomes: Int
    var transactions: Int
    var rate: Double
    var baseline: Double
    var ratio: RatioEstimate
    /// Rows earlier findings of the run took out of the population.
    var explainedBefore: Int
    var topCause: String?
    var topCauseShare: Double
    var topCodes: [String]
    var confounder: (attribute: String, estimate: RatioEstimate)?
    var aliases: [(attribute: String, values: [String])]

    var text: String {
        typealias Numbers = EvidenceNumbers
        var sentence = ""
        if explainedBefore > 0 {
            sentence += "Setting aside the \(Numbers.count(explainedBefore)) transactions of earlier findings, transactions"
        } else {
            sentence += "Transactions"
        }
        sentence += " with " + items.map { "\($0.0)=\($0.1)" }.joined(separator: " and ")
        sentence += " showed \(target.phrase)"
        switch scope {
        case .cause(let cause): sentence += " (\(cause))"
        case .remainder(let excluded) where !excluded.isEmpty:
            sentence += " (not " + Numbers.list(excluded.map(\.description), conjunction: "or") + ")"
        case .remainder: break
        }
        sentence += " \(Numbers.percent(rate)) of the time (\(Numbers.count(outcomes)) of \(Numbers.count(transactions)))"
        sentence += " against \(Numbers.percent(baseline)) elsewhere, \(Numbers.ratio(ratio.ratio)) times as often"
        sentence += " (95% CI \(Numbers.ratio(ratio.lower))–\(Numbers.ratio(ratio.upper)))"
        if let topCause {
            sentence += "; \(Numbers.wholePercent(topCauseShare)) of their \(target.pluralPhrase) are \(topCause)"
            if !topCodes.isEmpty { sentence += ", mostly " + Numbers.list(topCodes, conjunction: "and") }
        } else if !topCodes.isEmpty {
            sentence += "; mostly " + Numbers.list(topCodes, conjunction: "and")
        }
        if let confounder {
            sentence += "; within each \(confounder.attribute) the ratio is only \(Numbers.ratio(confounder.estimate.ratio))"
            sentence += " (95% CI \(Numbers.ratio(confounder.estimate.lower))–\(Numbers.ratio(confounder.estimate.upper))),"
            sentence += " so \(confounder.attribute) may explain it"
        }
        for alias in aliases {
            let shown = alias.values.prefix(5).joined(separator: ", ")
            let more = alias.values.count > 5 ? ", … (\(alias.values.count) values)" : ""
            sentence += "; the same transactions as \(alias.attribute) ∈ {\(shown)\(more)}"
        }
        return sentence + "."
    }

    /// The same sentence in Chinese.
    var chinese: String {
        typealias Numbers = EvidenceNumbers
        let outcome = Wording.outcomeZH(target.rawValue)
        var sentence = ""
        if explainedBefore > 0 { sentence += "除去前面发现已解释的 \(Numbers.count(explainedBefore)) 笔交易后，" }
        sentence += Wording.itemsZH(items) + "的交易出现\(outcome)"
        switch scope {
        case .cause(let cause): sentence += "（\(Wording.causeZH(cause))）"
        case .remainder(let excluded) where !excluded.isEmpty:
            sentence += "（" + Wording.listZH(excluded.map(Wording.causeZH)) + "以外）"
        case .remainder: break
        }
        sentence += "的比例为 \(Numbers.percent(rate))（\(Numbers.count(transactions)) 笔中 \(Numbers.count(outcomes)) 笔），"
        sentence += "其他交易为 \(Numbers.percent(baseline))，是其 \(Numbers.ratio(ratio.ratio)) 倍"
        sentence += "（95% 置信区间 \(Numbers.ratio(ratio.lower))–\(Numbers.ratio(ratio.upper))）"
        let codes = Wording.listZH(topCodes)
        if let topCause {
            let name = Wording.cause(named: topCause).map(Wording.causeZH) ?? topCause
            sentence += "；其中 \(Numbers.wholePercent(topCauseShare)) 的\(outcome)属于\(name)"
            if !topCodes.isEmpty { sentence += "，主要是 \(codes)" }
        } else if !topCodes.isEmpty {
            sentence += "；主要是 \(codes)"
        }
        if let confounder {
            let name = Wording.attributeZH(confounder.attribute)
            sentence += "；在\(name)的各个取值内，风险比仅为 \(Numbers.ratio(confounder.estimate.ratio))"
            sentence += "（95% 置信区间 \(Numbers.ratio(confounder.estimate.lower))–\(Numbers.ratio(confounder.estimate.upper))），"
            sentence += "可能是\(name)造成的"
        }
        for alias in aliases {
            let shown = alias.values.prefix(5).joined(separator: "、")
            let more = alias.values.count > 5 ? "……（共 \(alias.values.count) 个取值）" : ""
            sentence += "；这些交易与\(Wording.attributeZH(alias.attribute))属于 {\(shown)\(more)} 的交易完全相同"
        }
        return sentence + "。"
    }
}

/// Number formats of the evidence sentences; no Foundation, so done by hand.
enum EvidenceNumbers {
    /// x with `places` decimals, rounded half away from zero: decimal(0.926, 2) = "0.93".
    static func decimal(_ x: Double, places: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "-∞") }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e18 else { return String(x) }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        var text = String(units / divisor)
        if places > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return (x < 0 && units != 0 ? "-" : "") + text
    }

    /// An integer with thousands separators: 3,321.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var grouped = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (n < 0 ? "-" : "") + grouped
    }

    /// A rate as a percentage: one decimal from 0.1% up, two significant digits below.
    static func percent(_ rate: Double) -> String {
        let value = rate * 100
        if value == 0 { return "0%" }
        if value >= 0.0995 { return decimal(value, places: 1) + "%" }
        var places = 2
        var scaled = value * 100
        while scaled < 9.95 && places < 12 {
            places += 1
            scaled *= 10
        }
        return decimal(value, places: places) + "%"
    }

    /// A share as a whole percentage: 93%.
    static func wholePercent(_ share: Double) -> String { decimal(share * 100, places: 0) + "%" }

    /// A ratio: whole from 100 up (with separators), one decimal from 10 up, two below.
    static func ratio(_ x: Double) -> String {
        if x.isFinite && abs(x) >= 99.95 { return count(Int(x.rounded())) }
        return decimal(x, places: abs(x) >= 9.995 ? 1 : 2)
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String], conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}
