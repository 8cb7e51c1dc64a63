import Foundation
import POSFormats
import POSSampleData
import Testing

@Suite("What the files hold")
struct FileFormatTests {
    let set = SharedSets.full

    @Test("Every gzip file but the truncated one decompresses with the system gzip, to the lines the truth counts")
    func gzipFilesDecompress() throws {
        for file in set.truth.files where file.path.hasSuffix(".gz") && !file.truncated {
            let lines = try set.lines(file.path)
            #expect(lines.count == file.lines, "\(file.path)")
        }
    }

    @Test("The truncated file fails gzip -t, and what it still holds is the truth's complete lines plus a partial one")
    func truncatedGzip() throws {
        let truncated = try #require(set.truth.files.first { $0.truncated })
        #expect(truncated.path == "terminal-chengdu-2026-11-22.log.gz")
        #expect(try runGzip(["-t", set.path(truncated.path)]).status != 0)
        let recovered = try runGzip(["-dc", set.path(truncated.path)]).output
        let recoverable = try #require(truncated.recoverableBytes)
        let partial = try #require(truncated.partialLineBytes)
        // GNU gzip holds back a few bytes that zlib's inflate gives; never a complete line.
        #expect(recovered.count <= recoverable && recovered.count > recoverable - partial)
        #expect(partial >= 64)
        let newlines = recovered.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        #expect(newlines == truncated.lines)
        #expect(truncated.transactions > 0)
    }

    @Test("The duplicate under resend/ has exactly the bytes of its original")
    func duplicate() throws {
        let copy = try #require(set.truth.files.first { $0.duplicateOf != nil })
        #expect(copy.path == "resend/terminal-beijing-2026-11-20.log.gz")
        let original = try #require(copy.duplicateOf)
        #expect(try set.bytes(copy.path) == set.bytes(original))
        #expect(set.truth.files.filter { $0.duplicateOf != nil }.count == 1)
    }

    @Test("Every terminal line the truth does not reject has ts, tid and ev, and its ts parses")
    func terminalLinesParse() throws {
        var checked = 0
        for file in set.terminalLogs {
            let rejected = Set(file.rejects.map(\.line))
            let lines = try set.lines(file.path).prefix(file.lines)
            var transactions = 0
            for (index, line) in lines.enumerated() where !rejected.contains(index + 1) {
                #expect(line.last == 0x0D ? file.crlf : !file.crlf, "\(file.path):\(index + 1) line end")
                let fields = try #require(logfmtFields(line), "\(file.path):\(index + 1)")
                let ts = try #require(fields["ts"], "\(file.path):\(index + 1)")
                #expect(Timestamps.parseRFC3339(ts, defaultOffsetMinutes: 0)?.offsetMinutes == 480, "\(file.path):\(index + 1) \(ts)")
                let tid = try #require(fields["tid"])
                #expect(tid.trimmingCharacters(in: .whitespaces).count == 8)
                let event = try #require(fields["ev"])
                if event == "txn" { transactions += 1 }
                checked += 1
            }
            #expect(transactions == file.transactions, "\(file.path)")
        }
        #expect(checked > 7000)
    }

    @Test("Every rejected line is malformed the way the truth says")
    func rejectsAreMalformed() throws {
        var kinds: [ExpectedReject.Kind: Int] = [:]
        for file in set.terminalLogs where !file.rejects.isEmpty {
            let lines = try set.lines(file.path)
            for reject in file.rejects {
                kinds[reject.kind, default: 0] += 1
                let line = lines[reject.line - 1]
                let fields = logfmtFields(line)
                switch reject.kind {
                case .unterminatedQuote: #expect(fields == nil)
                case .missingTimestamp: #expect(fields?["ts"] == nil && fields?["tid"] != nil)
                case .missingTerminalID: #expect(fields?["tid"] == nil && fields?["ts"] != nil)
                case .badTimestamp:
                    let ts = try #require(fields?["ts"])
                    #expect(Timestamps.parseRFC3339(ts, defaultOffsetMinutes: 480) == nil)
                case .badInteger:
                    let key = try #require(reject.key)
                    let value = try #require(fields?[key])
                    #expect(Int(value) == nil)
                case .notLogfmt: #expect(line.first == UInt8(ascii: "="))
                case .malformedElement: Issue.record("an XML reject in a terminal log")
                }
            }
        }
        #expect(kinds == [.unterminatedQuote: 1, .missingTimestamp: 1, .missingTerminalID: 1, .badTimestamp: 2, .badInteger: 2, .notLogfmt: 1])
    }

