import POSFormats
import Testing

/// Parses one line with a fresh parser (offset +08:00) and returns the result and the parser's counts.
private func parse(_ line: String, offset: Int = 480) -> (TerminalLineResult, TerminalLogStatistics) {
    var parser = TerminalLogParser(defaultOffsetMinutes: offset)
    var copy = line
    let result = copy.withUTF8 { parser.parse(line: UnsafeRawBufferPointer($0), number: 7) }
    return (result, parser.statistics)
}

private func transaction(_ line: String) throws -> TerminalTransaction {
    guard case .record(.transaction(let txn)) = parse(line).0 else {
        Issue.record("not a transaction: \(parse(line).0)")
        throw CancellationError()
    }
    return txn
}

@Suite("Terminal event log (logfmt), formats.md §1")
struct TerminalLogTests {
    @Test("the spec's txn line is read field by field")
    func specTransaction() throws {
        let txn = try transaction(
            "ts=2026-11-20T08:16:02.500+08:00 tid=20481234 ev=txn type=sale stan=000123 batch=000042 amt=1250 cur=156 rc=P1 disp=unknown lat_ms=2310 entry=chip pan=622848******1234"
        )
        #expect(txn.header.line == 7)
        #expect(txn.header.tid == "20481234")
        // 2026-11-20T00:16:02.500Z
        #expect(txn.header.time == LoggedTime(utcMilliseconds: 1_795_133_762_500, offsetMinutes: 480))
        #expect(txn.type == "sale")
        #expect(txn.stan == 123)
        #expect(txn.batch == 42)
        #expect(txn.amount == 1250)
        #expect(txn.currency == 156)
        #expect(txn.responseCode == "P1")
        #expect(txn.display == "unknown")
        #expect(txn.latencyMs == 2310)
        #expect(txn.entry == "chip")
        #expect(txn.maskedPAN == "622848******1234")
    }

    @Test("a UTF-8 byte order mark before the first line is not part of its first key; later it is text")
    func byteOrderMark() {
        let line = "\u{FEFF}ts=2026-11-20T08:16:02.500+08:00 tid=20481234 ev=txn type=sale stan=000123 amt=1250 cur=156 rc=00 disp=approved"
        func result(number: Int) -> TerminalLineResult {
            var parser = TerminalLogParser(defaultOffsetMinutes: 480)
            var copy = line
            return copy.withUTF8 { parser.parse(line: UnsafeRawBufferPointer($0), number: number) }
        }
        guard case .record(.transaction(let txn)) = result(number: 1) else {
            Issue.record("line 1 with a BOM: \(result(number: 1))")
            return
        }
        #expect(txn.header.tid == "20481234" && txn.header.line == 1)
        if case .record = result(number: 2) { Issue.record("a BOM inside the file is not skipped") }
    }

    @Test("a timeout has no rc; an empty rc counts as none")
    func noResponseCode() throws {
        let timeout = try transaction(
            "ts=2026-11-20T08:17:11.000+08:00 tid=20481234 ev=txn type=sale stan=000124 batch=000042 amt=990 cur=156 disp=timeout lat_ms=60000 err=TCP_TIMEOUT"
        )
        #expect(timeout.responseCode == nil)
        #expect(timeout.error == "TCP_TIMEOUT")
        let empty = try transaction("ts=2026-11-20T08:17:11Z tid=1 ev=txn rc= disp=timeout")
        #expect(empty.responseCode == nil)
    }

