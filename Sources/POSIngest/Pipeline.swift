import Dispatch
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
/// Bounded so that memory stays flat however far parsing runs ahead of SQLite. The state lives
/// in a `Mutex`; a thread that must wait parks on a semaphore of its own, registered under the
/// lock (`WaitQueue`), so no wake-up is lost between checking the state and waiting.
final class BatchChannel: Sendable {
    private struct State {
        var queue: [[PipelineItem]] = []
        var head = 0
        var closed = false
        var filesDone = 0
        /// The sender, waiting for room.
        var notFull = WaitQueue()
        /// The reader, waiting for a batch.
        var notEmpty = WaitQueue()
        /// The sender, waiting for the reader to finish files.
        var fileDone = WaitQueue()
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a batch, waiting while the queue is full. Returns false once the reader has gone.
    func send(_ batch: [PipelineItem]) -> Bool {
        waitUntil(\.notFull) { state in
            guard state.queue.count - state.head < capacity || state.closed else { return nil }
            if state.closed { return false }
            state.queue.append(batch)
            state.notEmpty.wakeOne()
            return true
        }
    }

    /// Takes the next batch, waiting for one; nil when the sender has finished and all is read.
    func receive() -> [PipelineItem]? {
        waitUntil(\.notEmpty) { state -> [PipelineItem]?? in
            guard state.queue.count > state.head || state.closed else { return nil }
            if state.queue.count == state.head { return .some(nil) }
            let batch = state.queue[state.head]
            state.queue[state.head] = []
            state.head += 1
            if state.head > 64 {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            state.notFull.wakeOne()
            return .some(batch)
        }
    }

    /// Ends the stream (sender done) or abandons it (reader gone): wakes everyone.
    func close() {
        state.withLock { state in
            state.closed = true
            state.notEmpty.wakeAll()
            state.notFull.wakeAll()
            state.fileDone.wakeAll()
        }
    }

    /// The reader finished a file (committed it, or recorded why not).
    func fileDone() {
        state.withLock { state in
            state.filesDone += 1
            state.fileDone.wakeAll()
        }
    }

    /// Files the reader has finished.
    var finishedFiles: Int {
        state.withLock { $0.filesDone }
    }

    /// Waits until the reader has finished `count` files (or has gone). The sender must have sent
    /// all it has of them first.
    func waitForFiles(_ count: Int) {
        waitUntil(\.fileDone) { state in state.filesDone >= count || state.closed ? () : nil }
    }

    /// Runs `attempt` under the lock until it returns a value; each time it returns nil, parks
    /// on `queue` (joined under the same lock) until woken, then tries again.
    private func waitUntil<Result: Sendable>(
        _ queue: WritableKeyPath<State, WaitQueue>, _ attempt: (inout State) -> Result?
    ) -> Result {
        while true {
            let outcome: Outcome<Result> = state.withLock { state in
                if let result = attempt(&state) { return .done(result) }
                return .wait(state[keyPath: queue].join())
            }
            switch outcome {
            case .done(let result): return result
            case .wait(let semaphore): semaphore.wait()
            }
        }
    }

    private enum Outcome<Result: Sendable>: Sendable {
        case done(Result)
        case wait(DispatchSemaphore)
    }
}

/// Threads waiting for a change of state guarded by a `Mutex`, each parked on a semaphore of its
/// own: the condition variable of a `Mutex`. Join and wake only while holding the lock; wait on
/// the semaphore `join` returns after releasing it (a wake that comes first is kept by the
/// semaphore, so none is lost). A woken thread checks the state again.
struct WaitQueue {
    private var waiting: [DispatchSemaphore] = []

    /// Registers a waiter; the caller waits on the semaphore once it has released the lock.
    mutating func join() -> DispatchSemaphore {
        let semaphore = DispatchSemaphore(value: 0)
        waiting.append(semaphore)
        return semaphore
    }

    /// Wakes the longest-waiting thread, if any.
    mutating func wakeOne() {
        guard !waiting.isEmpty else { return }
        waiting.removeFirst().signal()
    }

    /// Wakes every waiting thread.
    mutating func wakeAll() {
        for semaphore in waiting { semaphore.signal() }
        waiting.removeAll()
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