    @Test("Full card numbers in terminal logs are where the truth says, and pass Luhn; masked ones keep 6 and 4")
    func terminalCardNumbers() throws {
        #expect(set.truth.fullCardNumbers.count > 0)
        var byFile: [String: [Int: String]] = [:]
        for pan in set.truth.fullCardNumbers { byFile[pan.file, default: [:]][pan.line] = pan.pan }
        for file in set.terminalLogs {
            let lines = try set.lines(file.path).prefix(file.lines)
            var full = 0
            for (index, line) in lines.enumerated() {
                guard let pan = logfmtFields(line)?["pan"] else { continue }
                if pan.allSatisfy(\.isNumber) {
                    full += 1
                    #expect(byFile[file.path]?[index + 1] == pan)
                    #expect(Array(pan.utf8).withUnsafeBytes { CardNumbers.passesLuhn($0) }, "\(pan)")
                    #expect((13...19).contains(pan.count))
                } else {
                    #expect(pan.filter { $0 == "*" }.count == pan.count - 10, "\(pan)")
                    #expect(CardNumbers.mask(String(decoding: line, as: UTF8.self)).masked == 0)
                }
            }
            #expect(full == file.fullCardNumbers, "\(file.path)")
        }
    }

    @Test("Acquirer logs: message counts, full field 2, track data, padded field 41, time order")
    func acquirerLogs() throws {
        for file in set.acquirerLogs {
            let text = String(decoding: try set.text(file.path), as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count - 1 == file.lines)
            #expect(
                text.components(separatedBy: "<field id=\"0\" value=\"0200\"/>").count - 1
                    + text.components(separatedBy: "<field id=\"0\" value=\"0400\"/>").count - 1 == file.acquirerRequests + file.rejects.count)
            #expect(text.hasSuffix("</logger>\n") == file.loggerClosed)
            var fullPANs = 0
            var previous: Int64 = .min
            let realm = try #require(set.truth.realms.first { file.path.hasPrefix("acquirer-\($0.fileStem)-") })
            for line in lines {
                if let value = Self.attribute(line, "value"), line.contains("<field id=\"2\"") {
                    if value.allSatisfy(\.isNumber) {
                        fullPANs += 1
                        #expect(Array(value.utf8).withUnsafeBytes { CardNumbers.passesLuhn($0) })
                    } else {
                        #expect(value.filter { $0 == "_" }.count == value.count - 10)
                    }
                }
                if line.contains("<field id=\"41\""), let value = Self.attribute(line, "value") {
                    #expect(value.count == (realm.padsTID ? 15 : 8))
                }
                if line.hasPrefix("<log "), let at = Self.attribute(line, "at"), Self.attribute(line, "realm") != "Q2" {
                    let time =
                        realm.timeStyle == "java_date"
                        ? Timestamps.parseJavaDate(at, defaultOffsetMinutes: 480)
                        : Timestamps.parseRFC3339(at, defaultOffsetMinutes: 480)
                    let parsed = try #require(time, "\(file.path): \(at)")
                    #expect(parsed.utcMilliseconds >= previous, "\(file.path): \(at) out of order")
                    previous = parsed.utcMilliseconds
                }
            }
            #expect(fullPANs == file.fullCardNumbers, "\(file.path)")
            #expect(text.components(separatedBy: "<field id=\"35\"").count - 1 == file.trackData)
        }
        #expect(set.acquirerLogs.contains { $0.fullCardNumbers > 0 })
        #expect(set.acquirerLogs.contains { $0.trackData > 0 })
        #expect(set.acquirerLogs.contains { $0.loggerClosed == false })
        #expect(set.acquirerLogs.flatMap(\.rejects).map(\.kind) == [.malformedElement])
    }

    static func attribute(_ line: Substring, _ name: String) -> String? {
        guard let range = line.range(of: " \(name)=\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    @Test("Clean files: no faults, and every transaction's request and response are in the acquirer logs")
    func cleanSet() throws {
        let clean = SharedSets.clean
        let totals = clean.truth.totals
        let requests = clean.acquirerLogs.reduce(0) { $0 + $1.acquirerRequests }
        let responses = clean.acquirerLogs.reduce(0) { $0 + $1.acquirerResponses }
        // Every transaction reaches the host except local errors and lost requests; every
        // request is answered except those the host never answers.
        #expect(requests == totals.transactions - totals.byOutcome["error", default: 0] - totals.byCause["request_lost", default: 0])
        #expect(responses == requests - totals.byCause["no_response", default: 0])
        #expect(totals.byCause["late_response", default: 0] > 0)
        for file in clean.truth.files {
            #expect(file.rejects.isEmpty && !file.crlf && !file.truncated && file.duplicateOf == nil && !file.bom, "\(file.path)")
            #expect(file.fullCardNumbers == 0 && file.trackData == 0 && file.unknownKeys == 0 && file.ignoredEvents == 0, "\(file.path)")
            #expect(file.paddedTIDs == 0 && file.invalidUTF8Replacements == 0 && file.loggerClosed != false, "\(file.path)")
        }
        #expect(clean.truth.clockSkews.isEmpty && clean.truth.fullCardNumbers.isEmpty)
        #expect(clean.truth.realms.allSatisfy { $0.timeStyle != "java_date" && !$0.padsTID })
        let gz = clean.truth.files.filter { $0.path.hasSuffix(".gz") }
        #expect(gz.count == 2 * 6 + 2 * 4)
        for file in gz {
            #expect(try clean.lines(file.path).count == file.lines)
        }
    }

    @Test("The inventory names every terminal that logs, with the columns formats.md §3 defines")
    func inventory() throws {
        let inventory = try set.inventory()
        #expect(inventory.count == set.truth.terminals)
        let bytes = try set.bytes("inventory.csv")
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let sample = try #require(inventory.values.first)
        #expect(sample.keys.sorted() == ["agent", "brand", "channel", "fee_rate", "fee_tier", "firmware", "mcc", "mid", "model", "region", "tid"])
        for row in inventory.values {
            #expect(row["mid"]?.count == 15)
            #expect((row["channel"] == "third_party") == !(row["agent"] ?? "").isEmpty)
        }
        let name = try #require(set.terminalLogs.first?.path)
        for line in try set.lines(name).prefix(200) {
            guard let tid = logfmtFields(line)?["tid"]?.trimmingCharacters(in: .whitespaces) else { continue }
            #expect(inventory[tid] != nil, "\(tid)")
        }
        let catalogue = String(decoding: try set.bytes("codes-private.csv"), as: UTF8.self)
        #expect(catalogue == "code,meaning,scope\nQ7,风控拦截（代理商自定义）,agentpay-switch/10.9.0.5:7001\n")
    }

    @Test("Other faults: CRLF, padded TIDs, GBK bytes, unknown keys, ignored events, clock skew")
    func otherFaults() throws {
        let files = set.truth.files
        #expect(files.filter(\.crlf).map(\.path) == ["terminal-guangzhou-2026-11-20.log.gz"])
        let padded = try #require(files.first { $0.paddedTIDs > 0 })
        #expect(padded.paddedTIDs == 3)
        let paddedLines = try set.lines(padded.path).filter { String(decoding: $0, as: UTF8.self).contains("tid=\" ") }
        #expect(paddedLines.count == 3)
        let gbk = try #require(files.first { $0.invalidUTF8Replacements > 0 })
        #expect(gbk.invalidUTF8Replacements == 4)
        let text = try set.text(gbk.path)
        #expect(String(decoding: text, as: UTF8.self).unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 4)
        var unknownKeys = 0
        var ignored = 0
        for file in set.terminalLogs where file.path == "terminal-shanghai-2026-11-20.log.gz" {
            for line in try set.lines(file.path) {
                guard let fields = logfmtFields(line) else { continue }
                unknownKeys += fields.keys.filter { $0 == "batt" || $0 == "op" }.count
                if fields["ev"] == "heartbeat" || fields["ev"] == "print" { ignored += 1 }
            }
            #expect(unknownKeys == file.unknownKeys)
            #expect(ignored == file.ignoredEvents)
            #expect(unknownKeys > 0 && ignored > 0)
        }
        #expect(set.truth.clockSkews.count == 2)
        for skew in set.truth.clockSkews {
            #expect((30_000...300_000).contains(abs(skew.offsetMilliseconds)))
        }
        #expect(Set(set.truth.clockSkews.map { $0.offsetMilliseconds > 0 }) == [true, false])
    }

    @Test("A skewed terminal's times differ from its acquirer's by the skew")
    func clockSkewShowsAgainstTheAcquirer() throws {
        let skew = try #require(set.truth.clockSkews.first)
        var terminalTimes: [String: Int64] = [:]
        for file in set.terminalLogs {
            for line in try set.lines(file.path).prefix(file.lines) {
                guard let fields = logfmtFields(line), fields["tid"] == skew.tid, fields["ev"] == "txn", fields["type"] != "reversal",
                    fields["disp"] == "approved", let stan = fields["stan"], let ts = fields["ts"],
                    let time = Timestamps.parseRFC3339(ts, defaultOffsetMinutes: 480)
                else { continue }
                terminalTimes[stan] = time.utcMilliseconds
            }
        }
        #expect(terminalTimes.count > 3)
        var differences: [Int64] = []
        for file in set.acquirerLogs {
            let text = String(decoding: try set.text(file.path), as: UTF8.self)
            for element in text.components(separatedBy: "<log ").dropFirst()
            where element.contains("value=\"0210\"") && element.contains("value=\"\(skew.tid)") {
                guard let stanStart = element.range(of: "<field id=\"11\" value=\"")?.upperBound else { continue }
                let digits = element[stanStart...].prefix { $0 != "\"" }
                let stan = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
                guard let terminal = terminalTimes[stan], let at = Self.attribute(Substring(" " + element), "at") else { continue }
                let sent = Timestamps.parseRFC3339(at, defaultOffsetMinutes: 480) ?? Timestamps.parseJavaDate(at, defaultOffsetMinutes: 480)
                if let sent { differences.append(terminal - sent.utcMilliseconds) }
            }
        }
        #expect(differences.count == terminalTimes.count)
        for difference in differences {
            // The response's trip back to the terminal takes 15 ms to 1.3 s.
            #expect((15...1300).contains(difference - skew.offsetMilliseconds), "\(difference) vs skew \(skew.offsetMilliseconds)")
        }
    }
}
