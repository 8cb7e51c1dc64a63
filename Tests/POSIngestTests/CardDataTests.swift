import Foundation
import POSIngest
import POSStore
import Testing

// Issue 5, part 4, place by place: a card number in each field and place docs/formats.md §5 names is
// stored masked (first 6, stars, last 4, length kept) exactly where that value goes; numbers that
// fail Luhn and the fields whose meaning rules out a card number are kept as written. The
// end-to-end scan of every byte after `posrca nightly` is in posrcaTests (CardDataEndToEndTests).

/// Known Luhn-valid test numbers of 13, 15, 16 and 19 digits, with their masks written out by hand.
enum TestCards {
    static let visa13 = "4222222222222"  // 422222***2222
    static let amex15 = "378282246310005"  // 378282*****0005
    static let visa16 = "4111111111111111"  // 411111******1111
    static let discover16 = "6011000990139424"  // 601100******9424
    static let unionpay19 = "6228480402564890018"  // 622848*********0018
}

/// One place a card number can be, and where its masked form must land.
struct CardPlace: Sendable, CustomTestStringConvertible {
    var name: String
    var fileName: String
    var content: String
    /// A query whose rows must be `expected` after the ingest.
    var query: String
    var expected: [[String?]]
    /// Card numbers the file holds that must appear nowhere in the database files.
    var secrets: [String]

    var testDescription: String { name }

    static let ts = "ts=2026-11-20T08:16:02.500+08:00 tid=20481234"

