import Glibc
public import POSStore

/// What the incremental part of an analysis did.
public struct RecomputeReport: Sendable {
    /// (day, terminal) pairs recomputed, counting a whole day as its terminals.
    public var terminalDays = 0
    /// Distinct local days touched.
    public var days = 0
    public var transactions = 0
    public var batches = 0
    public var seconds = 0.0
    /// Pairs sent back for recomputing because what they start from changed (edges, carries).
    public var cascades = 0
    /// Seconds per step, summed over the batches, in order.
    public var phases: [(phase: String, seconds: Double)] = []

    mutating func add(_ phase: String, _ seconds: Double) {
        if let index = phases.firstIndex(where: { $0.phase == phase }) { phases[index].seconds += seconds } else { phases.append((phase, seconds)) }
    }
}

/// Recomputes the (day, terminal) pairs of `dirty_marks`: matching, outcome, cause and attributes
/// of their transactions, their unmatched acquirer pairs, end-of-day states, firmware changes, the
/// snapshots and the daily aggregates of their days.
///
/// Marks are taken in day order, in batches of bounded size, each batch in one transaction: a
/// killed run keeps the batches it finished and leaves the rest marked. Within a batch the
/// transactions take acquirer pairs in the canonical order (day, terminal, time), and a batch
/// whose result changes what a later or earlier (day, terminal) pair started from marks that pair,
/// so the loop ends where a recompute from scratch would.
public enum Recompute {
    public static func run(database: Database, options: MatchOptions, progress: (String) -> Void = { _ in }) throws -> RecomputeReport {
        let started = monotonicSeconds()
        var report = RecomputeReport()
        try markEverythingWhenOptionsChanged(database, options: options)
        let dictionary = try DictionaryTexts.load(database)
        var rounds: [DayTerminal: Int] = [:]
        var daysTouched = Set<Int64>()
        while true {
            let scope = try nextBatch(database)
            guard !scope.isEmpty else { break }
            let days = scope.keys.sorted()
            progress("recomputing \(days.count == 1 ? LocalDay.text(days[0]) : "\(LocalDay.text(days.first!))…\(LocalDay.text(days.last!))")")
            var clock = monotonicSeconds()
            func lap(_ phase: String) {
                let now = monotonicSeconds()
                report.add(phase, now - clock)
                clock = now
                if getenv("POSRCA_TRACE_MEMORY") != nil { print("  recompute \(phase): \(Analysis.residentMemory())") }
            }
            let data = try AnalysisData.load(database, scope: scope, dictionary: dictionary, options: options)
            lap("read")
            var pairs = Correlation.pairMessages(data, options: options)
            let match = Correlation.match(data, pairs: &pairs, options: options)
            lap("match")
            let classified = DayClassifier(data: data, pairs: pairs, match: match, options: options, scope: scope).run()
            lap("classify")
            var cascade = BatchWriter(
                database: database, data: data, pairs: pairs, match: match, classified: classified, scope: scope, options: options)
            let marks = try cascade.write { report.add($0, $1) }
            // A pair recomputed again and again would be a bug: stop following it after a few rounds.
            let followed = marks.filter { mark in
                rounds[mark, default: 0] += 1
                return rounds[mark]! <= 4
            }
            clock = monotonicSeconds()
            try cascade.commit(cascadeMarks: followed)
            lap("commit")
            report.cascades += followed.count
            report.batches += 1
            report.transactions += data.transactions.count
            for (day, filter) in scope {
                daysTouched.insert(day)
                switch filter {
                case .all: report.terminalDays += Set(classified.terminalDays.filter { $0.key.day == day }.map(\.key.tid)).count
                case .some(let tids): report.terminalDays += tids.count
                }
            }
        }
        report.days = daysTouched.count
        report.seconds = monotonicSeconds() - started
        return report
    }

    /// Recomputes what is marked with the matching options the stored results were computed with
    /// (the defaults before any analysis): what `prune` runs first, so that no day leaves the
    /// database before its aggregates and facts exist.
    public static func runPending(database: Database, progress: (String) -> Void = { _ in }) throws -> RecomputeReport {
        try run(database: database, options: try MatchOptions.stored(in: database) ?? MatchOptions(), progress: progress)
    }

