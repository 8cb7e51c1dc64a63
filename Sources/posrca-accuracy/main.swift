import Foundation
import POSAnalysis
import POSEvaluation
import POSSampleData

// Measures the analysis's precision and recall over generated data sets with known causes.
//
//   swift run -c release posrca-accuracy [COUNT]     (default 24 data sets, 4 of them null)
//
// Precision: the share of unconfounded findings that report a planted cause. Recall: the share of
// planted causes found. Null data sets must give no finding at all.

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 24 : 24
let work = NSTemporaryDirectory() + "posrca-accuracy-\(getpid())"
var planted = 0
var found = 0
var reported = 0
var correct = 0
var nullFindings = 0
var nullSets = 0
print("data set                                              planted found  findings  false  seconds")
for (label, config) in AccuracyEvaluation.standardPlan(count: count) {
    let score = try AccuracyEvaluation.evaluate(label: label, config: config, workDirectory: work)
    planted += score.found.count + score.missed.count
    found += score.found.count
    reported += score.truePositives + score.falsePositives.count
    correct += score.truePositives
    if score.truth.isNull {
        nullSets += 1
        nullFindings += score.falsePositives.count
    }
    let name = label.padding(toLength: 52, withPad: " ", startingAt: 0)
    print("\(name)  \(score.found.count + score.missed.count)       \(score.found.count)      \(score.truePositives + score.falsePositives.count)         \(score.falsePositives.count)      \(String(format: "%.1f", score.seconds))")
    for miss in score.missed { print("    missed: \(miss.rawValue)") }
    for wrong in score.falsePositives { print("    false: \(wrong.kind) \(wrong.pattern) top_cause=\(wrong.topCause) rr=\(String(format: "%.2f", wrong.riskRatio))") }
    for decoy in score.blamedDecoys { print("    decoy blamed: \(decoy)") }
}
let recall = planted == 0 ? 1 : Double(found) / Double(planted)
let precision = reported == 0 ? 1 : Double(correct) / Double(reported)
print(String(format: "\nrecall %.3f (%d of %d planted causes found)", recall, found, planted))
print(String(format: "precision %.3f (%d of %d unconfounded findings report a planted cause)", precision, correct, reported))
print("null data sets: \(nullSets), findings on them: \(nullFindings)")
