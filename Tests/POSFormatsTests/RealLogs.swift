// Verbatim jPOS log records from public repositories. docs/notes-real-logs.md is the index of the
// corpus they were cut from: each project's original path, commit, jPOS version and forms. The
// forms themselves, and how posrca reads each, are in docs/formats.md §2.
// Each record is a few lines cut whole from a real q2.log; none of the repositories has a
// licence file, so only these short excerpts are quoted, no whole file is copied. The lines
// are kept byte for byte (tabs, trailing spaces, non-ASCII, control bytes) as string literals.

import Testing

/// A few lines of a real jPOS log and where they come from.
struct RealLog: Sendable, CustomTestStringConvertible {
    /// `owner/repo path:first-last` (lines of the corpus file).
    let source: String
    let text: String
    var testDescription: String { source }
}

/// The records the tests quote.
enum RealLogs {
    /// Maulid-Abdullahi/jpos-demo, corpus file `Maulid-Abdullahi__jpos-demo/q2.log` lines 246–248.
    static let queueClosedSpace = RealLog(
        source: "Maulid-Abdullahi/jpos-demo q2.log lines 246-248 (commit 1873c2f)",
        text: [
            "<log realm=\"xml-server-8000.pool\" at=\"2019-09-03T11:29:39.234\">",
            "  <queue closed/>",
            "</log>",
        ].joined(separator: "\n"))

    /// didikhari/nacadev-jpos-ee, corpus file `didikhari__nacadev-jpos-ee/q2.log` lines 323–325.
    static let queueClosedElement = RealLog(
        source: "didikhari/nacadev-jpos-ee q2.log lines 323-325 (commit 5f199e9)",
        text: [
            "<log realm=\"simulator_10000.pool\" at=\"2024-02-10T21:03:12.063537\" lifespan=\"1ms\">",
            "  <queue-closed/>",
            "</log>",
        ].joined(separator: "\n"))

    /// alfarioekaputra/jposclient, corpus file `alfarioekaputra__jposclient/q2.log` lines 345–347.
    static let customTestElement = RealLog(
        source: "alfarioekaputra/jposclient q2.log lines 345-347 (commit 8f6f92a)",
        text: [
            "<log realm=\"ServerISO.pool\" at=\"2018-05-29T14:58:08.435\">",
            "  <Test/>",
            "</log>",
        ].joined(separator: "\n"))

    /// AliAbidy/jPOS-template, corpus file `AliAbidy__jPOS-template/q2.log` lines 122–126.
    static let stderrText = RealLog(
        source: "AliAbidy/jPOS-template q2.log lines 122-126 (commit faff1d7)",
        text: [
            "<log realm=\"stderr\" at=\"2023-03-09T02:29:13.085512\" lifespan=\"500ms\">",
            "    SLF4J: Failed to load class \"org.slf4j.impl.StaticLoggerBinder\".",
            "    SLF4J: Defaulting to no-operation (NOP) logger implementation",
            "    SLF4J: See http://www.slf4j.org/codes.html#StaticLoggerBinder for further details.",
            "</log>",
        ].joined(separator: "\n"))

    /// lovisgod/IsoServerTest, corpus file `lovisgod__IsoServerTest/q2.log` lines 3–5.
    static let rotateLogListenerText = RealLog(
        source: "lovisgod/IsoServerTest q2.log lines 3-5 (commit 0b24275)",
        text: [
            "<log realm=\"rotate-log-listener\" at=\"2024-06-27T00:48:18.687368\">",
            "   maxage feature is disabled.",
            "</log>",
        ].joined(separator: "\n"))

