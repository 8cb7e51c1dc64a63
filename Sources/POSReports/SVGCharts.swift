import POSAnalysis

/// A rate with its Wilson 95% interval and the counts behind it: one bar or one point of a chart.
public struct RatePoint: Sendable, Hashable {
    public var label: String
    public var transactions: Int
    public var outcomes: Int
    public var rate: Double
    public var low: Double
    public var high: Double

    public init(label: String, transactions: Int, outcomes: Int, rate: Double, low: Double, high: Double) {
        self.label = label
        self.transactions = transactions
        self.outcomes = outcomes
        self.rate = rate
        self.low = low
        self.high = high
    }

    /// The points of a canned query's table: `label` joins the named label columns with ` · `;
    /// the counts and bounds come from `transactions`, `unknown`, `rate`, `rate_lo`, `rate_hi`.
    public static func points(from table: ResultTable, labelColumns: [String]) -> [RatePoint] {
        func index(_ name: String) -> Int? { table.columns.firstIndex(of: name) }
        guard let n = index("transactions"), let o = index("unknown"), let r = index("rate"), let lo = index("rate_lo"),
            let hi = index("rate_hi")
        else { return [] }
        let labels = labelColumns.compactMap(index)
        return table.rows.map { row in
            func number(_ i: Int) -> Double { row[i].flatMap(Double.init) ?? 0 }
            return RatePoint(
                label: labels.map { row[$0] ?? "" }.joined(separator: " · "),
                transactions: Int(number(n)), outcomes: Int(number(o)), rate: number(r), low: number(lo), high: number(hi)
            )
        }
    }
}

/// Charts drawn as inline SVG: no script, no web font, nothing fetched; they render the same in a
/// browser, a mail client or a PDF printer.
enum SVGChart {
    static let width = 620.0
    static let alarm = "#c2410c"
    static let normal = "#2563eb"
    static let muted = "#94a3b8"

    /// Horizontal bars of rates with their 95% whiskers and a dashed line at `overall`.
    /// Bars whose lower bound is above `overall` are drawn in the alarm colour.
    static func bars(_ points: [RatePoint], overall: Double?, maxBars: Int = 14, minTransactions: Int = 30, language: Language = .english) -> String {
        func t(_ key: InterfaceText, _ values: String...) -> String { InterfaceText.fill(key.text[language], values) }
        // A group of a handful of transactions has an interval as wide as the axis and says nothing.
        let large = points.filter { $0.transactions >= minTransactions }
        let shown = Array(large.prefix(maxBars))
        guard !points.isEmpty else { return empty(language) }
        guard !shown.isEmpty else {
            return "<p class=\"note\">\(escape(t(.chartNoLargeGroup, String(minTransactions))))</p>"
        }
        let labelWidth = 210.0
        let valueWidth = 118.0
        let rowHeight = 24.0
        let top = 26.0
        let plotWidth = width - labelWidth - valueWidth - 12
        let maximum = niceMaximum(max(shown.map(\.high).max() ?? 0, overall ?? 0))
        let height = top + Double(shown.count) * rowHeight + 8
        func x(_ value: Double) -> Double { labelWidth + plotWidth * value / maximum }
        var svg = open(height: height)
        for tick in ticks(maximum) {
            svg += line(x(tick), top - 6, x(tick), height - 6, stroke: "#e2e8f0")
            svg += text(x(tick), top - 12, percent(tick, digits: tickDigits(maximum)), anchor: "middle", size: 11, fill: "#64748b")
        }
        for (i, point) in shown.enumerated() {
            let y = top + Double(i) * rowHeight
            let raised = overall.map { point.low > $0 } ?? false
            let colour = raised ? alarm : normal
            svg += text(labelWidth - 8, y + 15, clipped(point.label, 30), anchor: "end", size: 12, fill: "#0f172a")
            svg +=
                "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 5))\" width=\"\(f(max(1, x(point.rate) - labelWidth)))\" height=\"14\" rx=\"2\" fill=\"\(colour)\" fill-opacity=\"0.85\"/>"
            svg += line(x(point.low), y + 12, x(point.high), y + 12, stroke: "#0f172a", width: 1.2)
            svg += line(x(point.low), y + 8, x(point.low), y + 16, stroke: "#0f172a", width: 1.2)
            svg += line(x(point.high), y + 8, x(point.high), y + 16, stroke: "#0f172a", width: 1.2)
            svg += text(
                width - valueWidth + 4, y + 15, "\(percent(point.rate))  \(point.outcomes)/\(point.transactions)", size: 11,
                fill: raised ? alarm : "#334155", weight: raised ? "600" : "400")
        }
        if let overall {
            svg +=
                "<line x1=\"\(f(x(overall)))\" y1=\"\(f(top - 4))\" x2=\"\(f(x(overall)))\" y2=\"\(f(height - 4))\" stroke=\"#475569\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"
        }
        svg += "</svg>"
        var notes: [String] = []
        if large.count > shown.count { notes.append(t(.chartFirstGroupsDrawn, String(shown.count), String(large.count))) }
        if large.count < points.count { notes.append(t(.chartSmallGroupsLeftOut, String(points.count - large.count), String(minTransactions))) }
        if !notes.isEmpty {
            svg += "<p class=\"note\">" + escape(notes.joined(separator: language == .chinese ? "" : " ") + t(.chartEveryRowInCSV)) + "</p>"
        }
        return svg
    }

