import Foundation
import Glibc
import Testing

// Issue 5, part 4: Luhn-valid numbers of 13 to 19 digits planted in every field and place
// docs/formats.md allows, then `posrca nightly` (ingest, analyze, report) twice, the second time while
// a reader keeps the WAL from being checkpointed; then every byte of the database, its -wal,
// -shm and -journal, every report file and the runs' output is scanned for each planted number
// and for the track data and PIN block values. Numbers that fail Luhn stay as they are.

/// Card numbers made for the test: Luhn check digits computed here, from the definition.
struct CardNumberMaker {
    var random: SeededRandom

    /// The Luhn check digit for `payload` (digits without the check digit): double every second
    /// digit from the right, starting with the rightmost, sum the digits, and complete to 10.
    static func checkDigit(_ payload: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in payload.reversed().enumerated() {
            var value = digit
            if offset % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    /// A Luhn-valid number of `length` digits, starting with 3–6 like real cards.
    mutating func valid(length: Int) -> String {
        var payload = [Int.random(in: 3...6, using: &random)]
        while payload.count < length - 1 { payload.append(Int.random(in: 0...9, using: &random)) }
        return (payload + [Self.checkDigit(payload)]).map(String.init).joined()
    }

    /// The same with the last digit changed: fails Luhn, so it is not a card number.
    static func failing(_ number: String) -> String {
        let last = Int(String(number.last!))!
        return String(number.dropLast()) + String((last + 1) % 10)
    }
}

@Suite("Card data: no planted card number, track data or PIN block survives anywhere", .serialized)
struct CardDataEndToEndTests {
    @Test("the check digits are Luhn's")
    func luhnByHand() {
        #expect(CardNumberMaker.checkDigit([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) == 1)  // 4111111111111111
        #expect(CardNumberMaker.checkDigit([6, 0, 1, 1, 0, 0, 0, 9, 9, 0, 1, 3, 9, 4, 2]) == 4)  // 6011000990139424
        #expect(CardNumberMaker.checkDigit([3, 7, 8, 2, 8, 2, 2, 4, 6, 3, 1, 0, 0, 0]) == 5)  // 378282246310005
        var maker = CardNumberMaker(random: SeededRandom(seed: 1))
        for length in 13...19 {
            let number = maker.valid(length: length)
            #expect(number.count == length)
            // Luhn again, the other way round: the whole number sums to a multiple of 10.
            let total = number.reversed().enumerated().reduce(0) { sum, item in
                let d = Int(String(item.element))!
                return sum + (item.offset % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d)
            }
            #expect(total % 10 == 0, "\(number)")
        }
    }

    @Test("planted everywhere, nightly twice: no full number in the database, WAL, SHM, journal, reports or output")
    func nothingLeaks() throws {
        let space = Workspace("card-data")
        var maker = CardNumberMaker(random: SeededRandom(seed: 20_261_120))
        var planted: [String: String] = [:]  // number → where
        var nextLength = 13
        func card(_ place: String) -> String {
            let number = maker.valid(length: nextLength)
            nextLength = nextLength == 19 ? 13 : nextLength + 1
            planted[number] = place
            return number
        }
        // A full number that fails Luhn where the field means a card number (`pan`, field 2):
        // masked all the same, so it must not be found either.
        func cardFailingLuhn(_ place: String) -> String {
            let number = CardNumberMaker.failing(maker.valid(length: 16))
            planted[number] = place
            return number
        }
        // Not card numbers: they must stay exactly as written.
        var kept: [String: String] = [:]
        func notCard(_ place: String) -> String {
            let number = CardNumberMaker.failing(maker.valid(length: nextLength))
            kept[number] = place
            return number
        }

        // --- Terminal log: every key's value, keys themselves, ignored events, rejected lines.
        let t = "ts=2026-11-20T08:16:02.500+08:00 tid=20481234"
        var terminal: [String] = [
            "\(t) ev=boot fw=\(card("fw")) app=\(card("app")) ctab=\(card("ctab"))",
            "\(t) ev=net state=\(card("net state")) type=\(card("net type")) rssi=-90 reason=\"lost \(card("net reason"))\"",
            "\(t) ev=txn type=\(card("txn type")) stan=000123 batch=000042 amt=1250 cur=156 rc=\(card("rc")) disp=\(card("disp")) lat_ms=2310 entry=\(card("entry")) pan=\(card("pan")) mcc=\(card("mcc"))",
            "\(t) ev=txn type=sale stan=000124 amt=990 cur=156 disp=timeout err=\(card("err")) reason=\(card("txn reason"))",
            "\(t) ev=txn type=sale stan=000125 amt=990 cur=156 rc=05 disp=declined pan=\(cardFailingLuhn("pan without Luhn"))",
            "\(t) ev=fw_update from=\(card("from")) to=\(card("to")) result=\(card("result"))",
            "\(t) ev=signin rc=\(card("signin rc"))",
            "\(t) ev=error err=E1 msg=\"card \(card("msg")) declined, not \(notCard("msg, fails Luhn"))\"",
            "\(t) ev=error err=E2 msg=\"quoted \\\"\(card("escaped msg"))\\\" and \\\\ \(card("escaped msg 2"))\"",
            "\(t) ev=error err=\(notCard("err, fails Luhn")) msg=plain",
            "\(t) ev=\(card("ignored event name"))",
            "\(t) ev=txn type=sale stan=000126 amt=1 cur=156 rc=00 disp=approved foo=\(card("unknown key value")) \(card("unknown key name"))=1 x\(card("unknown key in name"))=2 \(card("bare key"))",
            // Rejected lines: the text is kept, masked.
            "\(t) ev=txn type=sale stan=000127 amt=1.5 err=\(card("rejected line (bad amt)"))",
            "tid=20481234 ev=txn pan=\(card("rejected line (no ts)"))",
            "\(t) ev=error msg=\"unterminated \(card("rejected line (not logfmt)"))",
        ]
        // A line longer than the limit: its kept start is masked, and the number cut at 4 KiB is starred.
        let overlongStart = "\(t) ev=error msg=" + String(repeating: "x", count: 1000) + card("overlong line start")
        terminal.append(
            overlongStart + String(repeating: "y", count: 4096 - 8 - overlongStart.utf8.count)
                + card("overlong line across the 4 KiB cut") + String(repeating: "z", count: 1_100_000))
        terminal.append("\(t) ev=txn type=sale stan=000128 amt=1 cur=156 rc=00 disp=approved")
        try space.write("terminal.log", terminal.joined(separator: "\n") + "\n")

        // --- Acquirer log: fields 2, 35, 45, 52 and the used fields that are masked; link events,
        // free text, comments, element names, rejected elements.
        let track2Data = "2512101000001234567"
        let track2 = card("track 2 (field 35)") + "=" + track2Data
        let track1 = "B" + card("track 1 (field 45)") + "^SURNAME/GIVENNAME^2512101000000987654"
        let pinBlock = "9A3F21C7B45E0D18"
        let contentTrack2 = card("track 2 in content form") + "D2512101000007654321"
        let rejectedTrack2 = card("track 2 in a rejected element") + "=2512101000001111222"
        let skippedName = "x" + card("skipped element name")
        let rrn = maker.valid(length: 16)  // Luhn-valid, in field 37: left alone by the format's rule
        let mid = maker.valid(length: 15)  // Luhn-valid merchant ID in field 42: left alone
        let acquirer = """
            <logger class="org.jpos.q2.qbean.LoggerAdaptor">
            <!-- operator note: card \(card("comment")) -->
            <log realm="cup-channel/\(card("realm"))" at="2026-11-20T08:16:00.210" lifespan="2290ms">
              <receive>
                <isomsg direction="incoming">
                  <field id="0" value="0200"/>
                  <field id="2" value="\(card("field 2"))"/>
                  <field id="3" value="\(card("field 3"))"/>
                  <field id="4" value="000000001250"/>
                  <field id="11" value="000123"/>
                  <field id="35" value="\(track2)"/>
                  <field id="45" value="\(track1)"/>
                  <field id="52" value="\(pinBlock)"/>
                  <field id="35">\(contentTrack2)</field>
                  <field id="41" value="20481234"/>
                  <field id="42" value="\(mid)"/>
                  <field id="49" value="\(card("field 49"))"/>
                  <isomsg id="127"><field id="2" value="\(card("nested subfield 2"))"/></isomsg>
                </isomsg>
              </receive>
              <info>free text \(card("info text"))</info>
              <\(skippedName)>x</\(skippedName)>
              <![CDATA[ \(card("cdata")) ]]>
            </log>
            <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:02.480">
              <send>
                <isomsg direction="outgoing">
                  <field id="0" value="0210"/>
                  <field id="2" value="\(cardFailingLuhn("field 2 without Luhn"))"/>
                  <field id="11" value="000123"/>
                  <field id="37" value="\(rrn)"/>
                  <field id="39" value="\(card("field 39"))"/>
                  <field id="41" value="20481234"/>
                </isomsg>
              </send>
            </log>
            <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:17:30.000">
              <receive><peer-disconnect>Connection reset by \(card("peer-disconnect text"))</peer-disconnect></receive>
              <exception name="x">java.io.IOException: card \(card("exception text")) at Socket.&lt;init&gt;(Socket.java:1)</exception>
              <iso-exception>bad \(card("iso-exception text")) \(notCard("iso-exception, fails Luhn"))</iso-exception>
            </log>
            <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:18:00.000">
              <send>
                <isomsg direction="outgoing">
                  <field id="2" value="\(card("field 2 in a rejected element"))"/>
                  <field id="35" value="\(rejectedTrack2)"/>
                  <field id="45">B\(card("track 1 in a rejected element"))^A/B^2512</field>
                  <field id="52" value="\(pinBlock)"/>
                </isomsg>
              </send>
              </y\(card("mismatched end tag name"))>
            </log>
            <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:19:00.000">
              <send><isomsg><field id="2" value="\(card("field 2 of an element never closed"))"/>
              <field id="35">\(card("track 2 of an element never closed"))=25121010000033</field>

            """
        try space.write("acquirer.xml", acquirer)

        // --- Inventory and catalogue: every cell, a rejected row, a malformed row, the header.
        try space.write(
            "inventory.csv",
            """
            tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware,note \(card("CSV header"))
            20481234,\(mid),PAX \(card("brand")),\(card("model")),third_party,agent \(card("agent")),\(card("fee_tier")),0.38,\(card("region")),\(card("inventory mcc")),\(card("firmware")),\(card("extra column"))
            20481235,898310048161235,PAX,A920,\(card("channel (rejected row)")),,standard,,,,,
            20481236,898310048161236,PAX,A920,official,"a"b \(card("malformed CSV row")),standard,,,,,

            """)
        try space.write("codes.csv", "code,meaning,scope\n\(card("catalogue code")),card \(card("catalogue meaning")),\(card("catalogue scope"))\n")

        // --- First nightly run.
        let first = try posrca(["nightly", "--db", space.db, "--inbox", space.inbox, "--reports", space.reports])
        #expect(first.exitStatus == 1, "\(first)")

        // --- Second run while a reader holds an old snapshot: its writes stay in the WAL.
        let reader = try ChildProcess(
            posrcaBinary,
            [
                // It reads a table on every step, so its read transaction lasts as long as it runs.
                "sql", "--db", space.db,
                "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 4000000000) SELECT count(*) FROM r, input_files AS f WHERE f.id = 1",
            ])
        defer { reader.kill() }
        pause(0.3)
        #expect(reader.isRunning)
        try space.write(
            "later/terminal.log",
            [
                "\(t) ev=txn type=sale stan=000200 amt=5 cur=156 rc=00 disp=approved pan=\(card("pan, second run"))",
                "\(t) ev=error err=E3 msg=\"later \(card("msg, second run")) \(notCard("msg, second run, fails Luhn"))\"",
                "\(t) ev=txn amt=x pan=\(card("rejected line, second run"))",
            ].joined(separator: "\n") + "\n")
        try space.write(
            "later/acquirer.xml", acquirerElementWithCard(card("field 2, second run"), track: card("track 2, second run") + "=2512101000004444555"))
        let second = try posrca(["nightly", "--db", space.db, "--inbox", space.inbox, "--reports", space.reports])
        #expect(second.exitStatus == 1, "\(second)")
        #expect(fileBytes(space.db + "-wal").count > 4096, "the reader did not keep the WAL")

        // --- Scan every byte.
        var scanned: [(String, Data)] = []
        for suffix in ["", "-wal", "-shm", "-journal"] {
            scanned.append(("database\(suffix)", fileBytes(space.db + suffix)))
        }
        for path in Workspace.files(under: space.reports) { scanned.append((path, fileBytes(path))) }
        scanned.append(("output of the first run", Data((first.stdout + first.stderr).utf8)))
        scanned.append(("output of the second run", Data((second.stdout + second.stderr).utf8)))
        #expect(scanned.count > 10)
        #expect(planted.count >= 60, "\(planted.count) numbers planted")
        let secrets =
            planted.map { ($0.key, "card number planted in \($0.value)") }
            + [
                (track2, "track 2"), (track2Data, "track 2 discretionary data"), (track1, "track 1"), ("SURNAME/GIVENNAME", "track 1 name"),
                (pinBlock, "PIN block"), (contentTrack2, "track 2 in content form"), (rejectedTrack2, "track 2 in a rejected element"),
                ("2512101000001111222", "track 2 data in a rejected element"), ("D2512101000007654321", "track 2 data in content form"),
            ]
        for (name, bytes) in scanned {
            for (secret, what) in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(what) (\(secret)) is in \(name)")
            }
        }

        // The masked forms are there, and what is not a card number is as it was.
        let database = fileBytes(space.db) + fileBytes(space.db + "-wal")
        let pan = try #require(planted.first { $0.value == "pan" }?.key)
        let masked = String(pan.prefix(6)) + String(repeating: "*", count: pan.count - 10) + String(pan.suffix(4))
        #expect(database.range(of: Data(masked.utf8)) != nil, "masked PAN \(masked) not stored")
        for (number, place) in kept {
            #expect(database.range(of: Data(number.utf8)) != nil, "\(number) (\(place)) fails Luhn and should be kept as written")
        }
        #expect(try space.sql("SELECT rrn FROM acquirer_msgs WHERE rrn IS NOT NULL") == [[rrn]])
        #expect(try space.sql("SELECT mid FROM inventory WHERE mid IS NOT NULL ORDER BY line") == [[mid]])
        #expect(try space.sql("SELECT stan, amount FROM transactions WHERE stan = '000123'") == [["000123", "1250"]])
        reader.kill()
    }

    /// One acquirer request with a card number in field 2 and track 2 in field 35.
    func acquirerElementWithCard(_ pan: String, track: String) -> String {
        """
        <log realm="cup-channel/10.1.2.3:5000" at="2026-11-21T08:16:00.210">
          <receive>
            <isomsg direction="incoming">
              <field id="0" value="0200"/>
              <field id="2" value="\(pan)"/>
              <field id="11" value="000200"/>
              <field id="35" value="\(track)"/>
              <field id="41" value="20481234"/>
            </isomsg>
          </receive>
        </log>

        """
    }
}
