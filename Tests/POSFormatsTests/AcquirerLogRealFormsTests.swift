import Foundation
import POSFormats
import Testing

// The forms real jPOS installs write (RealLogs.swift quotes them, with their sources), read as
// issue 9 asks: benign elements read or skipped, never rejected; link-level elements, and only
// they, as link events, each once; application exceptions skipped and counted by name.

@Suite("Real jPOS logs: benign elements are read or skipped, never rejected")
struct RealBenignElementTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let log: RealLog
        let skipped: [String: Int]
        var testDescription: String { log.source }
    }

    @Test(
        "benign records",
        arguments: [
            // jPOS 2.0–2.1.1 at every clean shutdown, a name without a value.
            Case(log: RealLogs.queueClosedSpace, skipped: ["queue": 1]),
            // jPOS 2.1.3 and later.
            Case(log: RealLogs.queueClosedElement, skipped: ["queue-closed": 1]),
            Case(log: RealLogs.customTestElement, skipped: ["Test": 1]),
            Case(log: RealLogs.stderrText, skipped: ["#text": 1]),
            Case(log: RealLogs.rotateLogListenerText, skipped: ["#text": 1]),
            // SystemMonitor of jPOS 2.0.0 (`<keycount>`, `<gcinfo>` in its text) and 1.6.8 (`<release>`…).
            Case(log: RealLogs.systemMonitor200, skipped: ["info": 1]),
            Case(log: RealLogs.systemMonitor168, skipped: ["info": 1]),
            Case(log: RealLogs.systemMonitor213, skipped: ["info": 1]),
            // A blocked receive closed at shutdown.
            Case(log: RealLogs.emptyReceiveAtShutdown, skipped: ["receive": 1]),
            // Spring Boot's banner with ANSI escapes (ESC bytes) in a stdout record.
            Case(log: RealLogs.stdoutWithEscapes, skipped: ["#text": 1]),
            Case(log: RealLogs.txnmgrCommit, skipped: ["commit": 1]),
        ])
    func benign(_ c: Case) {
        let result = scan(c.log.text)
        #expect(result.rejections == [])
        #expect(result.linkEvents.isEmpty)
        #expect(result.messages.isEmpty)
        #expect(result.statistics.skipped == c.skipped)
        #expect(result.statistics.logElements == 1)
    }
}

@Suite("Real jPOS logs: link events")
struct RealLinkEventTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let log: RealLog
        let kinds: [String]
        let details: [String?]
        let skipped: [String: Int]
        var testDescription: String { log.source }
    }

    @Test(
        "link-level records, each once",
        arguments: [
            Case(log: RealLogs.connect1x, kinds: ["connect"], details: ["localhost:3456"], skipped: [:]),
            Case(
                log: RealLogs.connectTimedOut, kinds: ["connect"],
                details: ["Try 0 10.11.16.2:8846 Connection timed out: connect Unable to connect"], skipped: [:]),
            Case(
                log: RealLogs.connectRefused, kinds: ["connect"],
                details: ["Try 0 localhost:5010 Connection refused (Connection refused) Unable to connect"], skipped: [:]),
            Case(
                log: RealLogs.connectEstablished, kinds: ["connect"],
                details: ["Try 0 196.6.103.126:55533 Connection established to 196.6.103.126:55533"], skipped: [:]),
            Case(log: RealLogs.connectSecondsOnly, kinds: ["connect"], details: ["Try 0 localhost:5010"], skipped: [:]),
            Case(log: RealLogs.peerDisconnectEmpty, kinds: ["peer-disconnect"], details: [nil], skipped: [:]),
            Case(log: RealLogs.peerDisconnectReset, kinds: ["peer-disconnect"], details: ["Connection reset"], skipped: [:]),
            Case(log: RealLogs.peerDisconnect1x, kinds: ["peer-disconnect"], details: ["Connection reset"], skipped: [:]),
            // The channel's io-timeout; ChannelAdaptor's `<warn>` about it is not a second one.
            Case(log: RealLogs.ioTimeoutThenReconnectWarning, kinds: ["io-timeout"], details: [nil], skipped: ["warn": 1]),
            // ISOServer's `<session-error>` repeats the channel's exception for the same peer: once.
            Case(
                log: RealLogs.unpackErrorDumpAndSessionError, kinds: ["iso-exception"],
                details: [
                    "org.jpos.iso.IFA_LLLCHAR: Problem unpacking field 36 (org.jpos.iso.ISOException: Field length 493 too long. "
                        + "Max: 104) unpacking field=36, consumed=79 org.jpos.iso.ISOException: org.jpos.iso.IFA_LLL"
                ], skipped: ["session-error": 1]),
            Case(
                log: RealLogs.lengthErrorAndSessionError, kinds: ["iso-exception"],
                details: [
                    "Invalid message length 01 org.jpos.iso.ISOException: Invalid message length 01 at "
                        + "org.jpos.iso.channel.ASCIIChannel.getMessageLength(ASCIIChannel.java:100) at org.jpos.iso.BaseChannel.receive(Ba"
                ], skipped: ["session-error": 1]),
            // A hex dump whose ASCII column holds `<isomsg>` and `<field …`: text, not markup.
            Case(
                log: RealLogs.dumpWithMarkup, kinds: ["iso-exception"],
                details: [
                    "org.xml.sax.SAXParseException; lineNumber: 1; columnNumber: 1; Content is not allowed in prolog. "
                        + "org.jpos.iso.ISOException: org.xml.sax.SAXParseException; lineNumber: 1; columnNumber: 1; Content is"
                ], skipped: [:]),
        ])
    func linkEvents(_ c: Case) {
        let result = scan(c.log.text)
        #expect(result.rejections == [])
        #expect(result.linkEvents.map(\.kind) == c.kinds)
        // Details are cut at 200 characters: the start is compared.
        #expect(result.linkEvents.count == c.details.count)
        for (event, detail) in zip(result.linkEvents, c.details) {
            if let detail {
                #expect(event.detail?.hasPrefix(detail) == true, "\(event.detail ?? "nil")")
                #expect((event.detail?.count ?? 0) <= 200)
            } else {
                #expect(event.detail == nil)
            }
        }
        #expect(result.statistics.skipped == c.skipped)
    }

    @Test("the dump of an unpack error, cut with its element, is stored masked in both columns")
    func dumpInRejectedElement() throws {
        // Maulid-Abdullahi/iso8583-gateway: a 1200 whose field 2 is 1234569842569874 and whose
        // field 35 is 1234569842569874=00115061498917900001…; cut before `</receive>`.
        let lines = RealLogs.unpackErrorDumpAndSessionError.text.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines.prefix(33).joined(separator: "\n")
        let original = readHexdumps(cut)
        #expect(String(decoding: original.bytes, as: UTF8.self).contains("1234569842569874=0011506"))
        let result = scan(cut)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.reason == "log element not closed at end of file")
        let stored = readHexdumps(rejection.text)
        #expect(stored.bytes.count == original.bytes.count)
        let text = String(decoding: stored.bytes, as: UTF8.self)
        for secret in ["1234569842569874", "4569842569874", "=0011506", "0011506149891790000"] {
            #expect(!text.contains(secret), "\(secret) in the hex column")
            #expect(!stored.ascii.contains(secret), "\(secret) in the ASCII column")
            #expect(!rejection.text.contains(secret), "\(secret) in the text")
        }
        // What is not card data stays: the MTI and the header.
        #expect(text.hasPrefix("ISO5100000012"))
        #expect(result.statistics.maskedPANs >= 2)
    }
}

