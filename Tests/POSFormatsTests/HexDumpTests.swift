import Foundation
import POSFormats
import Testing

/// A hex dump as jPOS's `ISOUtil.hexdump` writes it (jPOS 1.x to 3.x, the same code), after the
/// indentation `LogEvent.dump` puts before its first line. Written again here from the Java
/// source, independently of the code under test.
func jposHexdump(_ bytes: [UInt8], indent: String = "    ") -> String {
    func offset(_ i: Int) -> String {
        let text = String((i >> 4) << 4, radix: 16)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
    var out = ""
    var hex = ""
    var ascii = ""
    for (i, b) in bytes.enumerated() {
        hex += String(format: "%02X ", b)
        ascii += b >= 32 && b < 127 ? String(UnicodeScalar(b)) : "."
        switch i % 16 {
        case 7: hex += " "
        case 15:
            out += offset(i) + "  " + hex + " " + ascii + "\n"
            hex = ""
            ascii = ""
        default: break
        }
    }
    if !hex.isEmpty {
        hex += String(repeating: " ", count: 49 - hex.count)
        out += offset(bytes.count) + "  " + hex + " " + ascii + "\n"
    }
    return indent + out
}

/// The dumps in `text` read back: the bytes of each line's hex column, and its ASCII column.
func readHexdumps(_ text: String) -> (bytes: [UInt8], ascii: String) {
    var bytes: [UInt8] = []
    var ascii = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard let space = trimmed.firstIndex(of: " "), trimmed.distance(from: trimmed.startIndex, to: space) == 4,
            trimmed[trimmed.startIndex..<space].allSatisfy(\.isHexDigit)
        else { continue }
        let rest = Array(trimmed[space...].utf8)
        guard rest.count >= 51, rest[0] == 0x20, rest[1] == 0x20 else { continue }
        let hexArea = String(decoding: rest[2..<51], as: UTF8.self)
        var count = 0
        for pair in hexArea.split(separator: " ") {
            guard pair.count == 2, let b = UInt8(pair, radix: 16) else { continue }
            bytes.append(b)
            count += 1
        }
        ascii += String(decoding: rest[52..<min(rest.count, 52 + count)], as: UTF8.self)
    }
    return (bytes, ascii)
}

/// Every way a card number can be read out of dump bytes: as ASCII, as BCD nibbles, or in the
/// ASCII column.
private func spells(_ pan: String, in dump: (bytes: [UInt8], ascii: String)) -> Bool {
    let ascii = String(decoding: dump.bytes, as: UTF8.self)
    let nibbles = dump.bytes.map { String(format: "%02X", $0) }.joined()
    return ascii.contains(pan) || nibbles.contains(pan) || dump.ascii.contains(pan)
}

private func masked(_ text: String) -> (text: String, count: Int) {
    var bytes = Array(text.utf8)
    let count = bytes.withUnsafeMutableBytes { CardNumbers.maskHexDumps($0) }
    return (String(decoding: bytes, as: UTF8.self), count)
}

@Suite("Hex dumps: card data masked in both columns")
struct HexDumpTests {
    static let pan = "4111111111111111"

    @Test("the test renderer writes what jPOS wrote (didikhari/nacadev-jpos-ee q2.log:133-146)")
    func rendererMatchesJPOS() {
        let data = Array("cat > /dev/tcp/127.0.0.1/1234".utf8) + [0x08] + Array(" <isomsg>".utf8)
        let dump = jposHexdump(data)
        #expect(dump.hasPrefix("    0000  63 61 74 20 3E 20 2F 64  65 76 2F 74 63 70 2F 31  cat > /dev/tcp/1\n"))
        #expect(dump.contains("\n0010  32 37 2E 30 2E 30 2E 31  2F 31 32 33 34 08 20 3C  27.0.0.1/1234. <\n"))
        #expect(readHexdumps(dump).bytes == data)
    }

