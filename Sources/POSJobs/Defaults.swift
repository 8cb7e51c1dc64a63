/// The defaults that make a fresh clone work (docs/cli.md §1): every path relative to the
/// working folder. The command line falls back to these when neither the option nor its
/// `POSRCA_*` variable gives a value.
public enum Defaults {
    /// `--db`.
    public static let database = "posrca.sqlite"
    /// `ingest PATH…` and `nightly --inbox`.
    public static let inbox = "SampleLogs"
    /// `nightly --reports` and `report --out`.
    public static let reports = "reports"
    /// `--queries`: this folder when it exists, else the copies built into posrca.
    public static let queries = "Queries"
}
