import Foundation
import POSSampleData
import Testing

@Suite("Determinism")
struct DeterminismTests {
    static let small = SampleConfiguration(seed: 7, days: 2, terminals: 40, transactionsPerTerminalPerDay: 6)

    @Test("The same seed writes the same bytes into every file, and the same ground truth")
    func sameSeedSameBytes() throws {
        let first = try GeneratedSet(Self.small, name: "det-a")
        let second = try GeneratedSet(Self.small, name: "det-b")
        defer {
            first.remove()
            second.remove()
        }
        #expect(first.truth == second.truth)
        #expect(first.truth.files.count == 2 + 2 * 6 + 2 * 4 + 1)
        for file in first.truth.files {
            #expect(try first.bytes(file.path) == second.bytes(file.path), "\(file.path) differs")
        }
    }

    @Test("A different seed writes different logs")
    func differentSeedDifferentBytes() throws {
        var other = Self.small
        other.seed = 8
        let first = try GeneratedSet(Self.small, name: "det-c")
        let second = try GeneratedSet(other, name: "det-d")
        defer {
            first.remove()
            second.remove()
        }
        #expect(try first.bytes("inventory.csv") != second.bytes("inventory.csv"))
        let name = try #require(first.terminalLogs.first?.path)
        #expect(try first.text(name) != second.text(name))
        #expect(first.truth.totals != second.truth.totals)
    }

    @Test("Switching a cause off leaves the fleet as it was")
    func fleetIndependentOfUnrelatedCauses() throws {
        var withoutTimeouts = Self.small
        withoutTimeouts.plantedCauses.remove(.timeouts)
        let first = try GeneratedSet(Self.small, name: "det-e")
        let second = try GeneratedSet(withoutTimeouts, name: "det-f")
        defer {
            first.remove()
            second.remove()
        }
        #expect(try first.bytes("inventory.csv") == second.bytes("inventory.csv"))
    }
}