@Suite("Real jPOS logs: application exceptions are no link events")
struct RealApplicationExceptionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let log: RealLog
        let skipped: [String: Int]
        var testDescription: String { log.source }
    }

    @Test(
        "deploy, bind, transaction-manager and ChannelAdaptor exceptions",
        arguments: [
            Case(log: RealLogs.deployError1x, skipped: ["warn": 1]),
            Case(log: RealLogs.deployError2010, skipped: ["info": 1]),
            Case(log: RealLogs.deployError21, skipped: ["info": 1]),
            // `name="…"` holding unescaped quotes, `>` and `/>`.
            Case(log: RealLogs.deployErrorQuotesInName, skipped: ["info": 1]),
            Case(log: RealLogs.deployErrorQuotesInName1x, skipped: ["warn": 1]),
            Case(log: RealLogs.bindErrorInISOServer, skipped: ["iso-server": 1]),
            Case(log: RealLogs.bindErrorJetty, skipped: ["warn": 1]),
            Case(log: RealLogs.txnmgrParticipantException, skipped: ["warn": 1]),
            // ChannelAdaptor's receiver repeats the channel's EOF and reset as `<warn>`.
            Case(log: RealLogs.channelAdaptorEOF, skipped: ["warn": 1]),
            Case(log: RealLogs.channelAdaptorReset, skipped: ["warn": 1]),
        ])
    func application(_ c: Case) {
        let result = scan(c.log.text)
        #expect(result.rejections == [])
        #expect(result.linkEvents.isEmpty)
        #expect(result.statistics.skipped == c.skipped)
    }
}

@Suite("Real jPOS logs: values, card numbers and times")
struct RealValueTests {
    @Test("masked PANs as jPOS's protected listener writes them keep 6 and 4")
    func protectedPANs() {
        #expect(scan(RealLogs.protectedPAN.text).messages.map(\.maskedPAN) == ["447398______1381"])
        #expect(scan(RealLogs.protectedPAN17.text).messages.map(\.maskedPAN) == ["000000_______3949"])
        #expect(scan(RealLogs.clearPAN.text).messages.map(\.maskedPAN) == ["542128******8412"])
    }

    @Test("a character reference in a value (&#13;)")
    func characterReference() {
        let result = scan(RealLogs.characterReference.text)
        #expect(result.rejections == [])
        #expect(result.messages.count == 1)
    }

    @Test("SystemMonitor's zone reads the message logged after it (jPOS 2.1.3, Brazil)")
    func zoneFromSystemMonitor() {
        let result = scan(RealLogs.systemMonitor213.text + "\n" + RealLogs.protectedPAN.text, offset: 480)
        // 2022-07-13T20:41:19.152-03:00 is 23:41:19.152Z.
        #expect(result.messages.map(\.time) == [LoggedTime(utcMilliseconds: 1_657_755_679_152, offsetMinutes: -180)])
        #expect(result.statistics.jvmTimeZone == "America/Sao_Paulo")
        #expect(result.statistics.zoneWarning == nil)
    }

    @Test("at forms A (jPOS 1.x) and B (2.0.0) carry their zone")
    func zonesInAt() {
        // Fri Mar 11 22:04:42 ICT 2011.9 is 15:04:42.009Z.
        #expect(
            scan(RealLogs.formA1x.text + "\n<log realm=\"channel/1.2.3.4:5\" at=\"Fri Mar 11 22:04:42 ICT 2011.9\"><io-timeout/></log>")
                .linkEvents.map(\.time) == [LoggedTime(utcMilliseconds: 1_299_855_882_009, offsetMinutes: 420)])
        for log in [RealLogs.formA1x, RealLogs.formA196, RealLogs.formB200] {
            let result = scan(log.text)
            #expect(result.rejections == [], "\(log.source)")
            #expect(result.statistics.assumedZoneTimes == 0, "\(log.source)")
        }
    }
}