    /// Omulosi/rafikibora-gateway, corpus file `Omulosi__rafikibora-gateway/q2.log` lines 50–87.
    static let systemMonitor200 = RealLog(
        source: "Omulosi/rafikibora-gateway q2.log lines 50-87 (commit 03d56e9)",
        text: [
            "<log realm=\"org.jpos.q2.qbean.SystemMonitor\" at=\"Thu Oct 08 17:14:13.031 EAT 2020\">",
            "  <info>",
            "               OS: Linux",
            "             host: schrodinger/127.0.1.1",
            "          version: 2.0.0 (be6e219)",
            "         instance: b726aeba-aa47-4606-953a-e09153207858",
            "           uptime: 00:00:07.313",
            "       processors: 4",
            "           drift : 0",
            "    memory(t/u/f): 60/16/43",
            "          threads: 8",
            "            Thread[Reference Handler,10,system]",
            "            Thread[Finalizer,8,system]",
            "            Thread[Signal Dispatcher,9,system]",
            "            Thread[Attach Listener,9,system]",
            "            Thread[Monitor Ctrl-Break,5,main]",
            "            Thread[Q2-b726aeba-aa47-4606-953a-e09153207858,5,main]",
            "            Thread[DestroyJavaVM,5,main]",
            "            Thread[pool-1-thread-1,5,main]",
            "            Thread[Timer-0,5,main]",
            "            Thread[Thread-2,5,main]",
            "            Thread[SystemMonitor,5,main]",
            "            Thread[PooledThread-0,5,ThreadPool-0-1]",
            "            Thread[Common-Cleaner,8,InnocuousThreadGroup]",
            "         encoding: UTF-8",
            "    name-registrar:",
            "      tspace:default: org.jpos.space.TSpace",
            "        <keycount>-1</keycount>",
            "        <gcinfo>0,0</gcinfo>",
            "",
            "      server.server_incoming: org.jpos.iso.ISOServer",
            "        connected=0, rx=0, tx=0, last=0",
            "      logger.Q2: org.jpos.util.Logger",
            "      logger.: org.jpos.util.Logger",
            "      logger.Q2.buffered: org.jpos.util.BufferedLogListener",
            "      server_incoming: org.jpos.q2.iso.QServer",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/q2.log` lines 115–155.
    static let systemMonitor168 = RealLog(
        source: "Hairi81/HTest q2.log lines 115-155 (commit e8778ae)",
        text: [
            "<log realm=\"org.jpos.q2.qbean.SystemMonitor\" at=\"Fri Mar 11 22:04:47 ICT 2011.934\">",
            "  <info>",
            "    <release>1.6.8 $Revision: 2936 $</release>",
            "    <memory>",
            "       freeMemory=9972992",
            "      totalMemory=16318464",
            "      inUseMemory=6345472",
            "    </memory>",
            "    <threads>",
            "            delay=0 ms",
            "          threads=21",
            "            Thread[Reference Handler,10,system]",
            "            Thread[Finalizer,8,system]",
            "            Thread[Signal Dispatcher,9,system]",
            "            Thread[Attach Listener,5,system]",
            "            Thread[Thread-0,5,main]",
            "            Thread[DestroyJavaVM,5,main]",
            "            Thread[Timer-0,5,main]",
            "            Thread[Timer-1,5,main]",
            "            Thread[btpool0-0,5,main]",
            "            Thread[btpool0-1,5,main]",
            "            Thread[btpool0-2,5,main]",
            "            Thread[btpool0-3,5,main]",
            "            Thread[btpool0-4,5,main]",
            "            Thread[btpool0-5,5,main]",
            "            Thread[btpool0-6,5,main]",
            "            Thread[btpool0-7 - Acceptor1 SelectChannelConnector@0.0.0.0:9090,5,main]",
            "            Thread[btpool0-8,5,main]",
            "            Thread[btpool0-9 - Acceptor0 SelectChannelConnector@0.0.0.0:9090,5,main]",
            "            Thread[Timer-2,5,main]",
            "            Thread[Timer-3,5,main]",
            "            Thread[Store default Spool Thread,5,main]",
            "            Thread[Thread-17,5,main]",
            "            Thread[Timer-4,5,main]",
            "            Thread[Timer-5,5,main]",
            "            Thread[SystemMonitor,5,main]",
            "    </threads>",
            "    --- name-registrar ---",
            "      logger.Q2: org.jpos.util.Logger",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// AliAbidy/jPOS-template, corpus file `AliAbidy__jPOS-template/q2.log` lines 216–218.
    static let emptyReceiveAtShutdown = RealLog(
        source: "AliAbidy/jPOS-template q2.log lines 216-218 (commit faff1d7)",
        text: [
            "<log realm=\"xml-server-8000/127.0.0.1:38748\" at=\"2023-03-09T02:29:45.101537\" lifespan=\"22512ms\">",
            "  <receive/>",
            "</log>",
        ].joined(separator: "\n"))

    /// wisnubimantoro/bbw-backend-test, corpus file `wisnubimantoro__bbw-backend-test/q2.log` lines 172–195.
    static let stdoutWithEscapes = RealLog(
        source: "wisnubimantoro/bbw-backend-test q2.log lines 172-195 (commit e308ecb)",
        text: [
            "<log realm=\"stdout\" at=\"2021-02-17T20:10:56.338263800\" lifespan=\"502ms\">",
            "    ",
            "",
            "      .   ____          _            __ _ _",
            "",
            "     /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
            "",
            "    ( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
            "",
            "     \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
            "",
            "      '  |____| .__|_| |_|_| |_\\__, | / / / /",
            "",
            "     =========|_|==============|___/=/_/_/_/",
            "",
            "    \u{1B}[32m :: Spring Boot :: \u{1B}[39m              \u{1B}[2m (v2.4.2)\u{1B}[0;39m",
            "",
            "    ",
            "",
            "    \u{1B}[2m2021-02-17 20:10:55.940\u{1B}[0;39m \u{1B}[32m INFO\u{1B}[0;39m \u{1B}[35m12180\u{1B}[0;39m \u{1B}[2m---\u{1B}[0;39m \u{1B}[2m[           main]\u{1B}[0;39m \u{1B}[36mcom.bbw.apiva.ApiVaApplication          \u{1B}[0;39m \u{1B}[2m:\u{1B}[0;39m Starting ApiVaApplication using Java 11.0.6 on WSNBMNTRs with PID 12180 (C:\\Users\\Phoon\\Desktop\\BBW\\api-va\\target\\classes started by Phoon in C:\\Users\\Phoon\\Desktop\\BBW\\api-va)",
            "",
            "    \u{1B}[2m2021-02-17 20:10:55.944\u{1B}[0;39m \u{1B}[32m INFO\u{1B}[0;39m \u{1B}[35m12180\u{1B}[0;39m \u{1B}[2m---\u{1B}[0;39m \u{1B}[2m[           main]\u{1B}[0;39m \u{1B}[36mcom.bbw.apiva.ApiVaApplication          \u{1B}[0;39m \u{1B}[2m:\u{1B}[0;39m No active profile set, falling back to default profiles: default",
            "",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/sampleclient1.log` lines 3–7.
    static let connect1x = RealLog(
        source: "Hairi81/HTest sampleclient1.log lines 3-7 (commit e8778ae)",
        text: [
            "<log realm=\"channel/127.0.0.1:3456\" at=\"Fri Mar 11 22:05:56 ICT 2011.678\" lifespan=\"612ms\">",
            "  <connect>",
            "    localhost:3456",
            "  </connect>",
            "</log>",
        ].joined(separator: "\n"))

    /// dans5200/merchant-management, corpus file `dans5200__merchant-management/q2.log` lines 8–14.
    static let connectTimedOut = RealLog(
        source: "dans5200/merchant-management q2.log lines 8-14 (commit 2e0e772)",
        text: [
            "<log realm=\"channel\" at=\"2020-01-13T17:22:59.304\" lifespan=\"21009ms\">",
            "  <connect>",
            "    Try 0 10.11.16.2:8846",
            "      Connection timed out: connect",
            "    Unable to connect",
            "  </connect>",
            "</log>",
        ].joined(separator: "\n"))

    /// alfarioekaputra/jposclient, corpus file `alfarioekaputra__jposclient/q2.log` lines 401–407.
    static let connectRefused = RealLog(
        source: "alfarioekaputra/jposclient q2.log lines 401-407 (commit 8f6f92a)",
        text: [
            "<log realm=\"channel/127.0.0.1:5010\" at=\"2018-05-29T15:57:03.473\">",
            "  <connect>",
            "    Try 0 localhost:5010",
            "      Connection refused (Connection refused)",
            "    Unable to connect",
            "  </connect>",
            "</log>",
        ].joined(separator: "\n"))

    /// lovisgod/IsoServerTest, corpus file `lovisgod__IsoServerTest/q2.log` lines 17–22.
    static let connectEstablished = RealLog(
        source: "lovisgod/IsoServerTest q2.log lines 17-22 (commit 0b24275)",
        text: [
            "<log realm=\"postbridge-channel/196.6.103.126:55533\" at=\"2024-06-27T00:49:47.117942\" lifespan=\"28ms\">",
            "  <connect>",
            "    Try 0 196.6.103.126:55533",
            "      Connection established to 196.6.103.126:55533",
            "  </connect>",
            "</log>",
        ].joined(separator: "\n"))

    /// alfarioekaputra/jposclient, corpus file `alfarioekaputra__jposclient/q2.log` lines 408–412.
    static let connectSecondsOnly = RealLog(
        source: "alfarioekaputra/jposclient q2.log lines 408-412 (commit 8f6f92a)",
        text: [
            "<log realm=\"channel/127.0.0.1:5010\" at=\"2018-05-29T16:14:31\">",
            "  <connect>",
            "    Try 0 localhost:5010",
            "  </connect>",
            "</log>",
        ].joined(separator: "\n"))

    /// didikhari/nacadev-jpos-ee, corpus file `didikhari__nacadev-jpos-ee/q2.log` lines 106–110.
    static let peerDisconnectEmpty = RealLog(
        source: "didikhari/nacadev-jpos-ee q2.log lines 106-110 (commit 5f199e9)",
        text: [
            "<log realm=\"channel/127.0.0.1:37882\" at=\"2024-02-10T20:58:30.528679253\" lifespan=\"210401ms\">",
            "  <receive>",
            "    <peer-disconnect/>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// didikhari/nacadev-jpos-ee, corpus file `didikhari__nacadev-jpos-ee/q2.log` lines 194–198.
    static let peerDisconnectReset = RealLog(
        source: "didikhari/nacadev-jpos-ee q2.log lines 194-198 (commit 5f199e9)",
        text: [
            "<log realm=\"channel/127.0.0.1:52236\" at=\"2024-02-10T21:02:39.790400336\" lifespan=\"45637ms\">",
            "  <receive>",
            "    <peer-disconnect>Connection reset</peer-disconnect>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/sampleserver1.log` lines 11–15.
    static let peerDisconnect1x = RealLog(
        source: "Hairi81/HTest sampleserver1.log lines 11-15 (commit e8778ae)",
        text: [
            "<log realm=\"channel/127.0.0.1:62833\" at=\"Fri Mar 11 22:06:06 ICT 2011.527\" lifespan=\"9822ms\">",
            "  <receive>",
            "    <peer-disconnect>Connection reset</peer-disconnect>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// elkhaddi/jposServer, corpus file `elkhaddi__jposServer/q2.log` lines 125–135.
    static let ioTimeoutThenReconnectWarning = RealLog(
        source: "elkhaddi/jposServer q2.log lines 125-135 (commit 1689289)",
        text: [
            "<log realm=\"channel/127.0.0.1:57454\" at=\"2023-03-07T09:23:19.372945100\" lifespan=\"300001ms\">",
            "  <receive>",
            "    <io-timeout/>",
            "  </receive>",
            "</log>",
            "<log realm=\"org.jpos.q2.iso.ChannelAdaptor\" at=\"2023-03-07T09:23:19.372945100\">",
            "  <warn>",
            "    channel-receiver-channel-receive",
            "    Read timeout / EOF - reconnecting",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// Maulid-Abdullahi/iso8583-gateway, corpus file `Maulid-Abdullahi__iso8583-gateway/q2.log` lines 73–122.
    static let unpackErrorDumpAndSessionError = RealLog(
        source: "Maulid-Abdullahi/iso8583-gateway q2.log lines 73-122 (commit 7001b67)",
        text: [
            "<log realm=\"server-8005/127.0.0.1:64244\" at=\"2019-09-08T14:06:37.568\" lifespan=\"3ms\">",
            "  <receive>",
            "    <iso-exception>",
            "      org.jpos.iso.IFA_LLLCHAR: Problem unpacking field 36 (org.jpos.iso.ISOException: Field length 493 too long. Max: 104) unpacking field=36, consumed=79",
            "      org.jpos.iso.ISOException: org.jpos.iso.IFA_LLLCHAR: Problem unpacking field 36 (org.jpos.iso.ISOException: Field length 493 too long. Max: 104) unpacking field=36, consumed=79",
            "\tat org.jpos.iso.ISOBasePackager.unpack(ISOBasePackager.java:340)",
            "\tat org.jpos.iso.ISOMsg.unpack(ISOMsg.java:468)",
            "\tat org.jpos.iso.BaseChannel.unpack(BaseChannel.java:968)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:738)",
            "\tat org.jpos.iso.ISOServer$Session.run(ISOServer.java:344)",
            "\tat org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:76)",
            "    </iso-exception>",
            "    --- data ---",
            "    0000  49 53 4F 35 31 30 30 30  30 30 30 31 32 30 30 F2  ISO510000001200.",
            "0010  34 C5 01 A8 E1 80 00 00  00 00 00 04 00 00 00 31  4..............1",
            "0020  36 31 32 33 34 35 36 39  38 34 32 35 36 39 38 37  6123456984256987",
            "0030  34 30 30 30 30 30 30 30  30 30 30 30 30 32 37 30  4000000000000270",
            "0040  30 30 30 30 39 30 38 30  32 30 35 31 37 38 39 34  0000908020517894",
            "0050  39 33 33 31 39 30 39 30  38 30 32 30 35 31 37 30  9331909080205170",
            "0060  30 31 31 30 39 30 38 35  33 31 33 32 31 30 31 30  0110908531321010",
            "0070  31 32 31 33 31 34 34 32  30 30 30 36 36 30 33 37  1213144200066037",
            "0080  39 39 30 36 36 32 38 30  32 33 33 37 31 32 33 34  9906628023371234",
            "0090  35 36 39 38 34 32 35 36  39 38 37 34 3D 30 30 31  569842569874=001",
            "00a0  31 35 30 36 31 34 39 38  39 31 37 39 30 30 30 30  1506149891790000",
            "00b0  31 30 30 30 30 30 30 31  38 32 38 36 39 36 37 37  1000000182869677",
            "00c0  37 37 37 37 37 20 20 20  37 37 37 37 37 37 37 37  77777   77777777",
            "00d0  37 36 30 30 34 30 20 20  20 20 20 20 20 20 20 20  760040          ",
            "00e0  20 20 20 20 20 20 20 20  20 20 20 20 20 20 20 20                  ",
            "00f0  20 20 20 3F 3F 3F 3F 3F  20 3F 3F 3F 3F 3F 30 33     ????? ?????03",
            "0100  32 50 31 33 30 30 36 38  39 34 39 33 33 44 30 31  2P13006894933D01",
            "0110  30 31 34 32 30 31 39 30  39 30 38 30 32 30 35 31  0142019090802051",
            "0120  37 33 36 34 31 32 33 31  30 30 31 31 38 35 37 36  7364123100118576",
            "0130  31 35                                             15",
            "",
            "  </receive>",
            "</log>",
            "<log realm=\"server-8005.server.session/127.0.0.1:64244\" at=\"2019-09-08T14:06:37.570\">",
            "  <session-error>",
            "    <iso-exception>",
            "      org.jpos.iso.IFA_LLLCHAR: Problem unpacking field 36 (org.jpos.iso.ISOException: Field length 493 too long. Max: 104) unpacking field=36, consumed=79",
            "      org.jpos.iso.ISOException: org.jpos.iso.IFA_LLLCHAR: Problem unpacking field 36 (org.jpos.iso.ISOException: Field length 493 too long. Max: 104) unpacking field=36, consumed=79",
            "\tat org.jpos.iso.ISOBasePackager.unpack(ISOBasePackager.java:340)",
            "\tat org.jpos.iso.ISOMsg.unpack(ISOMsg.java:468)",
            "\tat org.jpos.iso.BaseChannel.unpack(BaseChannel.java:968)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:738)",
            "\tat org.jpos.iso.ISOServer$Session.run(ISOServer.java:344)",
            "\tat org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:76)",
            "    </iso-exception>",
            "  </session-error>",
            "</log>",
        ].joined(separator: "\n"))

    /// Omulosi/rafikibora-gateway, corpus file `Omulosi__rafikibora-gateway/q2.log` lines 91–118.
    static let lengthErrorAndSessionError = RealLog(
        source: "Omulosi/rafikibora-gateway q2.log lines 91-118 (commit 03d56e9)",
        text: [
            "<log realm=\"channel/127.0.0.1:37676\" at=\"Thu Oct 08 17:18:19.650 EAT 2020\" lifespan=\"137073ms\">",
            "  <receive>",
            "    <iso-exception>",
            "      Invalid message length ",
            "01",
            "      org.jpos.iso.ISOException: Invalid message length ",
            "01",
            "\tat org.jpos.iso.channel.ASCIIChannel.getMessageLength(ASCIIChannel.java:100)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:699)",
            "\tat org.jpos.iso.ISOServer$Session.run(ISOServer.java:156)",
            "\tat org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:72)",
            "    </iso-exception>",
            "  </receive>",
            "</log>",
            "<log realm=\"server_incoming.server.session/127.0.0.1:37676\" at=\"Thu Oct 08 17:18:19.673 EAT 2020\">",
            "  <session-error>",
            "    <iso-exception>",
            "      Invalid message length ",
            "01",
            "      org.jpos.iso.ISOException: Invalid message length ",
            "01",
            "\tat org.jpos.iso.channel.ASCIIChannel.getMessageLength(ASCIIChannel.java:100)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:699)",
            "\tat org.jpos.iso.ISOServer$Session.run(ISOServer.java:156)",
            "\tat org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:72)",
            "    </iso-exception>",
            "  </session-error>",
            "</log>",
        ].joined(separator: "\n"))

    /// didikhari/nacadev-jpos-ee, corpus file `didikhari__nacadev-jpos-ee/q2.log` lines 117–146.
    static let dumpWithMarkup = RealLog(
        source: "didikhari/nacadev-jpos-ee q2.log lines 117-146 (commit 5f199e9)",
        text: [
            "<log realm=\"channel/127.0.0.1:43054\" at=\"2024-02-10T21:00:36.039925528\" lifespan=\"25584ms\">",
            "  <receive>",
            "    <iso-exception>",
            "      org.xml.sax.SAXParseException; lineNumber: 1; columnNumber: 1; Content is not allowed in prolog.",
            "      org.jpos.iso.ISOException: org.xml.sax.SAXParseException; lineNumber: 1; columnNumber: 1; Content is not allowed in prolog.",
            "\tat org.jpos.iso.packager.XMLPackager.unpack(XMLPackager.java:156)",
            "\tat org.jpos.iso.ISOMsg.unpack(ISOMsg.java:479)",
            "\tat org.jpos.iso.BaseChannel.unpack(BaseChannel.java:978)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:748)",
            "\tat org.jpos.iso.ISOServer$Session.run(ISOServer.java:344)",
            "\tat org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:76)",
            "    </iso-exception>",
            "    --- data ---",
            "    0000  63 61 74 20 3E 20 2F 64  65 76 2F 74 63 70 2F 31  cat > /dev/tcp/1",
            "0010  32 37 2E 30 2E 30 2E 31  2F 31 32 33 34 08 20 3C  27.0.0.1/1234. <",
            "0020  69 73 6F 6D 73 67 3E 20  20 3C 66 69 65 6C 64 20  isomsg>  <field ",
            "0030  69 64 3D 22 30 22 20 76  61 6C 75 65 3D 22 30 38  id=\"0\" value=\"08",
            "0040  30 30 22 20 2F 3E 20 20  3C 66 69 65 6C 64 20 69  00\" />  <field i",
            "0050  64 3D 22 33 22 20 76 61  6C 75 65 3D 22 30 30 30  d=\"3\" value=\"000",
            "0060  30 30 30 22 20 2F 3E 20  20 3C 66 69 65 6C 64 20  000\" />  <field ",
            "0070  69 64 3D 22 31 31 22 20  76 61 6C 75 65 3D 22 30  id=\"11\" value=\"0",
            "0080  30 30 30 30 31 22 20 2F  3E 20 20 3C 66 69 65 6C  00001\" />  <fiel",
            "0090  64 20 69 64 3D 22 34 31  22 20 76 61 6C 75 65 3D  d id=\"41\" value=",
            "00a0  22 30 30 30 30 30 30 30  31 22 20 2F 3E 20 20 3C  \"00000001\" />  <",
            "00b0  66 69 65 6C 64 20 69 64  3D 22 37 30 22 20 76 61  field id=\"70\" va",
            "00c0  6C 75 65 3D 22 39 30 31  22 20 2F 3E 20 20 3C 2F  lue=\"901\" />  </",
            "00d0  69 73 6F 6D 73 67 3E                              isomsg>",
            "",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/q2.log` lines 23–52.
    static let deployError1x = RealLog(
        source: "Hairi81/HTest q2.log lines 23-52 (commit e8778ae)",
        text: [
            "<log realm=\"Q2.system\" at=\"Fri Mar 11 22:04:42 ICT 2011.98\">",
            "  <warn>",
            "    deploy",
            "    <exception name=\"org/hibernate/HibernateException\">",
            "    java.lang.NoClassDefFoundError: org/hibernate/HibernateException",
            "\tat java.lang.Class.getDeclaredConstructors0(Native Method)",
            "\tat java.lang.Class.privateGetDeclaredConstructors(Unknown Source)",
            "\tat java.lang.Class.getConstructor0(Unknown Source)",
            "\tat java.lang.Class.getConstructor(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.findConstructor(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.instantiate(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.instantiate(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.instantiate(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.JmxMBeanServer.instantiate(Unknown Source)",
            "\tat org.jpos.q2.QFactory.instantiate(QFactory.java:68)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:422)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:255)",
            "\tat org.jpos.q2.Q2.run(Q2.java:164)",
            "\tat java.lang.Thread.run(Unknown Source)",
            "Caused by: java.lang.ClassNotFoundException: org.hibernate.HibernateException",
            "\tat java.net.URLClassLoader$1.run(Unknown Source)",
            "\tat java.security.AccessController.doPrivileged(Native Method)",
            "\tat java.net.URLClassLoader.findClass(Unknown Source)",
            "\tat java.lang.ClassLoader.loadClass(Unknown Source)",
            "\tat sun.misc.Launcher$AppClassLoader.loadClass(Unknown Source)",
            "\tat java.lang.ClassLoader.loadClass(Unknown Source)",
            "\t... 14 more",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// WuZhiCheng/jpos_test, corpus file `WuZhiCheng__jpos_test/q2.log` lines 46–72.
    static let deployError2010 = RealLog(
        source: "WuZhiCheng/jpos_test q2.log lines 46-72 (commit 2ea11bb)",
        text: [
            "<log realm=\"Q2.system\" at=\"2018-06-18T16:30:59.296\" lifespan=\"9ms\">",
            "  <info>",
            "    deploy: F:\\github\\jpos_test\\deploy\\01_groovy.xml",
            "    <exception name=\"The MBean class could not be loaded\">",
            "    javax.management.ReflectionException: The MBean class could not be loaded",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.loadClass(MBeanInstantiator.java:654)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.findClass(MBeanInstantiator.java:119)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.findClass(MBeanInstantiator.java:142)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.instantiate(MBeanInstantiator.java:618)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.instantiate(MBeanInstantiator.java:527)",
            "\tat com.sun.jmx.mbeanserver.JmxMBeanServer.instantiate(JmxMBeanServer.java:990)",
            "\tat org.jpos.q2.QFactory.instantiate(QFactory.java:78)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:530)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:343)",
            "\tat org.jpos.q2.Q2.run(Q2.java:221)",
            "\tat java.lang.Thread.run(Thread.java:745)",
            "Caused by: java.lang.ClassNotFoundException: com.tencrwin.groovy.GroovySupport",
            "\tat java.net.URLClassLoader.findClass(URLClassLoader.java:381)",
            "\tat java.lang.ClassLoader.loadClass(ClassLoader.java:424)",
            "\tat java.lang.ClassLoader.loadClass(ClassLoader.java:357)",
            "\tat java.lang.Class.forName0(Native Method)",
            "\tat java.lang.Class.forName(Class.java:348)",
            "\tat com.sun.jmx.mbeanserver.MBeanInstantiator.loadClass(MBeanInstantiator.java:649)",
            "\t... 10 more",
            "    </exception>",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// Maulid-Abdullahi/jpos-demo, corpus file `Maulid-Abdullahi__jpos-demo/q2.log` lines 204–235.
    static let deployError21 = RealLog(
        source: "Maulid-Abdullahi/jpos-demo q2.log lines 204-235 (commit 1873c2f)",
        text: [
            "<log realm=\"Q2.system\" at=\"2019-09-03T10:54:14.834\" lifespan=\"8ms\">",
            "  <info>",
            "    <exception name=\"Error on line 21 of document file:/D:/Projects/code-examples/jpos/jpos-demo-second/deploy/30_channel.xml: Premature end of file.\">",
            "    org.jdom2.input.JDOMParseException: Error on line 21 of document file:/D:/Projects/code-examples/jpos/jpos-demo-second/deploy/30_channel.xml: Premature end of file.",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:228)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:277)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:264)",
            "\tat org.jdom2.input.SAXBuilder.build(SAXBuilder.java:1116)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:545)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:374)",
            "\tat org.jpos.q2.Q2.run(Q2.java:252)",
            "\tat java.lang.Thread.run(Thread.java:748)",
            "Caused by: org.xml.sax.SAXParseException; systemId: file:/D:/Projects/code-examples/jpos/jpos-demo-second/deploy/30_channel.xml; lineNumber: 21; columnNumber: 1; Premature end of file.",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.createSAXParseException(ErrorHandlerWrapper.java:203)",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.fatalError(ErrorHandlerWrapper.java:177)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:400)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:327)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.reportFatalError(XMLScanner.java:1472)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentScannerImpl$PrologDriver.next(XMLDocumentScannerImpl.java:1014)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentScannerImpl.next(XMLDocumentScannerImpl.java:602)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLNSDocumentScannerImpl.next(XMLNSDocumentScannerImpl.java:112)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanDocument(XMLDocumentFragmentScannerImpl.java:505)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:841)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:770)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XMLParser.parse(XMLParser.java:141)",
            "\tat com.sun.org.apache.xerces.internal.parsers.AbstractSAXParser.parse(AbstractSAXParser.java:1213)",
            "\tat com.sun.org.apache.xerces.internal.jaxp.SAXParserImpl$JAXPSAXParser.parse(SAXParserImpl.java:643)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:217)",
            "\t... 7 more",
            "    </exception>",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// rcandiabepsa/jpos-gateway, corpus file `rcandiabepsa__jpos-gateway/q2.log` lines 112–145.
    static let deployErrorQuotesInName = RealLog(
        source: "rcandiabepsa/jpos-gateway q2.log lines 112-145 (commit 7dd6e4b)",
        text: [
            "<log realm=\"Q2.system\" at=\"2021-11-01T14:29:17.779054800\" lifespan=\"29ms\">",
            "  <info>",
            "    <exception name=\"Error on line 4 of document file:/C:/Desarrollo/jpos-2.1.1-SNAPSHOT/deploy/50_xml_server.xml: Element type \"channel\" must be followed by either attribute specifications, \">\" or \"/>\".\">",
            "    org.jdom2.input.JDOMParseException: Error on line 4 of document file:/C:/Desarrollo/jpos-2.1.1-SNAPSHOT/deploy/50_xml_server.xml: Element type \"channel\" must be followed by either attribute specifications, \">\" or \"/>\".",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:228)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:277)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:264)",
            "\tat org.jdom2.input.SAXBuilder.build(SAXBuilder.java:1116)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:550)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:379)",
            "\tat org.jpos.q2.Q2.run(Q2.java:257)",
            "\tat java.base/java.lang.Thread.run(Thread.java:834)",
            "Caused by: org.xml.sax.SAXParseException; systemId: file:/C:/Desarrollo/jpos-2.1.1-SNAPSHOT/deploy/50_xml_server.xml; lineNumber: 4; columnNumber: 76; Element type \"channel\" must be followed by either attribute specifications, \">\" or \"/>\".",
            "\tat java.xml/com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.createSAXParseException(ErrorHandlerWrapper.java:204)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.fatalError(ErrorHandlerWrapper.java:178)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:400)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:327)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLScanner.reportFatalError(XMLScanner.java:1471)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.seekCloseOfStartTag(XMLDocumentFragmentScannerImpl.java:1433)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLNSDocumentScannerImpl.scanStartElement(XMLNSDocumentScannerImpl.java:259)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl$FragmentContentDriver.next(XMLDocumentFragmentScannerImpl.java:2710)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLDocumentScannerImpl.next(XMLDocumentScannerImpl.java:605)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLNSDocumentScannerImpl.next(XMLNSDocumentScannerImpl.java:112)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanDocument(XMLDocumentFragmentScannerImpl.java:534)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:888)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:824)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.parsers.XMLParser.parse(XMLParser.java:141)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.parsers.AbstractSAXParser.parse(AbstractSAXParser.java:1216)",
            "\tat java.xml/com.sun.org.apache.xerces.internal.jaxp.SAXParserImpl$JAXPSAXParser.parse(SAXParserImpl.java:635)",
            "\tat org.jdom2.input.sax.SAXBuilderEngine.build(SAXBuilderEngine.java:217)",
            "\t... 7 more",
            "    </exception>",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// wilfred12/iso8583-netbeans, corpus file `wilfred12__iso8583-netbeans/q2.log` lines 13–66.
    static let deployErrorQuotesInName1x = RealLog(
        source: "wilfred12/iso8583-netbeans q2.log lines 13-66 (commit 8aa88fb)",
        text: [
            "<log realm=\"Q2.system\" at=\"Fri Aug 03 04:44:20 GMT 2012.427\">",
            "  <warn>",
            "    deploy",
            "    <exception name=\"Error on line 1 of document file:/C:/Users/phenom/Documents/NetBeansProjects/iso8583/deploy/11_serverport.xml: The processing instruction target matching \"[xX][mM][lL]\" is not allowed.\">",
            "    org.jdom.input.JDOMParseException: Error on line 1 of document file:/C:/Users/phenom/Documents/NetBeansProjects/iso8583/deploy/11_serverport.xml: The processing instruction target matching \"[xX][mM][lL]\" is not allowed.",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:465)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:810)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:789)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:419)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:255)",
            "\tat org.jpos.q2.Q2.run(Q2.java:164)",
            "\tat java.lang.Thread.run(Thread.java:595)",
            "Caused by: org.xml.sax.SAXParseException: The processing instruction target matching \"[xX][mM][lL]\" is not allowed.",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.createSAXParseException(ErrorHandlerWrapper.java:236)",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.fatalError(ErrorHandlerWrapper.java:215)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:386)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:316)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.reportFatalError(XMLScanner.java:1438)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.scanPIData(XMLScanner.java:689)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanPIData(XMLDocumentFragmentScannerImpl.java:750)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.scanPI(XMLScanner.java:664)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentScannerImpl$PrologDispatcher.dispatch(XMLDocumentScannerImpl.java:845)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanDocument(XMLDocumentFragmentScannerImpl.java:368)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:834)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:764)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XMLParser.parse(XMLParser.java:148)",
            "\tat com.sun.org.apache.xerces.internal.parsers.AbstractSAXParser.parse(AbstractSAXParser.java:1242)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:453)",
            "\t... 6 more",
            "Caused by: org.xml.sax.SAXParseException: The processing instruction target matching \"[xX][mM][lL]\" is not allowed.",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.createSAXParseException(ErrorHandlerWrapper.java:236)",
            "\tat com.sun.org.apache.xerces.internal.util.ErrorHandlerWrapper.fatalError(ErrorHandlerWrapper.java:215)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:386)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLErrorReporter.reportError(XMLErrorReporter.java:316)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.reportFatalError(XMLScanner.java:1438)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.scanPIData(XMLScanner.java:689)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanPIData(XMLDocumentFragmentScannerImpl.java:750)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLScanner.scanPI(XMLScanner.java:664)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentScannerImpl$PrologDispatcher.dispatch(XMLDocumentScannerImpl.java:845)",
            "\tat com.sun.org.apache.xerces.internal.impl.XMLDocumentFragmentScannerImpl.scanDocument(XMLDocumentFragmentScannerImpl.java:368)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:834)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XML11Configuration.parse(XML11Configuration.java:764)",
            "\tat com.sun.org.apache.xerces.internal.parsers.XMLParser.parse(XMLParser.java:148)",
            "\tat com.sun.org.apache.xerces.internal.parsers.AbstractSAXParser.parse(AbstractSAXParser.java:1242)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:453)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:810)",
            "\tat org.jdom.input.SAXBuilder.build(SAXBuilder.java:789)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:419)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:255)",
            "\tat org.jpos.q2.Q2.run(Q2.java:164)",
            "\tat java.lang.Thread.run(Thread.java:595)",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// Omulosi/rafikibora-gateway, corpus file `Omulosi__rafikibora-gateway/q2.log` lines 391–403.
    static let bindErrorInISOServer = RealLog(
        source: "Omulosi/rafikibora-gateway q2.log lines 391-403 (commit 03d56e9)",
        text: [
            "<log realm=\"server_incoming.server\" at=\"Fri Oct 09 11:24:04.069 EAT 2020\" lifespan=\"67ms\">",
            "  <iso-server>",
            "    <exception name=\"Address already in use (Bind failed)\">",
            "    java.net.BindException: Address already in use (Bind failed)",
            "\tat java.base/java.net.PlainSocketImpl.socketBind(Native Method)",
            "\tat java.base/java.net.AbstractPlainSocketImpl.bind(AbstractPlainSocketImpl.java:436)",
            "\tat java.base/java.net.ServerSocket.bind(ServerSocket.java:381)",
            "\tat org.jpos.iso.ISOServer.createServerSocket(ISOServer.java:304)",
            "\tat org.jpos.iso.ISOServer.run(ISOServer.java:325)",
            "\tat java.base/java.lang.Thread.run(Thread.java:834)",
            "    </exception>",
            "  </iso-server>",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/q2.log` lines 69–109.
    static let bindErrorJetty = RealLog(
        source: "Hairi81/HTest q2.log lines 69-109 (commit e8778ae)",
        text: [
            "<log realm=\"jetty\" at=\"Fri Mar 11 22:04:47 ICT 2011.775\">",
            "  <warn>",
            "    start",
            "    <exception name=\"Address already in use: JVM_Bind\">",
            "    java.net.BindException: Address already in use: JVM_Bind",
            "\tat java.net.PlainSocketImpl.socketBind(Native Method)",
            "\tat java.net.PlainSocketImpl.bind(Unknown Source)",
            "\tat java.net.ServerSocket.bind(Unknown Source)",
            "\tat java.net.ServerSocket.<init>(Unknown Source)",
            "\tat java.net.ServerSocket.<init>(Unknown Source)",
            "\tat javax.net.ssl.SSLServerSocket.<init>(Unknown Source)",
            "\tat com.sun.net.ssl.internal.ssl.SSLServerSocketImpl.<init>(Unknown Source)",
            "\tat com.sun.net.ssl.internal.ssl.SSLServerSocketFactoryImpl.createServerSocket(Unknown Source)",
            "\tat org.mortbay.jetty.security.SslSocketConnector.newServerSocket(SslSocketConnector.java:425)",
            "\tat org.mortbay.jetty.bio.SocketConnector.open(SocketConnector.java:73)",
            "\tat org.mortbay.jetty.AbstractConnector.doStart(AbstractConnector.java:283)",
            "\tat org.mortbay.jetty.bio.SocketConnector.doStart(SocketConnector.java:147)",
            "\tat org.mortbay.component.AbstractLifeCycle.start(AbstractLifeCycle.java:50)",
            "\tat org.mortbay.jetty.Server.doStart(Server.java:235)",
            "\tat org.mortbay.component.AbstractLifeCycle.start(AbstractLifeCycle.java:50)",
            "\tat org.jpos.q2.jetty.Jetty6.startService(Jetty6.java:42)",
            "\tat org.jpos.q2.QBeanSupport.start(QBeanSupport.java:111)",
            "\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
            "\tat sun.reflect.NativeMethodAccessorImpl.invoke(Unknown Source)",
            "\tat sun.reflect.DelegatingMethodAccessorImpl.invoke(Unknown Source)",
            "\tat java.lang.reflect.Method.invoke(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.StandardMBeanIntrospector.invokeM2(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.StandardMBeanIntrospector.invokeM2(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanIntrospector.invokeM(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.PerInterface.invoke(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.MBeanSupport.invoke(Unknown Source)",
            "\tat com.sun.jmx.interceptor.DefaultMBeanServerInterceptor.invoke(Unknown Source)",
            "\tat com.sun.jmx.mbeanserver.JmxMBeanServer.invoke(Unknown Source)",
            "\tat org.jpos.q2.QFactory.startQBean(QFactory.java:178)",
            "\tat org.jpos.q2.Q2.start(Q2.java:459)",
            "\tat org.jpos.q2.Q2.deploy(Q2.java:271)",
            "\tat org.jpos.q2.Q2.run(Q2.java:164)",
            "\tat java.lang.Thread.run(Unknown Source)",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// danilomauricio/authorizationSwitch, corpus file `danilomauricio__authorizationSwitch/q2.log` lines 298–310.
    static let txnmgrParticipantException = RealLog(
        source: "danilomauricio/authorizationSwitch q2.log lines 298-310 (commit 71551c7)",
        text: [
            "<log realm=\"txnmgr-main\" at=\"2022-07-13T22:19:49.803\">",
            "  <warn>",
            "    PREPARE: 1",
            "    <exception name=\"null\">",
            "    java.lang.NullPointerException",
            "\tat Service.IsoConductorParticipante.prepare(IsoConductorParticipante.java:24)",
            "\tat org.jpos.transaction.TransactionManager.prepare(TransactionManager.java:584)",
            "\tat org.jpos.transaction.TransactionManager.prepare(TransactionManager.java:650)",
            "\tat org.jpos.transaction.TransactionManager.run(TransactionManager.java:317)",
            "\tat java.lang.Thread.run(Thread.java:748)",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// Maulid-Abdullahi/jpos-demo, corpus file `Maulid-Abdullahi__jpos-demo/q2.log` lines 757–778.
    static let txnmgrCommit = RealLog(
        source: "Maulid-Abdullahi/jpos-demo q2.log lines 757-778 (commit 1873c2f)",
        text: [
            "<log realm=\"org.jpos.transaction.TransactionManager\" at=\"2019-09-07T15:06:43.725\" lifespan=\"3ms\">",
            "  <commit>",
            "    test-3:idle:1",
            "    <context>",
            "      CC_TR_REQUEST: ",
            "       <isomsg>",
            "         <!-- org.jpos.iso.packager.XMLPackager -->",
            "         <field id=\"0\" value=\"0800\"/>",
            "         <field id=\"4\" value=\"+989194018087\"/>",
            "         <field id=\"7\" value=\"alirezakhtm\"/>",
            "       </isomsg>",
            "      ",
            "      CC_ISO_SOURCE: org.jpos.iso.channel.ASCIIChannel@256824a6",
            "    </context>",
            "            prepare: com.khtm.demo.jposdemo04.jpos.transaction.JPOSTransaction PREPARED NO_JOIN",
            "     in-transit=0, head=2, tail=2, paused=0, outstanding=0, active-sessions=5/5, tps=0, peak=0, avg=0.00, elapsed=2ms",
            "    <profiler>",
            "      prepare: com.khtm.demo.jposdemo04.jpos.transaction.JPOSTransaction [1.2/1.2]",
            "      end [1.5/2.8]",
            "    </profiler>",
            "  </commit>",
            "</log>",
        ].joined(separator: "\n"))

    /// alfarioekaputra/jposclient, corpus file `alfarioekaputra__jposclient/q2.log` lines 322–334.
    static let channelAdaptorEOF = RealLog(
        source: "alfarioekaputra/jposclient q2.log lines 322-334 (commit 8f6f92a)",
        text: [
            "<log realm=\"org.jpos.q2.iso.ChannelAdaptor\" at=\"2018-05-29T14:58:05.078\">",
            "  <warn>",
            "    channel-receiver-jpos-client-receive",
            "    <exception name=\"null\">",
            "    java.io.EOFException",
            "\tat java.io.DataInputStream.readFully(DataInputStream.java:197)",
            "\tat org.jpos.iso.channel.ASCIIChannel.getMessageLength(ASCIIChannel.java:93)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:704)",
            "\tat org.jpos.q2.iso.ChannelAdaptor$Receiver.run(ChannelAdaptor.java:317)",
            "\tat java.lang.Thread.run(Thread.java:748)",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// dans5200/merchant-management, corpus file `dans5200__merchant-management/q2.log` lines 49–66.
    static let channelAdaptorReset = RealLog(
        source: "dans5200/merchant-management q2.log lines 49-66 (commit 2e0e772)",
        text: [
            "<log realm=\"org.jpos.q2.iso.ChannelAdaptor\" at=\"2020-01-14T11:36:29.698\">",
            "  <warn>",
            "    channel-receiver-vlink-receive",
            "    <exception name=\"Connection reset\">",
            "    java.net.SocketException: Connection reset",
            "\tat java.net.SocketInputStream.read(SocketInputStream.java:210)",
            "\tat java.net.SocketInputStream.read(SocketInputStream.java:141)",
            "\tat java.io.BufferedInputStream.fill(BufferedInputStream.java:246)",
            "\tat java.io.BufferedInputStream.read1(BufferedInputStream.java:286)",
            "\tat java.io.BufferedInputStream.read(BufferedInputStream.java:345)",
            "\tat java.io.DataInputStream.readFully(DataInputStream.java:195)",
            "\tat org.jpos.iso.channel.ASCIIChannel.getMessageLength(ASCIIChannel.java:111)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:704)",
            "\tat org.jpos.q2.iso.ChannelAdaptor$Receiver.run(ChannelAdaptor.java:318)",
            "\tat java.lang.Thread.run(Thread.java:748)",
            "    </exception>",
            "  </warn>",
            "</log>",
        ].joined(separator: "\n"))

    /// danilomauricio/authorizationSwitch, corpus file `danilomauricio__authorizationSwitch/q2.log` lines 74–101.
    static let protectedPAN = RealLog(
        source: "danilomauricio/authorizationSwitch q2.log lines 74-101 (commit 71551c7)",
        text: [
            "<log realm=\"adq-channel-05/127.0.0.1:49468\" at=\"2022-07-13T20:41:19.152\" lifespan=\"7ms\">",
            "  <receive>",
            "    <isomsg direction=\"incoming\">",
            "      <!-- org.jpos.iso.packager.GenericPackager[cfg/base1_2010.xml] -->",
            "      <header>16010200A90000000000000000000000000000000000</header>",
            "      <field id=\"0\" value=\"0100\"/>",
            "      <field id=\"2\" value=\"447398______1381\"/>",
            "      <field id=\"3\" value=\"010000\"/>",
            "      <field id=\"4\" value=\"000000002500\"/>",
            "      <field id=\"7\" value=\"1307234118\"/>",
            "      <field id=\"11\" value=\"383709\"/>",
            "      <field id=\"14\" value=\"____\"/>",
            "      <field id=\"18\" value=\"9701\"/>",
            "      <field id=\"19\" value=\"076\"/>",
            "      <field id=\"22\" value=\"0010\"/>",
            "      <field id=\"25\" value=\"00\"/>",
            "      <field id=\"32\" value=\"419895\"/>",
            "      <field id=\"37\" value=\"915718000906\"/>",
            "      <field id=\"41\" value=\"TERMID01\"/>",
            "      <field id=\"42\" value=\"CARTAO TESTE   \"/>",
            "      <field id=\"43\" value=\"APAG*Car3efourApag       S3o Pa3lo    BR\"/>",
            "      <field id=\"49\" value=\"986\"/>",
            "      <field id=\"60\" value=\"0900080005\" type=\"binary\"/>",
            "      <field id=\"62\" value=\"0000000000000000\" type=\"binary\"/>",
            "      <field id=\"63\" value=\"8000000002\" type=\"binary\"/>",
            "    </isomsg>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// danilomauricio/authorizationSwitch, corpus file `danilomauricio__authorizationSwitch/q2.log` lines 472–495.
    static let protectedPAN17 = RealLog(
        source: "danilomauricio/authorizationSwitch q2.log lines 472-495 (commit 71551c7)",
        text: [
            "<log realm=\"adq-channel-05/127.0.0.1:61215\" at=\"2022-07-15T10:17:29.680\" lifespan=\"26ms\">",
            "  <receive>",
            "    <isomsg direction=\"incoming\">",
            "      <!-- org.jpos.iso.packager.GenericPackager[cfg/base1_2010.xml] -->",
            "      <header>160102007F0000000000000000000000000000000000</header>",
            "      <field id=\"0\" value=\"0200\"/>",
            "      <field id=\"2\" value=\"000000_______3949\"/>",
            "      <field id=\"3\" value=\"003800\"/>",
            "      <field id=\"4\" value=\"000000060000\"/>",
            "      <field id=\"7\" value=\"0328145157\"/>",
            "      <field id=\"11\" value=\"336115\"/>",
            "      <field id=\"12\" value=\"115156\"/>",
            "      <field id=\"13\" value=\"0311\"/>",
            "      <field id=\"22\" value=\"0011\"/>",
            "      <field id=\"32\" value=\"00000210000\"/>",
            "      <field id=\"41\" value=\"00998502\"/>",
            "      <field id=\"42\" value=\"000000000031132\"/>",
            "      <field id=\"48\" value=\"006006090010\"/>",
            "      <field id=\"57\" value=\"040\"/>",
            "      <field id=\"61\" value=\"88865459\"/>",
            "      <field id=\"67\" value=\"04\"/>",
            "    </isomsg>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// danilomauricio/authorizationSwitch, corpus file `danilomauricio__authorizationSwitch/q2.log` lines 8–65.
    static let systemMonitor213 = RealLog(
        source: "danilomauricio/authorizationSwitch q2.log lines 8-65 (commit 71551c7)",
        text: [
            "<log realm=\"org.jpos.q2.qbean.SystemMonitor\" at=\"2022-07-13T20:41:00.632\">",
            "  <info>",
            "               OS: Mac OS X (10.16)",
            "             Java: 1.8.0_202 (Oracle Corporation) AES-secure",
            "      environment: default",
            "     process name: 1649@MacBook-Air-de-Danilo.local",
            "        user name: danilomauriciodasilva",
            "             host: MacBook-Air-de-Danilo.local/127.0.0.1",
            "              cwd: /Users/danilomauriciodasilva/Documents/Desenvolvimento/SimuladorTransacoes",
            "       free space: 142,8 GiB",
            "          version: 2.1.3 (95b8dce)",
            "         instance: 3cf45eb0-bfff-4dd2-b104-1ec0a63c2b62",
            "           uptime: 00:00:02.031 (2,934082)",
            "       processors: 8",
            "           drift : 0",
            "    memory(t/u/f): 155/28/127",
            "         encoding: UTF-8",
            "         timezone: America/Sao_Paulo (Horário de Brasília) -03:00",
            "    watch service: sun.nio.fs.PollingWatchService",
            "             rule: TransitionRule[Overlap -02:00 to -03:00, SUNDAY on or after FEBRUARY 15 at 00:00 WALL, standard offset -03:00]",
            "             rule: TransitionRule[Gap -03:00 to -02:00, SUNDAY on or after NOVEMBER 1 at 00:00 WALL, standard offset -03:00]",
            "       transition: 2022-11-06T03:00:00Z (2022-11-06T01:00-02:00[America/Sao_Paulo])",
            "            clock: 1657755660 2022-07-13T23:41:00.638Z",
            "     thread count: 13",
            "     peak threads: 13",
            "     user threads: 9",
            "            Thread[Reference Handler,10,system]",
            "            Thread[Finalizer,8,system]",
            "            Thread[Signal Dispatcher,9,system]",
            "            Thread[Attach Listener,9,system]",
            "            Thread[Monitor Ctrl-Break,5,main]",
            "            Thread[pool-1-thread-1,5,main]",
            "            Thread[Q2-3cf45eb0-bfff-4dd2-b104-1ec0a63c2b62,5,main]",
            "            Thread[DestroyJavaVM,5,main]",
            "            Thread[Thread-1,5,main]",
            "            Thread[Timer-0,5,main]",
            "            Thread[SystemMonitor,5,main]",
            "            Thread[Thread-4,5,main]",
            "            Thread[server-ThreadPool.PooledThread-0,5,server-ThreadPool-0]",
            "    name-registrar:",
            "      tspace:default: org.jpos.space.TSpace",
            "        <key count='1'>$TAILLOCK.219737643</key>",
            "         key-count: 1",
            "            gcinfo: 0,0",
            "      Q2: org.jpos.q2.Q2",
            "      server: org.jpos.q2.iso.QServer",
            "      server.server: org.jpos.iso.ISOServer",
            "        connected=0, rx=0, tx=0, last=0",
            "      logger.Q2: org.jpos.util.Logger",
            "      logger.: org.jpos.util.Logger",
            "      logger.Q2.buffered: org.jpos.util.BufferedLogListener",
            "      tspace:org.jpos.transaction.TransactionManager@d18ee2b: org.jpos.space.TSpace",
            "        <key count='1'>$TAIL</key>",
            "        <key count='1'>$HEAD</key>",
            "         key-count: 2",
            "            gcinfo: 0,0",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// Maulid-Abdullahi/jpos-demo, corpus file `Maulid-Abdullahi__jpos-demo/q2.log` lines 566–578.
    static let clearPAN = RealLog(
        source: "Maulid-Abdullahi/jpos-demo q2.log lines 566-578 (commit 1873c2f)",
        text: [
            "<log realm=\"xml-server-8000/127.0.0.1:50035\" at=\"2019-09-03T16:07:04.867\" lifespan=\"2ms\">",
            "  <receive>",
            "    <isomsg direction=\"incoming\">",
            "      <!-- org.jpos.iso.packager.XMLPackager -->",
            "      <field id=\"0\" value=\"0200\"/>",
            "      <field id=\"2\" value=\"5421287475388412\"/>",
            "      <field id=\"3\" value=\"000000\"/>",
            "      <field id=\"4\" value=\"400.0\"/>",
            "      <field id=\"7\" value=\"0716070815\"/>",
            "      <field id=\"11\" value=\"844515\"/>",
            "    </isomsg>",
            "  </receive>",
            "</log>",
        ].joined(separator: "\n"))

    /// Omulosi/rafikibora-gateway, corpus file `Omulosi__rafikibora-gateway/q2.log` lines 534–547.
    static let characterReference = RealLog(
        source: "Omulosi/rafikibora-gateway q2.log lines 534-547 (commit 03d56e9)",
        text: [
            "<log realm=\"channel/127.0.0.1:32932\" at=\"Fri Oct 09 11:43:22.482 EAT 2020\" lifespan=\"4ms\">",
            "  <send>",
            "    <isomsg direction=\"outgoing\">",
            "      <!-- org.jpos.iso.packager.GenericPackager[cfg/altopackager.xml] -->",
            "      <field id=\"0\" value=\"0810\"/>",
            "      <field id=\"2\" value=\"123\"/>",
            "      <field id=\"7\" value=\"1115144400\"/>",
            "      <field id=\"11\" value=\"123456\"/>",
            "      <field id=\"33\" value=\"123\"/>",
            "      <field id=\"39\" value=\"00\"/>",
            "      <field id=\"72\" value=\"301&#13;\"/>",
            "    </isomsg>",
            "  </send>",
            "</log>",
        ].joined(separator: "\n"))

    /// Hairi81/HTest, corpus file `Hairi81__HTest/q2.log` lines 8–12.
    static let formA1x = RealLog(
        source: "Hairi81/HTest q2.log lines 8-12 (commit e8778ae)",
        text: [
            "<log realm=\"Q2.system\" at=\"Fri Mar 11 22:04:42 ICT 2011.9\">",
            "  <info>",
            "    new classloader [22c95b] has been created",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// grupo-zeus/Proyecto1, corpus file `grupo-zeus__Proyecto1/q2.log` lines 1–29.
    static let formA196 = RealLog(
        source: "grupo-zeus/Proyecto1 q2.log lines 1-29 (commit 3e2f8f5)",
        text: [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<logger class=\"org.jpos.util.DailyLogListener\">",
            "<log realm=\"Q2.system\" at=\"Thu Jul 10 18:46:37 CDT 2014.421\" lifespan=\"10ms\">",
            "  <info>",
            "    Q2 started, deployDir=C:\\Users\\PMP06008\\IdeaProjects\\Proyecto1\\deploy",
            "    ",
            "    jPOS 1.9.6 master/a594ca9 (2014-03-22 16:30:04 UYT)",
            "",
            "-----BEGIN PGP SIGNED MESSAGE-----",
            "Hash: SHA1",
            "",
            "jPOS Community Edition, licensed under GNU AGPL v3.0.",
            "This software is probably not suitable for commercial use.",
            "Please see http://jpos.org/license for details.",
            "",
            "-----BEGIN PGP SIGNATURE-----",
            "Version: GnuPG v1.4.9 (Darwin)",
            "",
            "iQEcBAEBAgAGBQJMolHDAAoJEOQyeO71nYtFv74H/3OgehDGEy1VXp2U3/GcAobg",
            "HH2eZjPUz53r38ARPiU3pzm9LwDa3WZgJJaa/b9VrJwKvbPwe9+0kY3gScDE1skT",
            "ladHt+KHHmGQArEutkzHlpZa73RbroFEIa1qmN6MaDEHGoxZqDh0Sv2cpvOaVYGO",
            "St8ZaddLBPC17bSjAPWo9sWbvL7FgPFOHhnPmbeux8SLtnfWxXWsgo5hLBanKmO1",
            "1z+I/w/6DL6ZYZU6bAJUk+eyVVImJqw0x3IEElI07Nh9MC6BA4iJ77ejobj8HI2r",
            "q9ulRPEqH9NR79619lNKVUkE206dVlXo7xHmJS1QZy5v/GT66xBxyDVfTduPFXk=",
            "=oP+v",
            "-----END PGP SIGNATURE-----",
            "",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))

    /// singamasae/jPosServer, corpus file `singamasae__jPosServer/q2.log` lines 1–29.
    static let formB200 = RealLog(
        source: "singamasae/jPosServer q2.log lines 1-29 (commit 585949d)",
        text: [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<logger class=\"org.jpos.util.DailyLogListener\">",
            "<log realm=\"Q2.system\" at=\"Wed Nov 16 16:57:37.106 SGT 2016\" lifespan=\"4348ms\">",
            "  <info>",
            "    Q2 started, deployDir=E:\\Andara Code Repositories\\jPosServer\\deploy",
            "    ",
            "    jPOS 2.0.0 master/be6e219 (2015-02-25 22:04:06 UYST) ",
            "",
            "-----BEGIN PGP SIGNED MESSAGE-----",
            "Hash: SHA1",
            "",
            "jPOS Community Edition, licensed under GNU AGPL v3.0.",
            "This software is probably not suitable for commercial use.",
            "Please see http://jpos.org/license for details.",
            "",
            "-----BEGIN PGP SIGNATURE-----",
            "Version: GnuPG v1.4.9 (Darwin)",
            "",
            "iQEcBAEBAgAGBQJMolHDAAoJEOQyeO71nYtFv74H/3OgehDGEy1VXp2U3/GcAobg",
            "HH2eZjPUz53r38ARPiU3pzm9LwDa3WZgJJaa/b9VrJwKvbPwe9+0kY3gScDE1skT",
            "ladHt+KHHmGQArEutkzHlpZa73RbroFEIa1qmN6MaDEHGoxZqDh0Sv2cpvOaVYGO",
            "St8ZaddLBPC17bSjAPWo9sWbvL7FgPFOHhnPmbeux8SLtnfWxXWsgo5hLBanKmO1",
            "1z+I/w/6DL6ZYZU6bAJUk+eyVVImJqw0x3IEElI07Nh9MC6BA4iJ77ejobj8HI2r",
            "q9ulRPEqH9NR79619lNKVUkE206dVlXo7xHmJS1QZy5v/GT66xBxyDVfTduPFXk=",
            "=oP+v",
            "-----END PGP SIGNATURE-----",
            "",
            "  </info>",
            "</log>",
        ].joined(separator: "\n"))
}
