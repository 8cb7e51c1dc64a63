import ArgumentParser
import POSAnalysis

/// Every threshold of the analysis as an option (`Thresholds.all`): flag, then `POSRCA_NAME`,
/// then the default, each read with the threshold's own parser and bounds
/// (`AnalysisSelection.options`). A bad value from either is a usage error (exit 64) naming it.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .customLong("min-support"), help: help("min-support")) var minSupport: String?
    @Option(name: .customLong("min-support-share"), help: help("min-support-share")) var minSupportShare: String?
    @Option(name: .customLong("max-q"), help: help("max-q")) var maxQ: String?
    @Option(name: .customLong("min-rr-low"), help: help("min-rr-low")) var minRrLow: String?
    @Option(name: .customLong("child-keep"), help: help("child-keep")) var childKeep: String?
    @Option(name: .customLong("stop-share"), help: help("stop-share")) var stopShare: String?
    @Option(name: .customLong("max-findings"), help: help("max-findings")) var maxFindings: String?
    @Option(name: .customLong("max-attributes"), help: help("max-attributes")) var maxAttributes: String?
    @Option(name: .customLong("cause-minimum"), help: help("cause-minimum")) var causeMinimum: String?
    @Option(name: .customLong("cause-minimum-share"), help: help("cause-minimum-share")) var causeMinimumShare: String?
    @Option(name: .customLong("fold-share"), help: help("fold-share")) var foldShare: String?
    @Option(name: .customLong("network-windows"), help: help("network-windows")) var networkWindows: String?
    @Option(name: .customLong("network-window"), help: help("network-window")) var networkWindow: String?
    @Option(name: .customLong("network-max-q"), help: help("network-max-q")) var networkMaxQ: String?
    @Option(name: .customLong("network-min-rr-low"), help: help("network-min-rr-low")) var networkMinRrLow: String?
    @Option(name: .customLong("permutations"), help: help("permutations")) var permutations: String?
    @Option(name: .customLong("permutation-sample"), help: help("permutation-sample")) var permutationSample: String?
    @Option(name: .customLong("seed"), help: help("seed")) var seed: String?
    @Option(name: .customLong("firmware-window-days"), help: help("firmware-window-days")) var firmwareWindowDays: String?
    @Option(name: .customLong("firmware-min-fold"), help: help("firmware-min-fold")) var firmwareMinFold: String?
    @Option(name: .customLong("firmware-min-outcomes"), help: help("firmware-min-outcomes")) var firmwareMinOutcomes: String?
    @Option(name: .customLong("firmware-max-q"), help: help("firmware-max-q")) var firmwareMaxQ: String?
    @Option(name: .customLong("firmware-max-findings"), help: help("firmware-max-findings")) var firmwareMaxFindings: String?

    /// The thresholds given on the command line, by name.
    var given: [String: String] {
        let values: [(String, String?)] = [
            ("min-support", minSupport), ("min-support-share", minSupportShare), ("max-q", maxQ), ("min-rr-low", minRrLow),
            ("child-keep", childKeep), ("stop-share", stopShare), ("max-findings", maxFindings), ("max-attributes", maxAttributes),
            ("cause-minimum", causeMinimum), ("cause-minimum-share", causeMinimumShare), ("fold-share", foldShare),
            ("network-windows", networkWindows), ("network-window", networkWindow), ("network-max-q", networkMaxQ),
            ("network-min-rr-low", networkMinRrLow), ("permutations", permutations), ("permutation-sample", permutationSample),
            ("seed", seed), ("firmware-window-days", firmwareWindowDays), ("firmware-min-fold", firmwareMinFold),
            ("firmware-min-outcomes", firmwareMinOutcomes), ("firmware-max-q", firmwareMaxQ), ("firmware-max-findings", firmwareMaxFindings),
        ]
        return Dictionary(uniqueKeysWithValues: values.compactMap { name, value in value.map { (name, $0) } })
    }
}

private func help(_ name: String) -> ArgumentHelp { ArgumentHelp(Thresholds.named(name)!.help, valueName: "value") }
