import Dispatch
import Foundation
import POSStore

/// Runs the passes of an analysis side by side: each of `threads` threads takes the next job
/// not yet taken, so the longest jobs, listed first, start first. The jobs read the same window
/// and write nothing shared; each result goes to its job's slot.
enum PassJobs {
    /// The jobs' results in the jobs' order, each with the seconds it took on its thread.
    static func run<Value>(_ jobs: [() -> Value], threads: Int = 2) -> [(value: Value, seconds: Double)] {
        let queue = JobQueue(jobs)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, jobs.count))) { _ in queue.work() }
        return queue.results.map { $0! }
    }

    /// The jobs, the next one to take and the results. Unchecked: `results` changes only under the
    /// lock, and `run` reads the results only after every thread has returned.
    private final class JobQueue<Value>: @unchecked Sendable {
        let jobs: [() -> Value]
        var results: [(value: Value, seconds: Double)?]
        private let counter = JobCounter()
        private let lock = NSLock()

        init(_ jobs: [() -> Value]) {
            self.jobs = jobs
            results = Array(repeating: nil, count: jobs.count)
        }

        func work() {
            while let index = counter.take(below: jobs.count) {
                let started = monotonicSeconds()
                let value = jobs[index]()
                let seconds = monotonicSeconds() - started
                lock.lock()
                results[index] = (value, seconds)
                lock.unlock()
            }
        }
    }
}

/// Hands out job numbers 0, 1, 2, … each once, to the threads that share a list of jobs (the
/// passes' threads, the report's two connections). Unchecked: `next` changes only under the lock.
package final class JobCounter: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()

    package init() {}

    /// The next job not yet taken, nil when all `count` are.
    package func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
