/// The response-code catalogue in force: built-in tables plus user files.
///
/// A field 39 value is *non-standard* when `contains` is false for it (docs/analysis.md §1). Lookups
/// are by code through an index, so asking once per transaction is cheap.
///
/// Which entry speaks for a code: one scoped to the realm beats one scoped `*`, and among equals
/// the one added last wins. User files are added after the built-in tables, so their meanings
/// override; in the built-in table the China UnionPay 2015 rows follow the ISO 8583:1987 ones, so
/// where the two differ (`05`, `21`, `45`…) the CUP meaning is the one shown.
public struct ResponseCodeCatalogue: Sendable {
    /// ISO 8583:1987 field 39 codes (`iso8583-1987`) and the China UnionPay 2015 table
    /// (`cup-2015`, Q/CUP 006.6-2015 §A.2.1), all with scope `*`, from `builtin-codes.csv`; every
    /// entry has its meaning in English (`meaning`) and in Chinese (`meaningZH`).
    public static let builtIn: ResponseCodeCatalogue = {
        let read = PackageResources.builtin_codes_csv.withUnsafeBytes { readBuiltIn($0) }
        // The table ships inside the binary and a test reads it whole: a bad row is a build defect.
        precondition(read.rejected.isEmpty, "builtin-codes.csv: \(read.rejected)")
        return read.catalogue
    }()

    private var storage: [CatalogueEntry] = []
    /// Trimmed code → positions in `storage`, in the order added.
    private var positionsByCode: [String: [Int]] = [:]

    /// An empty catalogue (every code non-standard) or one holding `entries`, in that order.
    public init(entries: [CatalogueEntry] = []) {
        self.entries = entries
    }

    /// Every entry, in the order added. Setting it replaces the catalogue.
    public var entries: [CatalogueEntry] {
        get { storage }
        set {
            storage = []
            positionsByCode = [:]
            for entry in newValue { add(entry) }
        }
    }

    /// Adds one entry after all others, so its meaning wins over earlier entries of the same scope.
    public mutating func add(_ entry: CatalogueEntry) {
        positionsByCode[Self.key(entry.code), default: []].append(storage.count)
        storage.append(entry)
    }

    /// True when `code` is in the catalogue for `realm` (scope `*` or that realm). Codes compare exactly
    /// after trimming spaces.
    ///
    /// A scope names a jPOS realm, or a channel with every peer behind it: scope `cup-channel`
    /// covers realm `cup-channel` and `cup-channel/10.1.2.3:5000`. A nil realm (no acquirer
    /// known) is covered by `*` only. Case matters: `a0` is not `A0`.
    public func contains(_ code: String, realm: String?) -> Bool {
        guard let positions = positionsByCode[Self.key(code)] else { return false }
        return positions.contains { Self.scope(storage[$0].scope, covers: realm) }
    }

    /// What `code` means for `realm`: the meaning of the entry that speaks for it (see the type's
    /// notes), or nil when the code is not in the catalogue for that realm.
    public func meaning(of code: String, realm: String?) -> String? {
        entry(for: code, realm: realm)?.meaning
    }

    /// The entry that speaks for `code` in `realm`: realm-scoped before `*`, the last added first.
    public func entry(for code: String, realm: String?) -> CatalogueEntry? {
        guard let positions = positionsByCode[Self.key(code)] else { return nil }
        var fallback: CatalogueEntry?
        for position in positions.reversed() {
            let entry = storage[position]
            guard Self.scope(entry.scope, covers: realm) else { continue }
            if entry.scope != "*" { return entry }
            if fallback == nil { fallback = entry }
        }
        return fallback
    }

    /// Reads the built-in table's bytes; public callers use `builtIn`.
    static func readBuiltIn(_ bytes: UnsafeRawBufferPointer) -> (catalogue: ResponseCodeCatalogue, rejected: [String]) {
        var catalogue = ResponseCodeCatalogue()
        var rejected: [String] = []
        var reader: CatalogueReader?
        for result in CSVRecordReader.records(in: bytes) {
            switch result {
            case .malformed(let reason, let line, _):
                rejected.append("line \(line): \(reason)")
            case .record(let fields, let line, _):
                guard let rows = reader else {
                    do {
                        reader = try CatalogueReader(builtInHeader: fields)
                    } catch {
                        rejected.append("line \(line): \(error.reason)")
                    }
                    continue
                }
                switch rows.row(fields, line: line) {
                case .accepted(let entry, _): catalogue.add(entry)
                case .rejected(let rejection, _): rejected.append("line \(line): \(rejection.reason)")
                }
            }
        }
        return (catalogue, rejected)
    }

    static func scope(_ scope: String, covers realm: String?) -> Bool {
        if scope == "*" { return true }
        guard let realm else { return false }
        guard realm.utf8.starts(with: scope.utf8) else { return false }
        let rest = realm.utf8.dropFirst(scope.utf8.count)
        return rest.isEmpty || rest.first == 0x2F  // "/": a peer of that channel
    }

    /// The code without surrounding spaces and tabs (field 39 is sometimes space-padded).
    static func key(_ code: String) -> String {
        let utf8 = code.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        else { return code }
        var trimmed = Substring(code).utf8[...]
        while let b = trimmed.first, b == 0x20 || b == 0x09 { trimmed = trimmed.dropFirst() }
        while let b = trimmed.last, b == 0x20 || b == 0x09 { trimmed = trimmed.dropLast() }
        return String(Substring(trimmed))
    }
}
