// libFuzzer target: the RFC 4180 reader and the inventory and catalogue row readers
// (docs/formats.md §3, §4, §5).
//
// The input is split into lines as the ingest splits a file and fed to `CSVRecordReader`
// (twice: the default record limit, and a 64-byte one for the too-long path). The first record
// is tried as an inventory and as a catalogue header; every later record goes through
// `InventoryReader` and `CatalogueReader`, with that header when it is valid and with the
// standard header as well, so that rows are read even when the fuzzer broke the header.
// Checked besides not crashing: records and rejects carry lines of the input in order, rows
// keep the promises of their readers (tid, channel, fee rate, scope), and no kept cell or
// reject text holds an unmasked card number (`tid` and `mid` are exempt by docs/formats.md §5).

import POSFormats

private let standardInventoryHeader = ["tid", "mid", "brand", "model", "channel", "agent", "fee_tier", "fee_rate", "region", "mcc", "firmware"]
private let standardCatalogueHeader = ["code", "meaning", "scope"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let lines = lineCount(input)
    read(input, lines: lines, reader: CSVRecordReader())
    read(input, lines: lines, reader: CSVRecordReader(maxRecordBytes: 64))
    return 0
}

private func read(_ input: UnsafeRawBufferPointer, lines: Int, reader: CSVRecordReader) {
    var reader = reader
    var inventories: [InventoryReader] = [try! InventoryReader(header: standardInventoryHeader)]
    var catalogues: [CatalogueReader] = [try! CatalogueReader(header: standardCatalogueHeader)]
    var sawHeader = false
    var lastLine = 0
    func take(_ result: CSVRecordResult) {
        switch result {
        case .malformed(let reason, let line, let text):
            require(line >= 1 && line <= lines, "malformed at line \(line) outside 1...\(lines)")
            require(line > lastLine, "malformed at line \(line) after line \(lastLine)")
            lastLine = line
            require(!reason.isEmpty, "malformed without a reason")
            require(!holdsCardNumber(text), "card number in malformed text: \(text)")
            require(text.utf8.count <= CSVRecordReader.rejectTextLimit + 40, "malformed text of \(text.utf8.count) bytes")
        case .record(let fields, let line, let invalid):
            require(line >= 1 && line <= lines, "record at line \(line) outside 1...\(lines)")
            require(line > lastLine, "record at line \(line) after line \(lastLine)")
            lastLine = line
            require(!fields.isEmpty, "record without fields")
            require(invalid >= 0, "negative invalid count")
            guard sawHeader else {
                sawHeader = true
                if let inventory = try? InventoryReader(header: fields) { inventories.append(inventory) }
                if let catalogue = try? CatalogueReader(header: fields) { catalogues.append(catalogue) }
                return
            }
            for inventory in inventories { check(inventory.row(fields, line: line), line: line, lines: lines) }
            for catalogue in catalogues { check(catalogue.row(fields, line: line), line: line, lines: lines) }
        }
    }
    forEachLine(input) { line, number in
        if let result = reader.consume(line: line, number: number) { take(result) }
    }
    if let result = reader.finish() { take(result) }
}

private func check(_ outcome: CSVRowOutcome<InventoryRow>, line: Int, lines: Int) {
    switch outcome {
    case .accepted(let row, let masked):
        require(masked >= 0, "negative masked count")
        require(row.line == line, "row of line \(line) says \(row.line)")
        let tid = row.tid.utf8
        require((1...16).contains(tid.count) && tid.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }, "bad tid kept: \(row.tid)")
        require(row.channel == "official" || row.channel == "third_party", "channel \(row.channel)")
        require(!row.brand.isEmpty && !row.feeTier.isEmpty, "empty required cell kept")
        if let rate = row.feeRate { require(rate.isFinite && rate >= 0, "fee rate \(rate)") }
        for text in [row.brand, row.model, row.agent, row.feeTier, row.region, row.mcc, row.firmware] {
            require(!holdsCardNumber(text), "card number kept in an inventory cell: \(text ?? "")")
            require(text.map { !$0.isEmpty } ?? true, "empty cell kept instead of nil")
        }
    case .rejected(let rejection, let masked):
        require(masked >= 0, "negative masked count")
        require(rejection.line == line, "reject of line \(line) says \(rejection.line)")
        checkRejection(rejection, lines: lines, textLimit: CSVRecordReader.rejectTextLimit)
    }
}

private func check(_ outcome: CSVRowOutcome<CatalogueEntry>, line: Int, lines: Int) {
    switch outcome {
    case .accepted(let entry, _):
        require(entry.line == line, "entry of line \(line) says \(entry.line)")
        require(!entry.code.isEmpty, "empty code kept")
        require(!entry.scope.isEmpty, "empty scope kept")
        require(entry.source == "file", "source \(entry.source)")
        for text in [entry.code, entry.meaning, entry.scope] {
            require(!holdsCardNumber(text), "card number kept in a catalogue cell: \(text)")
        }
    case .rejected(let rejection, _):
        require(rejection.line == line, "reject of line \(line) says \(rejection.line)")
        checkRejection(rejection, lines: lines, textLimit: CSVRecordReader.rejectTextLimit)
    }
}
