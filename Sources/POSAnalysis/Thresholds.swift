/// Every threshold of the analysis by name: the options of `posrca analyze` (`--NAME`), their
/// environment variables (`POSRCA_NAME`, dashes as underscores) and their defaults, in one
/// list, so that the command line, the environment, the run's recorded options and the
/// documentation cannot disagree (docs/analysis.md §9 "Thresholds").
public struct Threshold: Sendable {
    /// The option's long name, e.g. `min-support`.
    public let name: String
    /// What it sets, for `--help` and the docs.
    public let summary: String
    /// The accepted values, for error messages, e.g. "a whole number of at least 1".
    public let accepts: String
    let read: @Sendable (AnalysisOptions) -> String
    let write: @Sendable (inout AnalysisOptions, String) -> Bool

    /// `POSRCA_MIN_SUPPORT` for `min-support`.
    public var environmentName: String { "POSRCA_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 }) }

    /// The default, as text.
    public var defaultValue: String { read(AnalysisOptions()) }

    /// The value `options` has, as text.
    public func value(in options: AnalysisOptions) -> String { read(options) }

    /// Sets the threshold from `text`; false (and `options` unchanged) when `text` is not one of its values.
    public func set(_ text: String, in options: inout AnalysisOptions) -> Bool {
        var copy = options
        guard write(&copy, text) else { return false }
        options = copy
        return true
    }

    /// `--help` text: what it sets, the environment variable and the default.
    public var help: String { "\(summary) (env \(environmentName); default \(defaultValue))" }
}

public enum Thresholds {
    /// Every threshold, in the order of the passes.
    public static let all: [Threshold] = [
        int(
            "min-support", "Explain and code-gap passes: the least target rows a combination or a code cell needs (support).", min: 1,
            \.explain.minSupport),
        share("min-support-share", "…and at least this share of the run's target rows.", \.explain.minSupportShare),
        share("max-q", "Explain and code-gap passes: the largest Benjamini–Hochberg q-value of a finding.", \.explain.maxQValue),
        ratio(
            "min-rr-low",
            "Explain and code-gap passes: the least lower 95% bound of a risk ratio; below it within a confounder's values, a finding is confounded.",
            \.explain.minRiskRatioLow),
        share(
            "child-keep", "Explain pass: a longer combination replaces its parent when its excess is at least this share of the parent's.",
            \.explain.childKeep),
        share("stop-share", "Explain pass: stop when the best excess is below this share of the run's target rows.", \.explain.stopShare),
        int("max-findings", "Explain pass: the most findings per run.", min: 1, \.explain.maxFindings),
        int("max-attributes", "Explain pass: combinations of 1 to this many attribute values.", min: 1, max: 4, \.explain.maxAttributes),
        int(
            "cause-minimum", "Explain and firmware passes: a cause gets a run of its own with at least this many target rows…", min: 1,
            \.explain.causeMinimum),
        share("cause-minimum-share", "…and at least this share of all target rows.", \.explain.causeMinimumShare),
        share(
            "fold-share", "Findings: a finding whose target transactions are at least this share of a higher-ranked finding's is folded into it.",
            \.foldShare, above: 0.5),
        Threshold(
            name: "network-windows", summary: "Network pass: the windows in seconds before a transaction, comma-separated.",
            accepts: "whole numbers of seconds, comma-separated, e.g. 10,60,300",
            read: { $0.network.windowsSeconds.map(String.init).joined(separator: ",") },
            write: { options, text in
                let values = text.split(separator: ",").map { Int($0.trimmingSpaces) }
                guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }), values.count < 255 else { return false }
                options.network.windowsSeconds = values.map { $0! }
                return true
            }),
        int(
            "network-window", "Network pass: the window whose finding is reported when it passes (net_event_60s=yes for 60).", min: 1,
            \.network.findingWindowSeconds),
        share("network-max-q", "Network pass: the largest q-value and permutation p-value of a finding.", \.network.significance),
        ratio("network-min-rr-low", "Network pass: the least lower 95% bound of the risk ratio.", \.network.minimumRiskRatioLow),
        int("permutations", "Network pass: circular shifts of the permutation test.", min: 0, \.network.permutations),
        int(
            "permutation-sample", "Network pass: the most target and other rows the permutation statistic is taken over.", min: 1,
            \.network.permutationSampleSize),
        Threshold(
            name: "seed", summary: "Network pass: seed of the permutation test.", accepts: "a whole number from 0",
            read: { String($0.network.seed) },
            write: { options, text in
                guard let seed = UInt64(text) else { return false }
                options.network.seed = seed
                return true
            }),
        int("firmware-window-days", "Firmware pass: days before and after an upgrade compared.", min: 1, \.firmware.windowDays),
        ratio(
            "firmware-min-fold", "Firmware pass: the least change of a finding either way (DiD ≥ this or ≤ its inverse).", \.firmware.minFold,
            atLeast: 1),
        int(
            "firmware-min-outcomes", "Firmware pass: the least target outcomes of the upgraded terminals, before and after together.", min: 1,
            \.firmware.minOutcomes),
        share("firmware-max-q", "Firmware pass: the largest q-value, over every upgrade of every run.", \.firmware.maxQValue),
        int("firmware-max-findings", "Firmware pass: the most firmware-change findings.", min: 0, \.firmware.maxFindings),
    ]

    /// The threshold named `name`.
    public static func named(_ name: String) -> Threshold? { all.first { $0.name == name } }

    private static func int(
        _ name: String, _ summary: String, min: Int, max: Int = Int.max, _ path: any WritableKeyPath<AnalysisOptions, Int> & Sendable
    ) -> Threshold {
        let accepts = max == Int.max ? "a whole number of at least \(min)" : "a whole number from \(min) to \(max)"
        return Threshold(
            name: name, summary: summary, accepts: accepts, read: { String($0[keyPath: path]) },
            write: { options, text in
                guard let value = Int(text), value >= min, value <= max else { return false }
                options[keyPath: path] = value
                return true
            })
    }

    /// A share or probability: above `above` (0 by default) and at most 1.
    private static func share(
        _ name: String, _ summary: String, _ path: any WritableKeyPath<AnalysisOptions, Double> & Sendable, above: Double = 0
    ) -> Threshold {
        Threshold(
            name: name, summary: summary, accepts: "a number above \(above) and at most 1, e.g. 0.05",
            read: { String($0[keyPath: path]) },
            write: { options, text in
                guard let value = Double(text), value.isFinite, value > above, value <= 1 else { return false }
                options[keyPath: path] = value
                return true
            })
    }

    /// A ratio: a finite number of at least `atLeast` (above 0 when not given).
    private static func ratio(
        _ name: String, _ summary: String, _ path: any WritableKeyPath<AnalysisOptions, Double> & Sendable, atLeast: Double? = nil
    ) -> Threshold {
        Threshold(
            name: name, summary: summary, accepts: atLeast.map { "a number of at least \($0)" } ?? "a number above 0",
            read: { String($0[keyPath: path]) },
            write: { options, text in
                guard let value = Double(text), value.isFinite, value > 0, value >= (atLeast ?? 0) else { return false }
                options[keyPath: path] = value
                return true
            })
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