    /// When the matching options differ from those the stored results were computed with, every
    /// day is marked: nothing stored can be kept.
    static func markEverythingWhenOptionsChanged(_ database: Database, options: MatchOptions) throws {
        let summary = options.stored
        let stored = try database.scalarText("SELECT value FROM meta WHERE key = 'match_options'")
        guard stored != summary else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            let computed = try database.scalarInt("SELECT count(*) FROM (SELECT 1 FROM terminal_days LIMIT 1)") ?? 0
            if stored != nil || computed > 0 {
                try database.execute("INSERT OR IGNORE INTO dirty_marks(day, tid) SELECT DISTINCT day, -1 FROM file_days")
            }
            let meta = try database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")
            meta.bind("match_options", at: 1)
            meta.bind(summary, at: 2)
            try meta.run()
            meta.bind("mark_reach_ms", at: 1)
            meta.bind(String(AnalysisData.messageMargin(options)), at: 2)
            try meta.run()
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// The next batch: the earliest marked day, whole or the terminals marked on it. One day a
    /// batch keeps a batch's memory to what one day holds (the first analysis of 1.2M
    /// transactions over 5 days peaked at 756 MB in batches of 4 days, 310 MB in days, and took
    /// no longer: the acquirer messages within reach of two days overlap only at the edges).
    static func nextBatch(_ database: Database) throws -> BatchScope {
        let marks = try database.prepare("SELECT day, tid FROM dirty_marks WHERE day = (SELECT min(day) FROM dirty_marks)")
        var scope: BatchScope = [:]
        while try marks.step() {
            let day = marks.int64(0)
            let tid = marks.int64(1)
            scope[day, default: .some([])].merge(tid == DirtyMark.everyTerminal ? .all : .some([tid]))
        }
        return scope
    }
}

/// Writes one batch's results in one transaction, and works out which other (day, terminal) pairs
/// the changes reach.
struct BatchWriter {
    let database: Database
    let data: AnalysisData
    let pairs: [AcquirerPair]
    let match: MatchResult
    let classified: ClassifiedBatch
    let scope: BatchScope
    let options: MatchOptions
    /// Rows per INSERT statement: multi-row inserts spend less per row in the VDBE.
    static let rowsPerStatement = 64

