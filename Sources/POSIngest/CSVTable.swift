import POSFormats

/// Turns the records of an inventory or catalogue CSV into pipeline items.
///
/// The first record is the header; a header without a required column fails the whole file
/// (`CSVFileFailure`), since no row of it could be read right.
struct CSVTable {
    let kind: InputKind
    private var reader = CSVRecordReader()
    private var inventory: InventoryReader?
    private var catalogue: CatalogueReader?
    private var sawHeader = false
    private(set) var maskedPANs = 0
    private(set) var invalidUTF8 = 0

    init(kind: InputKind) {
        self.kind = kind
    }

    mutating func consume(line: UnsafeRawBufferPointer, number: Int, _ emit: (PipelineItem) -> Void) throws {
        if let result = reader.consume(line: line, number: number) { try take(result, emit) }
    }

    mutating func finish(_ emit: (PipelineItem) -> Void) throws {
        if let result = reader.finish() { try take(result, emit) }
    }

    private mutating func take(_ result: CSVRecordResult, _ emit: (PipelineItem) -> Void) throws {
        switch result {
        case .malformed(let reason, let line, let text):
            emit(.rejected(Rejection(line: line, reason: reason, text: text)))
        case .record(let fields, let line, let invalid):
            invalidUTF8 += invalid
            guard sawHeader else {
                sawHeader = true
                do {
                    if kind == .inventory { inventory = try InventoryReader(header: fields) } else { catalogue = try CatalogueReader(header: fields) }
                } catch {
                    throw CSVFileFailure(reason: "\(kind.rawValue) header: \(error.reason)")
                }
                return
            }
            if let inventory {
                let outcome = inventory.row(fields, line: line)
                maskedPANs += outcome.maskedPANs
                if let row = outcome.row { emit(.inventory(row)) }
                if let rejection = outcome.rejection { emit(.rejected(rejection)) }
            } else if let catalogue {
                let outcome = catalogue.row(fields, line: line)
                maskedPANs += outcome.maskedPANs
                if let entry = outcome.row { emit(.catalogue(entry)) }
                if let rejection = outcome.rejection { emit(.rejected(rejection)) }
            }
        }
    }
}