    /// A daily rate as a line with its 95% band, and a dashed line at `overall`.
    static func daily(_ points: [RatePoint], overall: Double?, language: Language = .english) -> String {
        guard !points.isEmpty else { return empty(language) }
        let left = 52.0
        let right = 16.0
        let top = 14.0
        let bottom = 30.0
        let height = 230.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = niceMaximum(max(points.map(\.high).max() ?? 0, overall ?? 0))
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func x(_ i: Int) -> Double { points.count > 1 ? left + Double(i) * step : left + plotWidth / 2 }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / maximum) }
        var svg = open(height: height)
        for tick in ticks(maximum) {
            svg += line(left, y(tick), width - right, y(tick), stroke: "#e2e8f0")
            svg += text(left - 6, y(tick) + 4, percent(tick, digits: tickDigits(maximum)), anchor: "end", size: 11, fill: "#64748b")
        }
        let upper = points.indices.map { "\(f(x($0))),\(f(y(points[$0].high)))" }
        let lower = points.indices.reversed().map { "\(f(x($0))),\(f(y(points[$0].low)))" }
        svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(normal)\" fill-opacity=\"0.15\"/>"
        svg +=
            "<polyline points=\"\(points.indices.map { "\(f(x($0))),\(f(y(points[$0].rate)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(normal)\" stroke-width=\"2\"/>"
        for (i, point) in points.enumerated() {
            let raised = overall.map { point.low > $0 } ?? false
            svg +=
                "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(point.rate)))\" r=\"\(raised ? 3.5 : 2.5)\" fill=\"\(raised ? alarm : normal)\"><title>\(escape(point.label)): \(percent(point.rate)) (\(point.outcomes)/\(point.transactions))</title></circle>"
        }
        if let overall {
            svg +=
                "<line x1=\"\(f(left))\" y1=\"\(f(y(overall)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(overall)))\" stroke=\"#475569\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"
        }
        let every = max(1, Int((Double(points.count) / 8).rounded(.up)))
        let last = points.count - 1
        for (i, point) in points.enumerated() where i % every == 0 || (i == last && last % every >= max(1, every / 2)) {
            let label = point.label.count == 10 ? String(point.label.dropFirst(5)) : point.label
            svg += text(x(i), height - bottom + 16, label, anchor: "middle", size: 11, fill: "#64748b")
        }
        svg += "</svg>"
        return svg
    }

    // MARK: - Pieces

    static func open(height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif\">"
    }

    static func empty(_ language: Language) -> String {
        "<p class=\"note\">" + InterfaceText.fill(escape(InterfaceText.chartNoData.text[language]), ["<code>posrca analyze</code>"]) + "</p>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", size: Int, fill: String, weight: String = "400") -> String
    {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(fill)\">\(escape(content))</text>"
    }

    /// A round upper end for an axis: 1, 2, 2.5 or 5 times a power of ten above `value`.
    static func niceMaximum(_ value: Double) -> Double {
        guard value > 0 else { return 0.01 }
        var power = 1e-6
        while power * 10 <= value { power *= 10 }
        for factor in [1.0, 2, 2.5, 5, 10] where factor * power >= value * 1.05 { return value <= 1 ? min(1, factor * power) : factor * power }
        return value <= 1 ? min(1, power * 10) : power * 10
    }

    /// Gridlines from 0 to `maximum` at round steps: quarters of 2×10ⁿ, fifths of 1, 2.5 or 5×10ⁿ.
    static func ticks(_ maximum: Double) -> [Double] {
        var mantissa = maximum
        while mantissa >= 10 { mantissa /= 10 }
        while mantissa < 1 { mantissa *= 10 }
        let parts = abs(mantissa - 2) < 1e-9 ? 4 : 5
        return (0...parts).map { maximum * Double($0) / Double(parts) }
    }

    /// Decimals of the percentage labels: enough for the step between gridlines.
    static func tickDigits(_ maximum: Double) -> Int {
        let step = ticks(maximum)[1] * 100
        var digits = 0
        var scaled = step
        while digits < 3, abs(scaled - scaled.rounded()) > 1e-6 {
            digits += 1
            scaled *= 10
        }
        return digits
    }

    /// A fraction as a percentage: `0.08432` → `8.43%`.
    static func percent(_ fraction: Double, digits: Int = 2) -> String {
        CFormat.number(fraction * 100, "%.\(digits)f") + "%"
    }

    static func f(_ value: Double) -> String { CFormat.number(value, "%.1f") }

    static func clipped(_ text: String, _ width: Int) -> String {
        TableRenderer.displayWidth(text) <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// Text made safe for HTML and SVG content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