    static let all: [CardPlace] = [
        CardPlace(
            name: "logfmt pan (masked whatever its Luhn check)", fileName: "a.log",
            content:
                "\(ts) ev=txn type=sale stan=000001 amt=1 cur=156 rc=00 disp=approved pan=\(TestCards.unionpay19)\n\(ts) ev=txn type=sale stan=000002 pan=6228480402564890019\n",
            query: "SELECT pan FROM terminal_txns ORDER BY line", expected: [["622848*********0018"], ["622848*********0019"]],
            secrets: [TestCards.unionpay19, "6228480402564890019"]),
        CardPlace(
            name: "logfmt msg, quoted with escapes", fileName: "a.log",
            content: "\(ts) ev=error err=E msg=\"card \\\"\(TestCards.visa16)\\\" and \(TestCards.visa13)\"\n",
            query: "SELECT message FROM terminal_errors", expected: [["card \"411111******1111\" and 422222***2222"]],
            secrets: [TestCards.visa16, TestCards.visa13]),
        CardPlace(
            name: "logfmt rc, err, reason, type, disp, entry, mcc", fileName: "a.log",
            content:
                "\(ts) ev=txn type=\(TestCards.visa13) stan=000001 amt=1 cur=156 rc=\(TestCards.discover16) disp=\(TestCards.amex15) entry=\(TestCards.visa16) err=x\(TestCards.unionpay19) reason=\(TestCards.visa16) mcc=\(TestCards.visa13)\n",
            query: """
                SELECT ty.value, rc.value, di.value, en.value, er.value, re.value, mc.value FROM terminal_txns t
                JOIN dictionary ty ON ty.id = t.type JOIN dictionary rc ON rc.id = t.rc JOIN dictionary di ON di.id = t.disp
                JOIN dictionary en ON en.id = t.entry JOIN dictionary er ON er.id = t.err JOIN dictionary re ON re.id = t.reason
                JOIN dictionary mc ON mc.id = t.mcc
                """,
            expected: [
                [
                    "422222***2222", "601100******9424", "378282*****0005", "411111******1111", "x622848*********0018", "411111******1111",
                    "422222***2222",
                ]
            ],
            secrets: [TestCards.visa13, TestCards.discover16, TestCards.amex15, TestCards.visa16, TestCards.unionpay19]),
        CardPlace(
            name: "logfmt boot, fw_update, net and signin values", fileName: "a.log",
            content: """
                \(ts) ev=boot fw=\(TestCards.visa16) app=\(TestCards.visa13) ctab=\(TestCards.amex15)
                \(ts) ev=fw_update from=\(TestCards.discover16) to=\(TestCards.visa16) result=\(TestCards.visa13)
                \(ts) ev=net state=\(TestCards.amex15) type=\(TestCards.visa13) reason="lost \(TestCards.unionpay19)"
                \(ts) ev=signin rc=\(TestCards.discover16)

                """,
            query: """
                SELECT (SELECT group_concat(d.value, ' ') FROM terminal_boots b JOIN dictionary d ON d.id IN (b.firmware, b.app_version, b.code_table)),
                       (SELECT f.value || ' ' || t.value FROM firmware_updates u JOIN dictionary f ON f.id = u.from_fw JOIN dictionary t ON t.id = u.to_fw),
                       (SELECT s.value || ' ' || y.value || ' ' || n.reason FROM net_events n JOIN dictionary s ON s.id = n.state JOIN dictionary y ON y.id = n.net_type),
                       (SELECT d.value FROM terminal_signins g JOIN dictionary d ON d.id = g.rc)
                """,
            expected: [
                [
                    "411111******1111 422222***2222 378282*****0005", "601100******9424 411111******1111",
                    "378282*****0005 422222***2222 lost 622848*********0018", "601100******9424",
                ]
            ],
            secrets: [TestCards.visa16, TestCards.visa13, TestCards.amex15, TestCards.discover16, TestCards.unionpay19]),
        CardPlace(
            name: "logfmt keys: unknown key names and an ignored event's name", fileName: "a.log",
            content:
                "\(ts) ev=txn type=sale stan=000001 \(TestCards.visa16)=1 note\(TestCards.amex15)=2 \(TestCards.visa13)\n\(ts) ev=\(TestCards.discover16)\n",
            query: "SELECT name, value FROM file_counts WHERE name LIKE 'unknown_key:%' OR name LIKE 'ignored_event:%' ORDER BY name",
            expected: [
                ["ignored_event:601100******9424", "1"], ["unknown_key:411111******1111", "1"], ["unknown_key:422222***2222", "1"],
                ["unknown_key:note378282*****0005", "1"],
            ],
            secrets: [TestCards.visa16, TestCards.amex15, TestCards.visa13, TestCards.discover16]),
        CardPlace(
            name: "logfmt rejected lines", fileName: "a.log",
            // A last line that can be read: a file of rejects alone fails whole (issue 9).
            content:
                "\(ts) ev=txn amt=1.5 pan=\(TestCards.visa16) x=\(TestCards.amex15)\ntid=1 ev=error msg=\(TestCards.visa13)\n\(ts) ev=signin rc=00\n",
            query: "SELECT line, reason, text FROM rejects ORDER BY line",
            expected: [
                ["1", "bad integer amt", "\(ts) ev=txn amt=1.5 pan=411111******1111 x=378282*****0005"],
                ["2", "missing key ts", "tid=1 ev=error msg=422222***2222"],
            ],
            secrets: [TestCards.visa16, TestCards.amex15, TestCards.visa13]),
        CardPlace(
            name: "acquirer fields 2 (any number), 3, 39, 49 and the realm", fileName: "a.xml",
            content: """
                <log realm="r/\(TestCards.visa16)" at="2026-11-20T08:16:00.210">
                  <send><isomsg direction="outgoing">
                    <field id="0" value="0210"/>
                    <field id="2" value="\(TestCards.unionpay19.dropLast())7"/>
                    <field id="3" value="\(TestCards.visa13)"/>
                    <field id="11" value="000001"/>
                    <field id="39" value="\(TestCards.amex15)"/>
                    <field id="49" value="\(TestCards.discover16)"/>
                  </isomsg></send>
                </log>

                """,
            query:
                "SELECT r.value, m.pan, p.value, c.value, cur.value FROM acquirer_msgs m JOIN dictionary r ON r.id = m.realm JOIN dictionary p ON p.id = m.proc_code JOIN dictionary c ON c.id = m.rc JOIN dictionary cur ON cur.id = m.currency",
            expected: [["r/411111******1111", "622848*********0017", "422222***2222", "378282*****0005", "601100******9424"]],
            secrets: [TestCards.visa16, String(TestCards.unionpay19.dropLast()) + "7", TestCards.visa13, TestCards.amex15, TestCards.discover16]),
        CardPlace(
            name: "acquirer link events' text", fileName: "a.xml",
            // A channel's realm: an exception elsewhere is no link event (issue 9).
            content: """
                <log realm="cup-channel" at="2026-11-20T08:16:00.210">
                  <receive><peer-disconnect>reset by \(TestCards.visa16)</peer-disconnect></receive>
                  <exception>card \(TestCards.amex15) at Socket.&lt;init&gt;(x)</exception>
                  <exception name="IOException: card \(TestCards.visa13)">trace \(TestCards.discover16)</exception>
                </log>

                """,
            query: "SELECT reason FROM net_events ORDER BY id",
            expected: [["reset by 411111******1111"], ["card 378282*****0005 at Socket.<init>(x)"], ["IOException: card 422222***2222"]],
            secrets: [TestCards.visa16, TestCards.amex15, TestCards.visa13, TestCards.discover16]),
        CardPlace(
            name: "acquirer hex strings of ASCII digits: a field, a jPOS 3 Disconnect's text, a rejected element", fileName: "a.xml",
            // Visa 16 in hex; a track-2 equivalent (visa16, `D`, 251210) in hex after a tag and
            // length; Visa 13 in hex in an element that is not well formed.
            content: """
                <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:00.210" trace-id="0b6f3c1e5d2a4c7e9f1a2b3c4d5e6f70">
                  <send>
                    <isomsg direction="outgoing">
                      <field id="0" value="0200"/>
                      <field id="11" value="000001"/>
                      <field id="49" value="34313131313131313131313131313131"/>
                    </isomsg>
                  </send>
                </log>
                <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:01.000">
                  <receive>
                    Disconnect[host=10.1.2.3, remotePort=5000, localPort=51514, exception=j.i.IOException (o.j.i.BaseChannel.receive:871), message=bad data 57103431313131313131313131313131313144323531323130]
                  </receive>
                </log>
                <log realm="r" at="2026-11-20T08:16:02.000">
                  <x>34323232323232323232323232</x>
                  </oops>
                </log>

                """,
            query: """
                SELECT (SELECT cur.value FROM acquirer_msgs m JOIN dictionary cur ON cur.id = m.currency),
                       (SELECT s.value || ' ' || n.reason FROM net_events n JOIN dictionary s ON s.id = n.state),
                       (SELECT reason || ' ' || (instr(text, '3432323232322A2A2A32323232') > 0) FROM rejects)
                """,
            expected: [
                [
                    "3431313131312A2A2A2A2A2A31313131",
                    "exception Disconnect[host=10.1.2.3, remotePort=5000, localPort=51514, exception=j.i.IOException (o.j.i.BaseChannel.receive:871), message=bad data 57102A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A442A2A2A2A2A2A]",
                    "malformed log element: mismatched </oops> 1",
                ]
            ],
            secrets: ["34313131313131313131313131313131", "3431313131313131313131313131313144323531323130", "34323232323232323232323232"]),
        CardPlace(
            name: "acquirer rejected element: card numbers masked, fields 35, 45 and 52 removed", fileName: "a.xml",
            content: """
                <log realm="r" at="2026-11-20T08:16:00.210">
                  <send><isomsg>
                    <field id="2" value="\(TestCards.visa16)"/>
                    <field id="35" value="\(TestCards.discover16)=25121010000012345678"/>
                    <field id="45">B\(TestCards.amex15)^DOE/JANE^2512</field>
                    <field id='52' value='9A3F21C7B45E0D18'/>
                  </isomsg></send>
                  </oops>
                </log>
                <log realm="r" at="2026-11-20T08:16:01.000"><info/></log>

                """,
            query: "SELECT reason, text FROM rejects",
            expected: [
                [
                    "malformed log element: mismatched </oops>",
                    """
                    <log realm="r" at="2026-11-20T08:16:00.210">
                      <send><isomsg>
                        <field id="2" value="411111******1111"/>
                        <field id="35" value="[removed]"/>
                        <field id="45">[removed]</field>
                        <field id='52' value='[removed]'/>
                      </isomsg></send>
                      </oops>
                    </log>
                    """,
                ]
            ],
            secrets: [TestCards.visa16, TestCards.discover16, TestCards.amex15, "25121010000012345678", "DOE/JANE", "9A3F21C7B45E0D18"]),
        CardPlace(
            name: "acquirer element names: a skipped child's name and a mismatched end tag in the reason", fileName: "a.xml",
            content: """
                <log realm="r" at="2026-11-20T08:16:00.210">
                  <x\(TestCards.visa16)>skipped</x\(TestCards.visa16)>
                </log>
                <log realm="r" at="2026-11-20T08:16:01.000">
                  <send></y\(TestCards.amex15)>
                </log>

                """,
            query: "SELECT name FROM file_counts WHERE name LIKE 'skipped:%' OR name LIKE 'reject:%' ORDER BY name",
            expected: [["reject:malformed log element: mismatched </y378282*****0005>"], ["skipped:x411111******1111"]],
            secrets: [TestCards.visa16, TestCards.amex15]),
        CardPlace(
            name: "inventory cells (tid and mid excepted) and a rejected row", fileName: "inventory.csv",
            content: """
                tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware
                20481234,\(TestCards.visa16),PAX \(TestCards.visa13),\(TestCards.amex15),official,agent \(TestCards.discover16),standard,,\(TestCards.unionpay19),,
                20481235,,PAX,A920,\(TestCards.visa13),,standard,,,,

                """,
            query: """
                SELECT i.mid, b.value, m.value, a.value, r.value FROM inventory i JOIN dictionary b ON b.id = i.brand JOIN dictionary m ON m.id = i.model
                JOIN dictionary a ON a.id = i.agent JOIN dictionary r ON r.id = i.region
                UNION ALL SELECT 'reject', reason, text, NULL, NULL FROM rejects
                """,
            expected: [
                [TestCards.visa16, "PAX 422222***2222", "378282*****0005", "agent 601100******9424", "622848*********0018"],
                ["reject", "bad channel", "20481235,,PAX,A920,422222***2222,,standard,,,,", nil, nil],
            ],
            secrets: [TestCards.visa13, TestCards.amex15, TestCards.discover16, TestCards.unionpay19]),
        CardPlace(
            name: "catalogue cells", fileName: "codes.csv",
            content: "code,meaning,scope\n\(TestCards.visa13),card \(TestCards.visa16),\(TestCards.amex15)\n",
            query: "SELECT code, meaning, scope FROM catalogue_entries", expected: [["422222***2222", "card 411111******1111", "378282*****0005"]],
            secrets: [TestCards.visa13, TestCards.visa16, TestCards.amex15]),
    ]
}