    @Test("an ASCII card number split across two lines is masked in both columns")
    func asciiAcrossLines() {
        // MTI, an LLVAR length and the PAN starting at byte 10: it ends on the second line.
        let data = Array("0200xxxx16\(Self.pan)000000000000012500".utf8)
        let dump = jposHexdump(data)
        #expect(spells(Self.pan, in: readHexdumps(dump)))
        let result = masked("--- data ---\n" + dump)
        let back = readHexdumps(result.text)
        #expect(result.count == 1)
        #expect(!spells(Self.pan, in: back))
        #expect(!spells("41111111111", in: back))
        // The run of digits (length, PAN, processing code, amount) keeps its first 6 and last 4.
        #expect(String(decoding: back.bytes, as: UTF8.self).hasPrefix("0200xxxx164111**"))
        #expect(String(decoding: back.bytes, as: UTF8.self).hasSuffix("2500"))
        // The ASCII column is the masked bytes.
        #expect(back.ascii == String(decoding: back.bytes.map { $0 >= 32 && $0 < 127 ? $0 : 0x2E }, as: UTF8.self))
    }

    @Test("a track-2 equivalent (PAN=YYMM…, hex 3D) loses every digit")
    func asciiTrack2() {
        let track2 = "\(Self.pan)=25121010000012300000"
        let dump = jposHexdump(Array("35\(track2)?".utf8))
        let back = readHexdumps(masked(dump).text)
        #expect(!spells(Self.pan, in: back))
        #expect(!spells("2512101", in: back))
        // The separator stays, as in text: the 19 digits before it and all after it go.
        #expect(String(decoding: back.bytes, as: UTF8.self) == "******************=********************?")
    }

    @Test("a BCD card number after its length byte is masked, keeping 6 and 4 digits")
    func bcdPAN() {
        // Binary message: MTI 0200 (BCD), bitmap, then field 2 as LLNUM BCD: 0x16 + 8 bytes.
        let data: [UInt8] = [
            0x02, 0x00, 0x72, 0x3A, 0x44, 0x81, 0x08, 0xE0, 0x80, 0x00, 0x16,
            0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0xA0, 0xB0,
        ]
        let dump = jposHexdump(data)
        #expect(spells(Self.pan, in: readHexdumps(dump)))
        let back = readHexdumps(masked(dump).text)
        #expect(!spells(Self.pan, in: back))
        #expect(!spells("4111111111", in: back))
        #expect(back.bytes.prefix(10) == data.prefix(10))
    }

    @Test("a BCD track 2 with its D separator is masked on both sides")
    func bcdTrack2() {
        // 37 digits: PAN, D, expiry 2512, service code 101, discretionary data; F padding.
        let nibbles = "\(Self.pan)D25121010000012300000F"
        var data: [UInt8] = [0x37]
        var index = nibbles.startIndex
        while index < nibbles.endIndex {
            let next = nibbles.index(index, offsetBy: 2)
            data.append(UInt8(nibbles[index..<next], radix: 16)!)
            index = next
        }
        let back = readHexdumps(masked(jposHexdump(data)).text)
        #expect(!spells(Self.pan, in: back))
        #expect(!spells("2512101", in: back))
    }

    @Test(
        "text that is not a dump is left alone",
        arguments: [
            "0000 63 61 74 20 3E 20 2F 64  65 76 2F 74 63 70 2F 31  cat > /dev/tcp/1",
            "<field id=\"2\" value=\"4111111111111111\"/>",
            "000  63 61 74",
            "at org.jpos.iso.BaseChannel.receive(BaseChannel.java:748)",
        ])
    func notDumps(_ text: String) {
        #expect(masked(text).text == text)
    }

    @Test("ASCII text around a track 2 is not read as BCD: only the track's digits go")
    func asciiTextAroundTrack2() {
        let data = Array("0200 pay 00000001250 t2 \(Self.pan)=2512101 end".utf8)
        let back = readHexdumps(masked(jposHexdump(data)).text)
        #expect(String(decoding: back.bytes, as: UTF8.self) == "0200 pay 00000001250 t2 ****************=******* end")
    }

    @Test("a dump's digits that make no card number stay as written")
    func shortRunsStay() {
        let dump = jposHexdump(Array("0800 stan 000123 rrn 632011234567".utf8))
        #expect(masked(dump).text == dump)
    }
}
