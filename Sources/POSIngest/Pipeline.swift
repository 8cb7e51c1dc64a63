import Glibc
import POSFormats
import POSStore
public import Synchronization

/// One unit of work passed from the parsing thread to the writing thread.
enum PipelineItem: Sendable {
    case begin(path: String, kind: InputKind)
    case terminal(TerminalRecord)
    case message(AcquirerMessage)
    case link(AcquirerLinkEvent)
    case inventory(InventoryRow)
    case catalogue(CatalogueEntry)
    case rejected(Rejection)
    /// The file was read to its end (or to a fault, named in `truncation`).
    case end(ParsedFile)
    /// The file could not be read at all (or not as its kind): nothing of it may land.
    case failed(path: String, reason: String, file: ParsedFile?)
    /// What was sent of the file since `.begin` was read the wrong way (it does not continue the
    /// file it seemed to): drop it; the file is read again and sent anew.
    case discard(path: String)
}

/// What the parsing thread learnt of a file.
struct ParsedFile: Sendable {
    var path: String
    var kind: InputKind
    var compression: String
    /// SHA-256 of the decoded content.
    var sha256: String
    /// SHA-256 of the raw bytes.
    var rawSHA256: String
    /// SHA-256 of the content's first 4096 bytes (all of it when shorter).
    var headSHA256: String?
    /// Where a file continuing this one would resume, and the lines before it (log kinds only).
    var resume: (bytes: Int64, line: Int)?
    /// The ingested file whose whole content this one begins with: only the rest was read.
    var continues: IngestedContent?
    /// Ledger rows whose whole content this file's begins with.
    var beginsWith: [Int64] = []
    /// Found before any row was sent: the content is already in, the same or a prefix of it.
    var duplicate: (of: IngestedContent, prefix: Bool)?
    var bytes: Int64
    var decodedBytes: Int64
    var modificationTimeNanoseconds: Int64
    var lines: Int
    var truncation: Truncation?
    var counts: [String: Int]
    var seconds: Double
}

/// A bounded queue of batches between the parsing thread and the writing thread.
///
/// Bounded so that memory stays flat however far parsing runs ahead of SQLite.
final class BatchChannel: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var notEmpty = pthread_cond_t()
    private var notFull = pthread_cond_t()
    private var queue: [[PipelineItem]] = []
    private var head = 0
    private var closed = false
    private let capacity: Int
    private var filesDone = 0
    private var fileDoneSignal = pthread_cond_t()

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&notEmpty, nil)
        pthread_cond_init(&notFull, nil)
        pthread_cond_init(&fileDoneSignal, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&notEmpty)
        pthread_cond_destroy(&notFull)
        pthread_cond_destroy(&fileDoneSignal)
    }

    /// Adds a batch, waiting while the queue is full. Returns false once the reader has gone.
    func send(_ batch: [PipelineItem]) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while queue.count - head >= capacity, !closed { pthread_cond_wait(&notFull, &mutex) }
        if closed { return false }
        queue.append(batch)
        pthread_cond_signal(&notEmpty)
        return true
    }

    /// Takes the next batch, waiting for one; nil when the sender has finished and all is read.
    func receive() -> [PipelineItem]? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while queue.count == head, !closed { pthread_cond_wait(&notEmpty, &mutex) }
        if queue.count == head { return nil }
        let batch = queue[head]
        queue[head] = []
        head += 1
        if head > 64 {
            queue.removeFirst(head)
            head = 0
        }
        pthread_cond_signal(&notFull)
        return batch
    }

    /// Ends the stream (sender done) or abandons it (reader gone): wakes everyone.
    func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&notEmpty)
        pthread_cond_broadcast(&notFull)
        pthread_cond_broadcast(&fileDoneSignal)
        pthread_mutex_unlock(&mutex)
    }

    /// The reader finished a file (committed it, or recorded why not).
    func fileDone() {
        pthread_mutex_lock(&mutex)
        filesDone += 1
        pthread_cond_broadcast(&fileDoneSignal)
        pthread_mutex_unlock(&mutex)
    }

    /// Files the reader has finished.
    var finishedFiles: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return filesDone
    }

    /// Waits until the reader has finished `count` files (or has gone). The sender must have sent
    /// all it has of them first.
    func waitForFiles(_ count: Int) {
        pthread_mutex_lock(&mutex)
        while filesDone < count, !closed { pthread_cond_wait(&fileDoneSignal, &mutex) }
        pthread_mutex_unlock(&mutex)
    }
}

/// Counters shared between the threads for the progress display.
public final class IngestProgress: Sendable {
    /// Raw bytes read, over all files.
    public let bytesRead = Atomic<Int64>(0)
    /// Lines parsed, over all files.
    public let lines = Atomic<Int64>(0)
    /// Index of the file being parsed (1-based).
    public let fileIndex = Atomic<Int>(0)

    public init() {}
}