    @Test(
        "every event kind of the spec",
        arguments: [
            "ts=2026-11-20T08:15:02.123+08:00 tid=20481234 ev=boot fw=A920_PayDroid_V02.3.15 app=epos-4.2.0 ctab=CUP2015",
            "ts=2026-11-20T08:15:40.010+08:00 tid=20481234 ev=net state=weak type=4g rssi=-109",
            "ts=2026-11-20T09:00:00.000+08:00 tid=20481234 ev=fw_update from=A920_PayDroid_V02.3.15 to=A920_PayDroid_V02.3.16 result=ok",
            "ts=2026-11-20T09:05:00.000+08:00 tid=20481234 ev=error err=MAC_FAIL msg=\"MAC校验失败\"",
            "ts=2026-11-20T09:06:00.000+08:00 tid=20481234 ev=signin rc=00",
        ])
    func eventKinds(line: String) {
        let (result, stats) = parse(line)
        switch result {
        case .record(.boot(let boot)):
            #expect(boot.firmware == "A920_PayDroid_V02.3.15" && boot.appVersion == "epos-4.2.0" && boot.codeTable == "CUP2015")
        case .record(.network(let net)):
            #expect(net.state == "weak" && net.networkType == "4g" && net.rssi == -109)
        case .record(.firmwareUpdate(let update)):
            #expect(update.from == "A920_PayDroid_V02.3.15" && update.to == "A920_PayDroid_V02.3.16" && update.succeeded)
        case .record(.error(let error)):
            #expect(error.error == "MAC_FAIL" && error.message == "MAC校验失败")
        case .record(.signIn(let signIn)):
            #expect(signIn.responseCode == "00")
        default:
            Issue.record("unexpected \(result)")
        }
        #expect(stats.unknownKeys.isEmpty)
    }

