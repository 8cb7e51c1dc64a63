import Foundation
import POSAnalysis
import POSEvaluation
import POSSampleData

// Measures the analysis's accuracy, strictly, over generated data sets with known causes.
//
//   swift run -c release posrca-accuracy [COUNT] [--null N]
//
// COUNT data sets (default 40), N of them null (default half), analysed at the default options
// (999 permutations) for unknown and for timeout. Every reported finding counts once: true
// positive, redundant or false positive (the rules are `AccuracyEvaluation.score`'s).

func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(Data("posrca-accuracy: \(problem)\nusage: posrca-accuracy [COUNT] [--null N]\n".utf8))
    exit(64)
}

var count = 40
var nullCount: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--null" {
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value >= 0 else { usage("--null needs a count of null data sets") }
        nullCount = value
    } else if let value = Int(argument), value > 0 {
        count = value
    } else {
        usage("unexpected argument \(argument)")
    }
}
if let nullCount, nullCount > count { usage("--null \(nullCount) is more than the \(count) data sets") }

let work = NSTemporaryDirectory() + "posrca-accuracy-\(getpid())"
var planted = 0
var found = 0
var reported = 0
var truePositives = 0
var redundant = 0
var falsePositives = 0
var nullSets = 0
var nullSetsWithFindings = 0
var decoysBlamed = 0
let started = Date()

func line(_ name: String, _ columns: [String]) -> String {
    name.padding(toLength: 54, withPad: " ", startingAt: 0) + columns.map { $0.leftPadded(to: 8) }.joined()
}

func describe(_ scored: ScoredFinding) -> String {
    let f = scored.finding
    let confounded = f.confoundedBy.map { " confounded_by=\($0)" } ?? ""
    return "#\(scored.rank) \(f.outcome) \(f.kind) \(f.pattern) top_cause=\(f.topCause) rr=\(String(format: "%.2f", f.riskRatio))"
        + " excess=\(String(format: "%.0f", f.excess))\(confounded): \(scored.reason)"
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}

print(line("data set", ["planted", "found", "reported", "true", "redund.", "false", "seconds"]))
for (label, config) in AccuracyEvaluation.standardPlan(count: count, nullCount: nullCount) {
    let score = try AccuracyEvaluation.evaluate(label: label, config: config, workDirectory: work)
    planted += score.planted
    found += score.found.count
    reported += score.findings.count
    truePositives += score.truePositives
    redundant += score.redundant.count
    falsePositives += score.falsePositives.count
    decoysBlamed += score.blamedDecoys.count
    if score.truth.isNull {
        nullSets += 1
        if !score.findings.isEmpty { nullSetsWithFindings += 1 }
    }
    print(
        line(
            label,
            [
                "\(score.planted)", "\(score.found.count)", "\(score.findings.count)", "\(score.truePositives)", "\(score.redundant.count)",
                "\(score.falsePositives.count)", String(format: "%.1f", score.seconds),
            ]))
    for miss in score.missed { print("    missed: \(miss.rawValue)") }
    for scored in score.findings {
        print("    \(scored.bucket.rawValue): \(describe(scored))")
    }
    for decoy in score.blamedDecoys { print("    decoy blamed: \(decoy)") }
}

func ratio(_ numerator: Int, _ denominator: Int, empty: Double) -> Double {
    denominator == 0 ? empty : Double(numerator) / Double(denominator)
}
print(String(format: "\n%d data sets (%d null) in %.0f s", count, nullSets, Date().timeIntervalSince(started)))
print(
    String(
        format: "recall     %.3f  planted causes found with pattern, kind, mechanism and direction: %d of %d",
        ratio(found, planted, empty: 1), found, planted))
print(
    String(
        format: "precision  %.3f  reported findings (every kind, confounded included, null sets included) that are true positives: %d of %d",
        ratio(truePositives, reported, empty: 1), truePositives, reported))
print(
    String(
        format: "redundancy %.3f  redundant findings per found cause: %d for %d (restatements, and findings confounded by a found cause's attribute)",
        ratio(redundant, found, empty: 0), redundant, found))
print(
    String(
        format: "null share %.3f  null data sets with any finding: %d of %d",
        ratio(nullSetsWithFindings, nullSets, empty: 0), nullSetsWithFindings, nullSets))
print("false positives \(falsePositives) (decoys blamed: \(decoysBlamed))")
