public import POSReports

/// Where the canned queries come from (docs/cli.md §2.3): a folder named on the command line,
/// else `Queries` in the working folder, else the copies built into posrca.
public struct QuerySource: Sendable {
    /// The folder `--queries` or `POSRCA_QUERIES` named; nil when neither did.
    public var folder: String?

    public init(folder: String?) {
        self.folder = folder
    }

    /// The queries; a folder named explicitly that cannot be read stops the job with `failed`.
    public func library() throws -> QueryLibrary {
        do {
            return try QueryLibrary.resolve(folder: folder ?? Defaults.queries, explicit: folder != nil)
        } catch let error as QueryError {
            Console.error("posrca: \(error.message)")
            throw JobExit(.failed)
        }
    }
}