    @Test("keys in any order, quoted values with escapes, a bare key is true")
    func logfmtSyntax() throws {
        let (result, _) = parse(#"ev=error msg="he said \"no\" \\ done" tid=" 20481234 " ts=2026-11-20T01:00:00Z err"#)
        guard case .record(.error(let error)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(error.message == #"he said "no" \ done"#)
        #expect(error.error == "true")
        #expect(error.header.tid == "20481234")
        #expect(error.header.time == LoggedTime(utcMilliseconds: 1_795_136_400_000, offsetMinutes: 0))
    }

    @Test("a time without an offset takes the --terminal-tz offset")
    func defaultOffset() throws {
        let (result, _) = parse("ts=2026-11-20T08:00:00 tid=1 ev=signin", offset: -180)
        guard case .record(.signIn(let s)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(
            s.header.time
                == LoggedTime(
                    utcMilliseconds: Timestamps.parseRFC3339("2026-11-20T11:00:00Z", defaultOffsetMinutes: 0)!.utcMilliseconds, offsetMinutes: -180))
    }

    @Test("--terminal-tz naming a tz database zone: times without an offset take the offset in force then")
    func namedZone() throws {
        var parser = TerminalLogParser(defaultZone: try #require(JVMTimeZone(option: "America/Chicago")))
        var times: [LoggedTime] = []
        for line in [
            "ts=2025-07-01T12:00:00 tid=1 ev=signin", "ts=2025-12-01T12:00:00 tid=1 ev=signin", "ts=2025-12-01T12:00:00+08:00 tid=1 ev=signin",
        ] {
            var copy = line
            let result = copy.withUTF8 { parser.parse(line: UnsafeRawBufferPointer($0), number: 1) }
            guard case .record(.signIn(let s)) = result else {
                Issue.record("\(result)")
                return
            }
            times.append(s.header.time)
        }
        // Instants computed with Python's zoneinfo; a written offset still wins.
        #expect(
            times == [
                LoggedTime(utcMilliseconds: 1_751_389_200_000, offsetMinutes: -300),
                LoggedTime(utcMilliseconds: 1_764_612_000_000, offsetMinutes: -360),
                LoggedTime(utcMilliseconds: 1_764_561_600_000, offsetMinutes: 480),
            ])
    }

    @Test(
        "lines that are rejected, with their reason",
        arguments: [
            ("ts=2026-11-20T08:00:00Z tid=1 ev=error msg=\"open", "not logfmt: unterminated quoted value"),
            ("ts=2026-11-20T08:00:00Z =x tid=1 ev=boot", "not logfmt: = with no key"),
            ("tid=1 ev=boot", "missing key ts"),
            ("ts=2026-11-20T08:00:00Z ev=boot", "missing key tid"),
            ("ts=2026-11-20T08:00:00Z tid=1", "missing key ev"),
            ("ts=2026-13-45T08:00:00Z tid=1 ev=boot", "bad ts"),
            ("ts=yesterday tid=1 ev=boot", "bad ts"),
            ("ts=2026-11-20T08:00:00Z tid=12345678901234567 ev=boot", "bad tid"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=txn amt=12.50", "bad integer amt"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=txn cur=CNY", "bad integer cur"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=txn lat_ms=fast", "bad integer lat_ms"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=txn stan=12A", "bad digits stan"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=txn batch=-1", "bad digits batch"),
            ("ts=2026-11-20T08:00:00Z tid=1 ev=net rssi=-10x", "bad integer rssi"),
            ("this is not logfmt \"at all", "not logfmt: quote in a key"),
        ])
    func rejects(line: String, reason: String) {
        let (result, _) = parse(line)
        guard case .rejected(let rejection) = result else {
            Issue.record("accepted: \(line)")
            return
        }
        #expect(rejection.reason == reason)
        #expect(rejection.line == 7)
        #expect(rejection.text == line)
    }

    @Test("a free-text line without ts is rejected as missing ts")
    func freeText() {
        let (result, _) = parse("hello world")
        guard case .rejected(let rejection) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(rejection.reason == "missing key ts")
    }

    @Test("other ev values are counted as ignored, never rejected")
    func ignoredEvent() {
        let (result, stats) = parse("ts=2026-11-20T08:00:00Z tid=1 ev=heartbeat battery=80")
        #expect(result == .record(.ignored(event: "heartbeat", line: 7)))
        #expect(stats.ignoredEvents == ["heartbeat": 1])
    }

    @Test("unknown keys and keys of other events are counted, the line is kept")
    func unknownKeys() throws {
        let (result, stats) = parse("ts=2026-11-20T08:00:00Z tid=1 ev=txn stan=000001 fw=X battery=80 battery=81")
        guard case .record(.transaction) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(stats.unknownKeys == ["fw": 1, "battery": 2])
    }

    @Test("blank lines are neither records nor rejects")
    func blank() {
        let (result, stats) = parse("   ")
        #expect(result == .blank)
        #expect(stats.blankLines == 1)
    }

    @Test("full card numbers are masked in pan, other values, keys and rejected lines")
    func masking() throws {
        // 6228480402564890018 and 4111111111111111 pass Luhn; 6228480402564890019 does not.
        let (result, stats) = parse(
            "ts=2026-11-20T08:00:00Z tid=1 ev=txn stan=000001 pan=6228480402564890018 err=\"card 4111111111111111 refused\" k4111111111111111=1 reason=6228480402564890019"
        )
        guard case .record(.transaction(let txn)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(txn.maskedPAN == "622848*********0018")
        #expect(txn.error == "card 411111******1111 refused")
        #expect(txn.reason == "6228480402564890019")
        #expect(stats.unknownKeys == ["k411111******1111": 1])
        #expect(stats.maskedPANs == 3)
        let (rejected, rejectStats) = parse("ts=bad tid=1 ev=txn pan=4111111111111111")
        guard case .rejected(let rejection) = rejected else {
            Issue.record("\(rejected)")
            return
        }
        #expect(rejection.text == "ts=bad tid=1 ev=txn pan=411111******1111")
        #expect(rejectStats.maskedPANs == 1)
    }

    @Test("tid, stan, batch, amt and lat_ms are never masked, even when Luhn-valid")
    func exemptFields() throws {
        let txn = try transaction("ts=2026-11-20T08:00:00Z tid=4111111111111111 ev=txn amt=4111111111111111 lat_ms=4111111111111111")
        #expect(txn.header.tid == "4111111111111111")
        #expect(txn.amount == 4_111_111_111_111_111)
        #expect(txn.latencyMs == 4_111_111_111_111_111)
    }

    @Test("invalid UTF-8 is replaced and counted, never rejected")
    func invalidUTF8() throws {
        var bytes = Array("ts=2026-11-20T08:00:00Z tid=1 ev=error msg=".utf8)
        bytes += [0xC9, 0xCC, 0xBB, 0xA7]  // "商户" in GBK
        var parser = TerminalLogParser(defaultOffsetMinutes: 480)
        let result = bytes.withUnsafeBytes { parser.parse(line: $0, number: 1) }
        guard case .record(.error(let error)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(error.message?.contains("\u{FFFD}") == true)
        #expect(parser.statistics.invalidUTF8 >= 2)
    }
}
