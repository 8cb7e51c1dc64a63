import Foundation
import Glibc

/// The process's standard streams as the jobs use them.
public enum Console {
    /// Writes `text` and a line end to standard error, at once (unbuffered).
    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes `text` to standard error as it is, at once.
    static func errorText(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when standard error is a terminal (progress is drawn only then, docs/cli.md §7.3).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}

extension Double {
    /// Rounded to `places` decimals, for log lines.
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
