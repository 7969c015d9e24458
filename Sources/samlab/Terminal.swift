import Foundation
import SAMCore

/// stderr output: errors, warnings, progress. stdout carries only results (the summary with --json).
enum Terminal {
    static func fail(_ message: String, code: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("samlab: \(message)\n".utf8))
        exit(code)
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("\(clearLine)samlab: warning: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(clearLine)samlab: \(message)\n".utf8))
    }

    /// On a terminal, returns the cursor over a progress line being redrawn, so a note does not run into it.
    private static var clearLine: String { stderrIsTerminal ? "\r\u{1B}[K" : "" }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// Progress on stderr: a redrawn line with an ETA on a terminal, a plain line every 10 s otherwise, nothing for
/// runs that finish quickly.
final class ProgressLine {
    let total: Int
    let label: String
    let start = Date()
    var lastPrint = Date()
    var printed = false

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let interval = Terminal.stderrIsTerminal ? 0.25 : 10
        guard elapsed > 1, now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let text = "\(label): \(done)/\(total) (\(Int(fraction * 100))%), ETA \(Self.duration(eta))"
        if Terminal.stderrIsTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(text)\u{1B}[K".utf8))
        } else {
            FileHandle.standardError.write(Data("samlab: \(text)\n".utf8))
        }
        printed = true
    }

    func finish() {
        if printed && Terminal.stderrIsTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
