import CSQLite

/// An SQLite result code: a primary one (`SQLITE_BUSY`) or an extended one (`SQLITE_BUSY_TIMEOUT`,
/// the primary code in its low 8 bits), as GRDB's `ResultCode`.
///
/// `==` compares codes exactly. In a `switch` or `catch` pattern, a primary code matches every
/// extended code of its kind, so `case .constraint:` also takes `.constraintUnique`:
///
/// ```swift
/// catch let error as DatabaseError where error.resultCode == .busy { … }   // primary code
/// catch ResultCode.constraintUnique { … }                                   // an exact extended code
/// ```
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code's number as SQLite's C API returns it.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The primary code: the low 8 bits of an extended code; a primary code is its own.
    public var primaryResultCode: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

    /// True when the code is primary (carries no extended detail).
    public var isPrimary: Bool { rawValue == rawValue & 0xFF }

    /// The number and SQLite's English text for it, e.g. `5 (database is locked)`.
    public var description: String { "\(rawValue) (\(String(cString: sqlite3_errstr(rawValue))))" }

    /// A primary `pattern` matches any code of its kind; an extended one matches only itself.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isPrimary ? pattern == code.primaryResultCode : pattern == code
    }

    /// Lets `catch ResultCode.busy` take a `DatabaseError` of that code (or of its kind).
    public static func ~= (pattern: ResultCode, error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return pattern ~= error.extendedResultCode
    }

    // MARK: Primary codes (https://sqlite.org/rescode.html)

    public static let ok = ResultCode(rawValue: SQLITE_OK)
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let `internal` = ResultCode(rawValue: SQLITE_INTERNAL)
    public static let perm = ResultCode(rawValue: SQLITE_PERM)
    public static let abort = ResultCode(rawValue: SQLITE_ABORT)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let nomem = ResultCode(rawValue: SQLITE_NOMEM)
    public static let readonly = ResultCode(rawValue: SQLITE_READONLY)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let ioerr = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let notFound = ResultCode(rawValue: SQLITE_NOTFOUND)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let `protocol` = ResultCode(rawValue: SQLITE_PROTOCOL)
    public static let empty = ResultCode(rawValue: SQLITE_EMPTY)
    public static let schema = ResultCode(rawValue: SQLITE_SCHEMA)
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let noLFS = ResultCode(rawValue: SQLITE_NOLFS)
    public static let auth = ResultCode(rawValue: SQLITE_AUTH)
    public static let format = ResultCode(rawValue: SQLITE_FORMAT)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let notice = ResultCode(rawValue: SQLITE_NOTICE)
    public static let warning = ResultCode(rawValue: SQLITE_WARNING)
    public static let row = ResultCode(rawValue: SQLITE_ROW)
    public static let done = ResultCode(rawValue: SQLITE_DONE)

    // MARK: Extended codes (the connections turn them on, `sqlite3_extended_result_codes`)

    public static let errorMissingCollSeq = extended(.error, 1)
    public static let errorRetry = extended(.error, 2)
    public static let errorSnapshot = extended(.error, 3)
    public static let ioerrRead = extended(.ioerr, 1)
    public static let ioerrShortRead = extended(.ioerr, 2)
    public static let ioerrWrite = extended(.ioerr, 3)
    public static let ioerrFsync = extended(.ioerr, 4)
    public static let ioerrDirFsync = extended(.ioerr, 5)
    public static let ioerrTruncate = extended(.ioerr, 6)
    public static let ioerrFstat = extended(.ioerr, 7)
    public static let ioerrUnlock = extended(.ioerr, 8)
    public static let ioerrRdlock = extended(.ioerr, 9)
    public static let ioerrDelete = extended(.ioerr, 10)
    public static let ioerrNomem = extended(.ioerr, 12)
    public static let ioerrAccess = extended(.ioerr, 13)
    public static let ioerrLock = extended(.ioerr, 15)
    public static let ioerrClose = extended(.ioerr, 16)
    public static let ioerrShmOpen = extended(.ioerr, 18)
    public static let ioerrShmSize = extended(.ioerr, 19)
    public static let ioerrShmLock = extended(.ioerr, 20)
    public static let ioerrShmMap = extended(.ioerr, 21)
    public static let ioerrSeek = extended(.ioerr, 22)
    public static let ioerrDeleteNoEnt = extended(.ioerr, 23)
    public static let ioerrMmap = extended(.ioerr, 24)
    public static let ioerrData = extended(.ioerr, 32)
    public static let ioerrCorruptFS = extended(.ioerr, 33)
    public static let lockedSharedCache = extended(.locked, 1)
    public static let lockedVTab = extended(.locked, 2)
    public static let busyRecovery = extended(.busy, 1)
    public static let busySnapshot = extended(.busy, 2)
    public static let busyTimeout = extended(.busy, 3)
    public static let cantOpenNoTempDir = extended(.cantOpen, 1)
    public static let cantOpenIsDir = extended(.cantOpen, 2)
    public static let cantOpenFullPath = extended(.cantOpen, 3)
    public static let cantOpenConvPath = extended(.cantOpen, 4)
    public static let cantOpenSymlink = extended(.cantOpen, 6)
    public static let corruptVTab = extended(.corrupt, 1)
    public static let corruptSequence = extended(.corrupt, 2)
    public static let corruptIndex = extended(.corrupt, 3)
    public static let readonlyRecovery = extended(.readonly, 1)
    public static let readonlyCantLock = extended(.readonly, 2)
    public static let readonlyRollback = extended(.readonly, 3)
    public static let readonlyDBMoved = extended(.readonly, 4)
    public static let readonlyCantInit = extended(.readonly, 5)
    public static let readonlyDirectory = extended(.readonly, 6)
    public static let abortRollback = extended(.abort, 2)
    public static let constraintCheck = extended(.constraint, 1)
    public static let constraintCommitHook = extended(.constraint, 2)
    public static let constraintForeignKey = extended(.constraint, 3)
    public static let constraintFunction = extended(.constraint, 4)
    public static let constraintNotNull = extended(.constraint, 5)
    public static let constraintPrimaryKey = extended(.constraint, 6)
    public static let constraintTrigger = extended(.constraint, 7)
    public static let constraintUnique = extended(.constraint, 8)
    public static let constraintVTab = extended(.constraint, 9)
    public static let constraintRowID = extended(.constraint, 10)
    public static let constraintPinned = extended(.constraint, 11)
    public static let constraintDataType = extended(.constraint, 12)
    public static let authUser = extended(.auth, 1)

    /// `primary | (detail << 8)`, as sqlite3.h builds its extended codes.
    private static func extended(_ primary: ResultCode, _ detail: Int32) -> ResultCode {
        ResultCode(rawValue: primary.rawValue | (detail << 8))
    }
}