    /// Opens the transaction and writes everything but the marks; returns the cascade marks.
    mutating func write(timing: (String, Double) -> Void) throws -> Set<DayTerminal> {
        try database.execute("BEGIN IMMEDIATE")
        do {
            var clock = monotonicSeconds()
            func lap(_ phase: String) {
                let now = monotonicSeconds()
                timing(phase, now - clock)
                clock = now
            }
            // The days' snapshots and aggregates need nothing this transaction writes: what they
            // read of the database (coverage, the stored snapshots of days recomputed in part) is
            // read first, then they are built and counted on a second thread while the facts,
            // pairs and states are written on this one.
            let statements = try SnapshotStatements(database)
            let inputs = try snapshotInputs(statements)
            lap("read snapshots")
            let work = SnapshotWork(writer: self, inputs: inputs)
            let built = BackgroundTask { work.build() }
            try writeFacts()
            lap("write facts")
            var cascade = try writePairs()
            cascade.formUnion(match.stolenFrom)
            cascade.formUnion(try writeTerminalDays())
            try writeFirmwareChanges()
            lap("write pairs and states")
            let days = try built.value()
            lap("wait for snapshots")
            for phase in days.phases { timing(phase.phase, phase.seconds) }
            for day in days.days {
                try statements.store(day.counted.snapshot, day: day.day, covered: day.covered)
                lap("write snapshots")
                try DailyAggregates.write(day.counted, into: database)
                lap("aggregates")
            }
            return cascade.filter { !scope.covers(day: $0.day, tid: $0.tid) }
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Removes the batch's marks, adds the cascade's, and commits.
    func commit(cascadeMarks: Set<DayTerminal>) throws {
        do {
            try deleteScopeRows(of: "dirty_marks")
            let insert = try database.prepare("INSERT OR IGNORE INTO dirty_marks(day, tid) VALUES (?, ?)")
            for mark in cascadeMarks {
                insert.bind(mark.day, at: 1)
                insert.bind(mark.tid, at: 2)
                try insert.run()
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Deletes the batch's rows of `table` (keyed by `day` and `tid`): every row of a day it
    /// recomputes whole, the rows of its terminals on a day it recomputes in part.
    private func deleteScopeRows(of table: String) throws {
        let deleteDay = try database.prepare("DELETE FROM \(table) WHERE day = ?")
        let deleteOne = try database.prepare("DELETE FROM \(table) WHERE day = ? AND tid = ?")
        for (day, filter) in scope {
            switch filter {
            case .all:
                deleteDay.bind(day, at: 1)
                try deleteDay.run()
            case .some(let tids):
                for tid in tids {
                    deleteOne.bind(day, at: 1)
                    deleteOne.bind(tid, at: 2)
                    try deleteOne.run()
                }
            }
        }
    }

    // MARK: - Facts

    private func writeFacts() throws {
        let facts = classified.facts
        let order = facts.indices.sorted { facts[$0].rowID < facts[$1].rowID }
        let columns = 14
        func statement(rows: Int) throws -> Statement {
            let one = "(" + (1...columns).map { _ in "?" }.joined(separator: ",") + ")"
            return try database.prepare(
                """
                INSERT OR REPLACE INTO txn_facts(txn_id, outcome, cause, acquirer_rc, request_id, response_id, clock_offset_ms, firmware,
                    app_version, code_table, realm, net_type, rssi_band, net_event_60s)
                VALUES \(Array(repeating: one, count: rows).joined(separator: ","))
                """)
        }
        let outcomeText = Outcome.allCases.map(\.description)
        var causeText = [String?](repeating: nil, count: 256)
        for cause in Cause.allCases { causeText[Int(cause.rawValue)] = cause.description }
        func id(_ value: Int32) -> Int64? { value == 0 ? nil : Int64(value) }
        let full = try statement(rows: Self.rowsPerStatement)
        var start = 0
        while start < facts.count {
            let count = min(Self.rowsPerStatement, facts.count - start)
            let s = count == Self.rowsPerStatement ? full : try statement(rows: count)
            for k in 0..<count {
                let f = facts[order[start + k]]
                let base = Int32(k * columns)
                s.bind(f.rowID, at: base + 1)
                s.bind(outcomeText[Int(f.outcome.rawValue)], at: base + 2)
                s.bind(f.cause.flatMap { causeText[Int($0.rawValue)] }, at: base + 3)
                s.bind(id(f.acquirerRC), at: base + 4)
                s.bind(f.requestID == 0 ? nil : f.requestID, at: base + 5)
                s.bind(f.responseID == 0 ? nil : f.responseID, at: base + 6)
                s.bind(f.clockOffset, at: base + 7)
                s.bind(id(f.firmware), at: base + 8)
                s.bind(id(f.app), at: base + 9)
                s.bind(id(f.codeTable), at: base + 10)
                s.bind(id(f.realm), at: base + 11)
                s.bind(id(f.netType), at: base + 12)
                s.bind(DayClassifier.rssiBands[Int(f.rssiBand)], at: base + 13)
                s.bind(f.netEvent60s ? "yes" : "no", at: base + 14)
            }
            try s.run()
            start += count
        }
    }

    // MARK: - Pairs

    /// The local day a pair belongs to: its first message's, in that message's offset.
    func pairDay(_ pair: AcquirerPair) -> Int64 {
        let message = pair.request ?? pair.response ?? 0
        return LocalDay.of(utcMilliseconds: pair.time, offsetMinutes: Int(data.messages.tz[message]))
    }

    /// Replaces the unmatched pairs the batch owns; returns the pairs of other (day, terminal)s whose
    /// matched state the batch changed, and the neighbours of owned pairs near a day's edge whose
    /// claim changed.
    private func writePairs() throws -> Set<DayTerminal> {
        try deleteScopeRows(of: "acquirer_pairs")
        let oldClaims = Set(data.previousClaims.values)
        let insert = try database.prepare("INSERT INTO acquirer_pairs(day, tid, request_id, response_id) VALUES (?1, ?2, ?3, ?4)")
        var cascade = Set<DayTerminal>()
        let margin = AnalysisData.messageMargin(options)
        for pair in pairs {
            let key = Correlation.pairKey(pair, data)
            let day = pairDay(pair)
            let claimedNow = pair.matchedTransaction != nil
            let claimedBefore = oldClaims.contains(key)
            if scope.covers(day: day, tid: pair.tid) {
                let stolen =
                    data.outsideClaims[key].map { claim in match.stolenFrom.contains(DayTerminal(day: claim.day, tid: pair.tid)) && claimedNow }
                    ?? false
                let matched = claimedNow || (data.outsideClaims[key] != nil && !stolen)
                if !matched {
                    insert.bind(day, at: 1)
                    insert.bind(pair.tid, at: 2)
                    insert.bind(pair.request.map { data.messages.id[$0] }, at: 3)
                    insert.bind(pair.response.map { data.messages.id[$0] }, at: 4)
                    try insert.run()
                }
                if claimedNow != claimedBefore {
                    // Near midnight another day's transactions may want it now, or no longer can.
                    let offset = Int64(data.messages.tz[pair.request ?? pair.response ?? 0]) * 60_000
                    let local = pair.time + offset
                    if local - day * LocalDay.milliseconds < margin { cascade.insert(DayTerminal(day: day - 1, tid: pair.tid)) }
                    if (day + 1) * LocalDay.milliseconds - local <= margin { cascade.insert(DayTerminal(day: day + 1, tid: pair.tid)) }
                }
            } else if claimedNow != claimedBefore {
                cascade.insert(DayTerminal(day: day, tid: pair.tid))
            }
        }
        return cascade
    }

    // MARK: - End-of-day states

    /// Replaces the batch's end-of-day states; returns the next day of each terminal whose state
    /// at the end of a batch day changed (that day starts from it).
    private func writeTerminalDays() throws -> Set<DayTerminal> {
        try deleteScopeRows(of: "terminal_days")
        let insert = try database.prepare(
            """
            INSERT OR REPLACE INTO terminal_days(tid, day, transactions, firmware, app_version, code_table, net_type, rssi, last_disruption,
                realm, clock_offset_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
        func nonzero(_ v: Int64) -> Int64? { v == 0 ? nil : v }
        var changed = Set<Int64>()
        var changedDay: [Int64: Int64] = [:]
        var computed = Set<DayTerminal>()
        for terminalDay in classified.terminalDays {
            let c = terminalDay.carry
            computed.insert(terminalDay.key)
            insert.bind(terminalDay.key.tid, at: 1)
            insert.bind(terminalDay.key.day, at: 2)
            insert.bind(Int64(c.transactions), at: 3)
            insert.bind(nonzero(c.firmware), at: 4)
            insert.bind(nonzero(c.app), at: 5)
            insert.bind(nonzero(c.codeTable), at: 6)
            insert.bind(nonzero(c.netType), at: 7)
            insert.bind(c.rssi, at: 8)
            insert.bind(c.lastDisruption, at: 9)
            insert.bind(nonzero(c.realm), at: 10)
            insert.bind(c.clockOffset, at: 11)
            try insert.run()
            let before = data.previousCarry[terminalDay.key.tid]?[terminalDay.key.day]
            if before.map({ !$0.sameState(as: c) }) ?? true {
                changed.insert(terminalDay.key.tid)
                changedDay[terminalDay.key.tid] = max(changedDay[terminalDay.key.tid] ?? .min, terminalDay.key.day)
            }
        }
        // Pairs of the scope that had a state and have none now: their data is gone.
        for (tid, days) in data.previousCarry {
            for day in days.keys where !computed.contains(DayTerminal(day: day, tid: tid)) {
                changed.insert(tid)
                changedDay[tid] = max(changedDay[tid] ?? .min, day)
            }
        }
        var cascade = Set<DayTerminal>()
        let next = try database.prepare("SELECT min(day) FROM terminal_days WHERE tid = ? AND day > ?")
        for tid in changed {
            next.bind(tid, at: 1)
            next.bind(changedDay[tid]!, at: 2)
            if try next.step(), !next.isNull(0) { cascade.insert(DayTerminal(day: next.int64(0), tid: tid)) }
            next.reset()
        }
        return cascade
    }

    private func writeFirmwareChanges() throws {
        try deleteScopeRows(of: "firmware_changes")
        let insert = try database.prepare(
            """
            INSERT OR REPLACE INTO firmware_changes(tid, ts, day, firmware, app_version, code_table) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        for change in classified.firmwareChanges {
            insert.bind(change.tid, at: 1)
            insert.bind(change.ts, at: 2)
            insert.bind(change.day, at: 3)
            insert.bind(change.firmware == 0 ? nil : change.firmware, at: 4)
            insert.bind(change.app == 0 ? nil : change.app, at: 5)
            insert.bind(change.codeTable == 0 ? nil : change.codeTable, at: 6)
            try insert.run()
        }
    }

    // MARK: - Snapshots and aggregates

    /// What building a day's snapshot reads of the database: whether acquirer logs cover it, and
    /// its stored snapshot when only some of its terminals are recomputed (the others' blocks are
    /// kept from it).
    struct SnapshotInput {
        var day: Int64
        var filter: TerminalFilter
        var covered: Bool
        var old: DaySnapshot?
    }

    /// The batch's days in order, with what their snapshots read.
    private func snapshotInputs(_ statements: SnapshotStatements) throws -> [SnapshotInput] {
        try scope.sorted(by: { $0.key < $1.key }).map { day, filter in
            var old: DaySnapshot?
            if case .some = filter { old = try statements.stored(day: day) }
            return SnapshotInput(day: day, filter: filter, covered: try statements.isCovered(day: day), old: old)
        }
    }

    /// A day's new snapshot, counted for its aggregates.
    struct BuiltDay {
        var day: Int64
        var covered: Bool
        var counted: DailyAggregates.Counted
    }

    /// The batch's days built, and the time each part took on the building thread.
    struct BuiltDays {
        var days: [BuiltDay] = []
        var phases: [(phase: String, seconds: Double)] = []
    }

    /// The snapshots and aggregate counts of the batch's days, built on a thread of their own.
    ///
    /// Unchecked: the building thread only reads the batch (`data`, `pairs`, `match`,
    /// `classified`, all constants once classified) and `inputs`, and never touches `database`,
    /// which the calling thread writes meanwhile.
    struct SnapshotWork: @unchecked Sendable {
        let writer: BatchWriter
        let inputs: [SnapshotInput]

        func build() -> BuiltDays {
            var result = BuiltDays()
            var building = 0.0
            var counting = 0.0
            let owners = writer.snapshotOwners()
            for input in inputs {
                var clock = monotonicSeconds()
                var builder = DaySnapshotBuilder(day: input.day, covered: input.covered)
                let blocks = writer.dayBlocks(day: input.day, filter: input.filter, old: input.old, owners: owners, builder: &builder)
                let snapshot = writer.buildSnapshot(day: input.day, blocks: blocks, owners: owners, builder: &builder)
                building += monotonicSeconds() - clock
                clock = monotonicSeconds()
                result.days.append(BuiltDay(day: input.day, covered: input.covered, counted: DailyAggregates.Counted(snapshot)))
                counting += monotonicSeconds() - clock
            }
            result.phases = [("build snapshots beside writes", building), ("count aggregates beside writes", counting)]
            return result
        }
    }

    /// The statements that read, test, write and remove a day's snapshot.
    private struct SnapshotStatements {
        let read: Statement
        let covered: Statement
        let write: Statement
        let remove: Statement

        init(_ database: Database) throws {
            read = try database.prepare("SELECT snapshot FROM analysis_days WHERE day = ?")
            covered = try database.prepare("SELECT 1 FROM file_days WHERE table_name = 'acquirer_msgs' AND day = ? LIMIT 1")
            write = try database.prepare("INSERT OR REPLACE INTO analysis_days(day, transactions, covered, snapshot) VALUES (?1, ?2, ?3, ?4)")
            remove = try database.prepare("DELETE FROM analysis_days WHERE day = ?")
        }

        /// True when acquirer logs cover `day` (some acquirer message is on it).
        func isCovered(day: Int64) throws -> Bool {
            covered.bind(day, at: 1)
            let isCovered = try covered.step()
            covered.reset()
            return isCovered
        }

        /// The stored snapshot of `day`, if any.
        func stored(day: Int64) throws -> DaySnapshot? {
            var old: DaySnapshot?
            read.bind(day, at: 1)
            if try read.step() { old = read.withBlob(0) { DaySnapshot(decoding: $0) } }
            read.reset()
            return old
        }

        /// Stores `snapshot` as `day`'s, or removes the day's when it holds nothing.
        func store(_ snapshot: DaySnapshot, day: Int64, covered isCovered: Bool) throws {
            if snapshot.blocks.isEmpty && snapshot.linkEvents.isEmpty {
                remove.bind(day, at: 1)
                try remove.run()
            } else {
                write.bind(day, at: 1)
                write.bind(Int64(snapshot.rowCount), at: 2)
                write.bind(Int64(isCovered ? 1 : 0), at: 3)
                write.bind(blob: snapshot.encoded(), at: 4)
                try write.run()
            }
        }
    }

    /// What the batch puts into snapshots, by owner: its pairs by the (day, terminal) that owns
    /// them, its classified terminal days by day.
    private struct SnapshotOwners {
        var pairs: [DayTerminal: [Int]] = [:]
        var terminalDays: [Int64: [ClassifiedTerminalDay]] = [:]
    }

    /// The batch's pairs and terminal days by their owners (the pairs of the scope only).
    private func snapshotOwners() -> SnapshotOwners {
        var owners = SnapshotOwners()
        for (index, pair) in pairs.enumerated() {
            let key = DayTerminal(day: pairDay(pair), tid: pair.tid)
            if scope.covers(day: key.day, tid: key.tid) { owners.pairs[key, default: []].append(index) }
        }
        for terminalDay in classified.terminalDays { owners.terminalDays[terminalDay.key.day, default: []].append(terminalDay) }
        return owners
    }

    /// One block of a day's snapshot to write: a terminal's fresh rows and pairs, or a block kept
    /// from the stored snapshot.
    private struct SnapshotBlock {
        var tid: String
        var fresh: ClassifiedTerminalDay?
        /// The terminal whose owned pairs the block holds.
        var pairTid: Int64?
        var kept: DaySnapshot.Block?
    }

    /// A day's blocks in canonical order (by terminal ID) and the stored snapshot the kept ones
    /// come from.
    private struct DayBlocks {
        var blocks: [SnapshotBlock] = []
        var old: DaySnapshot?
    }

    /// The blocks of a day: fresh ones for the scope's terminals, kept ones for the others. Adds
    /// the day's link events to `builder` (kept ones when only some terminals are recomputed).
    private func dayBlocks(
        day: Int64, filter: TerminalFilter, old: DaySnapshot?, owners: SnapshotOwners, builder: inout DaySnapshotBuilder
    ) -> DayBlocks {
        var result = DayBlocks()
        if case .some(let tids) = filter {
            result.old = old
            let replaced = Set(tids.map { data.text($0) ?? "" })
            for block in old?.blocks ?? [] where !replaced.contains(old!.string(block.tid)) {
                result.blocks.append(SnapshotBlock(tid: old!.string(block.tid), fresh: nil, pairTid: nil, kept: block))
            }
            for link in old?.linkEvents ?? [] { builder.addLinkEvent(realm: old!.string(link.realm), ts: link.ts, kind: old!.string(link.kind)) }
        } else {
            for event in data.realmLinkEvents where event.day == day {
                builder.addLinkEvent(realm: data.text(event.realm) ?? "", ts: event.ts, kind: data.text(event.kind) ?? "")
            }
        }
        var withBlock = Set<Int64>()
        for terminalDay in owners.terminalDays[day] ?? [] {
            result.blocks.append(
                SnapshotBlock(tid: data.text(terminalDay.key.tid) ?? "", fresh: terminalDay, pairTid: terminalDay.key.tid, kept: nil))
            withBlock.insert(terminalDay.key.tid)
        }
        for key in owners.pairs.keys where key.day == day && !withBlock.contains(key.tid) {
            result.blocks.append(SnapshotBlock(tid: data.text(key.tid) ?? "", fresh: nil, pairTid: key.tid, kept: nil))
        }
        // One canonical order, however the day was split into recomputes.
        result.blocks.sort { $0.tid < $1.tid }
        return result
    }

    /// The snapshot of a day: its blocks in order, kept ones copied, fresh ones built from the
    /// batch's rows and pairs.
    private func buildSnapshot(day: Int64, blocks: DayBlocks, owners: SnapshotOwners, builder: inout DaySnapshotBuilder) -> DaySnapshot {
        var remap = SnapshotRemap()
        var codes = SnapshotCodes(dictionary: data.dictionary)
        for entry in blocks.blocks {
            if let kept = entry.kept, let old = blocks.old {
                builder.copy(kept, of: old, remap: &remap)
                continue
            }
            builder.beginBlock(tid: entry.tid, clockOffset: entry.fresh?.clockOffset ?? 0)
            if let fresh = entry.fresh {
                addRows(of: fresh, builder: &builder, codes: &codes)
            }
            if let tid = entry.pairTid {
                addPairs(owners.pairs[DayTerminal(day: day, tid: tid)] ?? [], builder: &builder, codes: &codes)
            }
            builder.endBlock()
        }
        return builder.snapshot
    }

    /// Adds a classified terminal day's rows, disruptions and upgrades to the open block.
    private func addRows(of fresh: ClassifiedTerminalDay, builder: inout DaySnapshotBuilder, codes: inout SnapshotCodes) {
        var attributeCodes = [UInt16](repeating: 0, count: TransactionTable.attributeCount)
        for r in fresh.rows {
            for a in 0..<TransactionTable.attributeCount { attributeCodes[a] = codes.attributes.code(a, classified.attributes[a][r], &builder) }
            let f = classified.facts[r]
            let eventSet = codes.eventSet(classified.eventSet[r], of: classified, builder: &builder)
            let rc = codes.responseCode(data.transactions.rc[r], builder: &builder)
            let arc = codes.responseCode(Int64(f.acquirerRC), builder: &builder)
            builder.addRow(
                attributes: attributeCodes, outcome: f.outcome, cause: f.cause, responseCode: rc, acquirerResponseCode: arc,
                ts: data.transactions.ts[r], eventSet: eventSet)
        }
        for ts in fresh.disruptions { builder.addDisruption(ts) }
        for u in fresh.upgrades { builder.addUpgrade(ts: u.ts, from: data.text(u.from) ?? "unknown", to: data.text(u.to) ?? "unknown") }
    }

    /// Adds the batch's pairs of these indices to the open block, with whether each is matched
    /// (by the batch, or held outside it and not taken from there) and its lifespan.
    private func addPairs(_ indices: [Int], builder: inout DaySnapshotBuilder, codes: inout SnapshotCodes) {
        for index in indices {
            let pair = pairs[index]
            var flags: UInt8 = 0
            if pair.request != nil { flags |= DaySnapshot.hasRequest }
            if pair.response != nil { flags |= DaySnapshot.hasResponse }
            let key = Correlation.pairKey(pair, data)
            let stolen = data.outsideClaims[key].map { match.stolenFrom.contains(DayTerminal(day: $0.day, tid: pair.tid)) } ?? false
            if pair.matchedTransaction != nil || (data.outsideClaims[key] != nil && !stolen) { flags |= DaySnapshot.matched }
            let lifespan = pair.lifespanMs ?? pair.responseTime.flatMap { response in pair.requestTime.map { response - $0 } }
            builder.addPair(realmString: codes.realm(pair.realm, builder: &builder), flags: flags, lifespan: lifespan)
        }
    }
}

/// The snapshot codes of one day's values, remembered by dictionary id (or event-set index):
/// attribute values, event sets, response codes and realm strings.
struct SnapshotCodes {
    let dictionary: DictionaryTexts
    var attributes: AttributeCodeCache
    private var eventSets: [Int32: UInt16] = [:]
    private var responseCodes: [Int64: UInt16] = [:]
    private var realms: [Int64: Int32] = [:]

    init(dictionary: DictionaryTexts) {
        self.dictionary = dictionary
        attributes = AttributeCodeCache(dictionary: dictionary)
    }

    /// The code of event set `setIndex` of `classified`, its kinds named `terminal STATE` or `acquirer KIND`.
    mutating func eventSet(_ setIndex: Int32, of classified: ClassifiedBatch, builder: inout DaySnapshotBuilder) -> UInt16 {
        if let known = eventSets[setIndex] { return known }
        let kinds = classified.eventSets[Int(setIndex)].map { kinds in
            kinds.map { $0 >= 0 ? "terminal " + (dictionary.text($0) ?? "unknown") : "acquirer " + (dictionary.text(-$0) ?? "unknown") }
        }
        let eventSet = builder.eventSet(kinds)
        eventSets[setIndex] = eventSet
        return eventSet
    }

    /// The code of the response code with dictionary id `id`.
    mutating func responseCode(_ id: Int64, builder: inout DaySnapshotBuilder) -> UInt16 {
        if let known = responseCodes[id] { return known }
        let code = builder.responseCode(dictionary.text(id))
        responseCodes[id] = code
        return code
    }

    /// The string index of the realm with dictionary id `id` ("unknown" for none).
    mutating func realm(_ id: Int64, builder: inout DaySnapshotBuilder) -> Int32 {
        if let known = realms[id] { return known }
        let realm = builder.string(dictionary.text(id) ?? "unknown")
        realms[id] = realm
        return realm
    }
}

/// The snapshot code of a classified attribute value (a dictionary id, or the band index of
/// rssi_band, 1/0 of net_event_60s, the hour of hour), remembered per attribute.
struct AttributeCodeCache {
    let dictionary: DictionaryTexts
    /// By attribute and value: the code plus one, 0 while unknown.
    private var known: [[UInt32]]

    init(dictionary: DictionaryTexts) {
        self.dictionary = dictionary
        known = Array(repeating: [UInt32](repeating: 0, count: max(dictionary.size, 24)), count: TransactionTable.attributeCount)
    }

    @inline(__always)
    mutating func code(_ a: Int, _ value: Int64, _ builder: inout DaySnapshotBuilder) -> UInt16 {
        if value >= 0, Int(value) < known[a].count, known[a][Int(value)] != 0 { return UInt16(known[a][Int(value)] - 1) }
        return slowCode(a, value, &builder)
    }

    private mutating func slowCode(_ a: Int, _ value: Int64, _ builder: inout DaySnapshotBuilder) -> UInt16 {
        let text: String?
        switch a {
        case DayClassifier.A.rssiBand: text = DayClassifier.rssiBands[Int(value)]
        case DayClassifier.A.netEvent: text = value == 1 ? "yes" : "no"
        case DayClassifier.A.hour: text = value < 10 ? "0\(value)" : "\(value)"
        default: text = dictionary.text(value)
        }
        let code = builder.code(a, text)
        if value >= 0, Int(value) < known[a].count { known[a][Int(value)] = UInt32(code) + 1 }
        return code
    }
}

extension MatchOptions {
    /// The options as kept in `meta.match_options`.
    var stored: String {
        "window_ms=\(windowMilliseconds) pairing_ms=\(pairingWindowMilliseconds) late_ms=\(lateToleranceMilliseconds) timeout_ms=\(defaultTimeoutMilliseconds)"
    }

    /// The options the stored results were computed with, nil before the first analysis.
    static func stored(in database: Database) throws -> MatchOptions? {
        guard let text = try database.scalarText("SELECT value FROM meta WHERE key = 'match_options'") else { return nil }
        var options = MatchOptions()
        for part in text.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int64(pair[1]) else { continue }
            switch pair[0] {
            case "window_ms": options.windowMilliseconds = value
            case "pairing_ms": options.pairingWindowMilliseconds = value
            case "late_ms": options.lateToleranceMilliseconds = value
            case "timeout_ms": options.defaultTimeoutMilliseconds = value
            default: break
            }
        }
        return options
    }
}
