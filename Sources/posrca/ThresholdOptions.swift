import ArgumentParser
import POSAnalysis

/// Every threshold of the analysis as an option (`Thresholds.all`): flag, then `POSRCA_NAME`,
/// then the default. A value that is not one of the threshold's, from either, is a usage error
/// (exit 64) naming where it came from.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .customLong("min-support"), help: ArgumentHelp(Thresholds.named("min-support")!.help, valueName: "value"))
    var minSupport: String?

    @Option(name: .customLong("min-support-share"), help: ArgumentHelp(Thresholds.named("min-support-share")!.help, valueName: "value"))
    var minSupportShare: String?

    @Option(name: .customLong("max-q"), help: ArgumentHelp(Thresholds.named("max-q")!.help, valueName: "value"))
    var maxQ: String?

    @Option(name: .customLong("min-rr-low"), help: ArgumentHelp(Thresholds.named("min-rr-low")!.help, valueName: "value"))
    var minRrLow: String?

    @Option(name: .customLong("child-keep"), help: ArgumentHelp(Thresholds.named("child-keep")!.help, valueName: "value"))
    var childKeep: String?

    @Option(name: .customLong("stop-share"), help: ArgumentHelp(Thresholds.named("stop-share")!.help, valueName: "value"))
    var stopShare: String?

    @Option(name: .customLong("max-findings"), help: ArgumentHelp(Thresholds.named("max-findings")!.help, valueName: "value"))
    var maxFindings: String?

    @Option(name: .customLong("max-attributes"), help: ArgumentHelp(Thresholds.named("max-attributes")!.help, valueName: "value"))
    var maxAttributes: String?

    @Option(name: .customLong("cause-minimum"), help: ArgumentHelp(Thresholds.named("cause-minimum")!.help, valueName: "value"))
    var causeMinimum: String?

    @Option(name: .customLong("cause-minimum-share"), help: ArgumentHelp(Thresholds.named("cause-minimum-share")!.help, valueName: "value"))
    var causeMinimumShare: String?

    @Option(name: .customLong("fold-share"), help: ArgumentHelp(Thresholds.named("fold-share")!.help, valueName: "value"))
    var foldShare: String?

    @Option(name: .customLong("network-windows"), help: ArgumentHelp(Thresholds.named("network-windows")!.help, valueName: "value"))
    var networkWindows: String?

    @Option(name: .customLong("network-window"), help: ArgumentHelp(Thresholds.named("network-window")!.help, valueName: "value"))
    var networkWindow: String?

    @Option(name: .customLong("network-max-q"), help: ArgumentHelp(Thresholds.named("network-max-q")!.help, valueName: "value"))
    var networkMaxQ: String?

    @Option(name: .customLong("network-min-rr-low"), help: ArgumentHelp(Thresholds.named("network-min-rr-low")!.help, valueName: "value"))
    var networkMinRrLow: String?

    @Option(name: .customLong("permutations"), help: ArgumentHelp(Thresholds.named("permutations")!.help, valueName: "value"))
    var permutations: String?

    @Option(name: .customLong("permutation-sample"), help: ArgumentHelp(Thresholds.named("permutation-sample")!.help, valueName: "value"))
    var permutationSample: String?

    @Option(name: .customLong("seed"), help: ArgumentHelp(Thresholds.named("seed")!.help, valueName: "value"))
    var seed: String?

    @Option(name: .customLong("firmware-window-days"), help: ArgumentHelp(Thresholds.named("firmware-window-days")!.help, valueName: "value"))
    var firmwareWindowDays: String?

    @Option(name: .customLong("firmware-min-fold"), help: ArgumentHelp(Thresholds.named("firmware-min-fold")!.help, valueName: "value"))
    var firmwareMinFold: String?

    @Option(name: .customLong("firmware-min-outcomes"), help: ArgumentHelp(Thresholds.named("firmware-min-outcomes")!.help, valueName: "value"))
    var firmwareMinOutcomes: String?

    @Option(name: .customLong("firmware-max-q"), help: ArgumentHelp(Thresholds.named("firmware-max-q")!.help, valueName: "value"))
    var firmwareMaxQ: String?

    @Option(name: .customLong("firmware-max-findings"), help: ArgumentHelp(Thresholds.named("firmware-max-findings")!.help, valueName: "value"))
    var firmwareMaxFindings: String?

    /// (name, value given on the command line) of every threshold.
    var given: [(name: String, value: String?)] {
        [
            ("min-support", minSupport),
            ("min-support-share", minSupportShare),
            ("max-q", maxQ),
            ("min-rr-low", minRrLow),
            ("child-keep", childKeep),
            ("stop-share", stopShare),
            ("max-findings", maxFindings),
            ("max-attributes", maxAttributes),
            ("cause-minimum", causeMinimum),
            ("cause-minimum-share", causeMinimumShare),
            ("fold-share", foldShare),
            ("network-windows", networkWindows),
            ("network-window", networkWindow),
            ("network-max-q", networkMaxQ),
            ("network-min-rr-low", networkMinRrLow),
            ("permutations", permutations),
            ("permutation-sample", permutationSample),
            ("seed", seed),
            ("firmware-window-days", firmwareWindowDays),
            ("firmware-min-fold", firmwareMinFold),
            ("firmware-min-outcomes", firmwareMinOutcomes),
            ("firmware-max-q", firmwareMaxQ),
            ("firmware-max-findings", firmwareMaxFindings),
        ]
    }

    func validate() throws {
        var options = AnalysisOptions()
        try apply(to: &options)
    }

    /// Sets every threshold given on the command line or in the environment.
    func apply(to options: inout AnalysisOptions) throws {
        for (name, flag) in given {
            guard let threshold = Thresholds.named(name) else { continue }
            let variable = String(threshold.environmentName.dropFirst("POSRCA_".count))
            guard let text = flag ?? environment(variable) else { continue }
            guard threshold.set(text, in: &options) else {
                let source = flag != nil ? "--\(name)" : threshold.environmentName
                throw ValidationError("\(source) \(text) is not \(threshold.accepts).")
            }
        }
    }
}
