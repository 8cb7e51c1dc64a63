import Foundation
public import POSIngest
import Synchronization

/// A one-line progress bar on standard error: bytes, lines and rate (docs/cli.md §7.3).
public final class ProgressBar {
    let enabled: Bool
    let progress: IngestProgress
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    public init(enabled: Bool, progress: IngestProgress) {
        self.enabled = enabled
        self.progress = progress
    }

    public func update(fileIndex: Int, fileCount: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let bytes = Double(progress.bytesRead.load(ordering: .relaxed))
        let lines = Double(progress.lines.load(ordering: .relaxed))
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let text = String(
            format: "\r file %d/%d  %.1f MB read  %.0fk lines  %.1f MB/s  %.0fk lines/s ",
            fileIndex, fileCount, bytes / 1e6, lines / 1e3, bytes / 1e6 / elapsed, lines / 1e3 / elapsed
        )
        Console.errorText(text)
        drawn = true
    }

    public func clear() {
        guard enabled, drawn else { return }
        Console.errorText("\r\u{1B}[K")
        drawn = false
    }
}

/// One line of progress on standard error, rewritten in place, only when it is a terminal.
public final class ProgressLine: @unchecked Sendable {
    // Unchecked: used from the thread that runs the command only.
    let enabled: Bool
    private var drawn = false

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func show(_ text: String) {
        guard enabled else { return }
        Console.errorText("\r\u{1B}[K posrca: " + text)
        drawn = true
    }

    public func clear() {
        guard enabled, drawn else { return }
        Console.errorText("\r\u{1B}[K")
        drawn = false
    }
}
