/// The probabilities behind every outcome: planted mechanisms (scaled by the effect strength)
/// and the baseline noise every terminal has, planted causes or not.
struct MechanismRates {
    /// Share of responses carrying a newer CUP code (A7, D1, F3), from every host.
    var hostNewerCodes: Double
    /// Share of agentpay-switch responses carrying an undeclared private code (Q1, X9).
    var agentpayPrivateCodes: Double
    /// Probability that a response arriving within 60 s after a network event is garbled.
    var garbleAfterNetworkEvent: Double
    /// For 2G terminals in Ürümqi: responses after the terminal's timeout, requests lost.
    var lateResponse: Double
    var requestLost: Double

    /// Baseline, for every terminal and realm: undeclared private codes, garbled responses,
    /// requests the host never answers, local errors.
    static let baselinePrivateCodes = 0.001
    static let baselineGarble = 0.001
    static let baselineNoResponse = 0.0015
    static let localError = 0.002
    /// agentpay-switch's declared private code Q7 (terminals show it as declined).
    static let declaredPrivateCode = 0.005
    static let knownDeclines = 0.06
    /// How often a transaction follows a network event of its terminal by 3–50 s. The same in
    /// null data: the events are there, only their effect is planted.
    static let networkEventBeforeTransaction = 0.05
    static let reversalAfterTimeout = 0.85
    /// Unplanted share of newer CUP codes (when the gap is not planted, hosts still send them;
    /// every terminal then knows them).
    static let newerCodes = 0.05

    /// A terminal's response timeout.
    static let terminalTimeout: Int64 = 60_000
    /// The window in which a network event garbles responses (docs/analysis.md §2 `net_event_60s`).
    static let networkWindow: Int64 = 60_000

    init(configuration: SampleConfiguration) {
        let s = configuration.effectStrength
        let planted = configuration.plantedCauses
        func scaled(_ base: Double, _ cause: PlantedCause) -> Double {
            planted.contains(cause) ? min(0.9, base * s) : 0
        }
        hostNewerCodes = planted.contains(.codeTableGap) ? min(0.5, Self.newerCodes * s) : Self.newerCodes
        agentpayPrivateCodes = scaled(0.04, .nonstandardCode)
        garbleAfterNetworkEvent = scaled(0.2, .networkGarbling)
        lateResponse = scaled(0.06, .timeouts)
        requestLost = scaled(0.03, .timeouts)
        if lateResponse + requestLost > 0.9 {
            let k = 0.9 / (lateResponse + requestLost)
            lateResponse *= k
            requestLost *= k
        }
    }
}
