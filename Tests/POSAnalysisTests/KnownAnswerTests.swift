import Foundation
import POSAnalysis
import POSEvaluation
import POSSampleData
import Testing

/// Generated data sets whose causes are known: generate → ingest → analyze → compare with the truth.
///
/// The full measurement (24 data sets, recall and precision) is `posrca-accuracy`; these few keep
/// `swift test` honest about it.
@Suite("Known answers on generated data", .serialized)
struct KnownAnswerTests {
    static let work = NSTemporaryDirectory() + "posrca-known-answers-\(getpid())"

    @Test("every planted cause is found with its mechanism, and no decoy is blamed", arguments: [(UInt64(11), 1.0), (UInt64(29), 1.5)])
    func plantedCausesFound(seed: UInt64, effect: Double) throws {
        var config = SampleConfiguration()
        config.seed = seed
        config.terminals = 800
        config.days = 4
        config.transactionsPerTerminalPerDay = 12
        config.effectStrength = effect
        let score = try AccuracyEvaluation.evaluate(label: "seed\(seed)", config: config, workDirectory: Self.work)
        #expect(score.missed.isEmpty, "missed \(score.missed)")
        #expect(Set(score.found) == Set(score.truth.expectedFindings.map(\.cause)))
        #expect(score.blamedDecoys.isEmpty, "decoys blamed: \(score.blamedDecoys)")
        #expect(score.falsePositives.count <= 1, "false findings: \(score.falsePositives.map(\.pattern))")
    }

    @Test("data with no planted cause gives no finding")
    func nullData() throws {
        var config = SampleConfiguration.null(seed: 71, terminals: 500, days: 3)
        config.transactionsPerTerminalPerDay = 12
        let score = try AccuracyEvaluation.evaluate(label: "null71", config: config, workDirectory: Self.work)
        #expect(score.truth.isNull)
        #expect(score.falsePositives.isEmpty, "findings on null data: \(score.falsePositives.map(\.pattern))")
    }
}