@Suite("Card data, place by place", .serialized)
struct CardDataTests {
    @Test("a card number is stored masked where its value goes", arguments: CardPlace.all)
    func masked(place: CardPlace) throws {
        let scratch = Scratch("card-" + place.name)
        try scratch.write(place.fileName, place.content)
        let report = try scratch.ingest()
        #expect(report.files.allSatisfy { $0.status == .ok }, "\(report.files.map { $0.detail ?? "" })")
        #expect(report.files.reduce(0) { $0 + $1.maskedPANs } > 0)
        #expect(try scratch.query(place.query) == place.expected)
        var bytes = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] {
            bytes.append(FileManager.default.contents(atPath: scratch.db + suffix) ?? Data())
        }
        #expect(bytes.count > 4096)
        for secret in place.secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the database files")
        }
    }

    @Test("numbers that fail Luhn, and fields whose meaning rules out a card number, are kept as written")
    func keptAsWritten() throws {
        let scratch = Scratch()
        let ts = CardPlace.ts
        try scratch.write(
            "a.log",
            """
            \(ts) ev=error err=E msg="ref 4111111111111112 and 62284804025648900181 and 601100099013942"
            ts=2026-11-20T08:16:03.000+08:00 tid=\(TestCards.visa16) ev=txn type=sale stan=000123 batch=000042 amt=4111111111111111 cur=156 lat_ms=6011000990139424 rc=00 disp=approved

            """)
        try scratch.write(
            "b.xml",
            """
            <log realm="r" at="2026-11-20T08:16:00.210">
              <send><isomsg direction="outgoing">
                <field id="0" value="0210"/>
                <field id="4" value="\(TestCards.visa16)"/>
                <field id="11" value="000123"/>
                <field id="12" value="\(TestCards.visa13)"/>
                <field id="37" value="\(TestCards.discover16)"/>
                <field id="41" value="\(TestCards.visa16)"/>
                <field id="42" value="\(TestCards.amex15)"/>
              </isomsg></send>
            </log>

            """)
        let report = try scratch.ingest()
        #expect(report.files.map(\.maskedPANs) == [0, 0])
        // 16 digits failing Luhn, 20 digits (too long to be a card number), 15 digits failing Luhn.
        #expect(try scratch.query("SELECT message FROM terminal_errors") == [["ref 4111111111111112 and 62284804025648900181 and 601100099013942"]])
        #expect(
            try scratch.query("SELECT tid, stan, amount, latency_ms FROM transactions") == [
                [TestCards.visa16, "000123", TestCards.visa16, TestCards.discover16]
            ])
        #expect(
            try scratch.query(
                "SELECT m.amount, m.stan_text, m.local_time, m.rrn, t.value, d.value FROM acquirer_msgs m JOIN dictionary t ON t.id = m.tid JOIN dictionary d ON d.id = m.mid"
            ) == [
                [TestCards.visa16, "000123", TestCards.visa13, TestCards.discover16, TestCards.visa16, TestCards.amex15]
            ])
    }
}
