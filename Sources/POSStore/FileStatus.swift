/// What became of one input file: the `status` column of the ledger (`input_files`, the `files`
/// view) and the first word of an ingest's per-file line (docs/cli.md §4, §7.4). The raw values
/// are what the database stores and what is printed.
public enum FileStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Its rows are in.
    case ok
    /// Its rows are in up to where the file broke off (a gzip stream that ends early, …).
    case truncated
    /// Nothing of it is in; the next run tries it again.
    case failed
    /// Its content is already in under another path (or is a prefix of one): nothing was added.
    case skippedDuplicate = "skipped_duplicate"
    /// Already in under the same path with the same content. Printed only: the ledger keeps
    /// the entry it already has.
    case unchanged

    /// True for a file whose rows are in the database (`ok` or `truncated`).
    public var holdsRows: Bool { self == .ok || self == .truncated }

    public var description: String { rawValue }
}
