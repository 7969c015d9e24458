import Foundation
import SAMCore
import Synchronization

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

/// The signal (SIGINT or SIGTERM) that asked the running command to stop, or 0.
let stopSignal = Atomic<Int32>(0)

/// Ctrl-C (SIGINT) and SIGTERM (what Slurm, systemd and `timeout` send) for `train`, `flow` and `vision train`: the
/// handler only records the signal, and the command stops at its next consistent point, saves what it has and exits
/// 130 (SIGINT) or 143 (SIGTERM). A second signal is not caught: it ends the process at once.
enum Interrupt {
    /// Installs the handlers (once per command, before its long work).
    static func install() {
        signal(SIGINT) { received in
            stopSignal.store(received, ordering: .relaxed)
            signal(received, SIG_DFL)
        }
        signal(SIGTERM) { received in
            stopSignal.store(received, ordering: .relaxed)
            signal(received, SIG_DFL)
        }
        // A parent may have started us with these blocked (a child inherits the signal mask of the thread that
        // spawned it, and Foundation's Process does not reset it): unblock them, before any thread of ours exists.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// Whether a stop was asked for.
    static var requested: Bool { stopSignal.load(ordering: .relaxed) != 0 }

    /// 143 after SIGTERM, 130 after SIGINT (128 + the signal's number, as shells report it).
    static var exitCode: Int32 { stopSignal.load(ordering: .relaxed) == SIGTERM ? 143 : 130 }

    /// "SIGTERM" or "Ctrl-C", for notes.
    static var name: String { stopSignal.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "Ctrl-C" }
}

/// A note for a phase of work that may be long (reading a large file, checking the data, writing a folder): on a
/// terminal, when the phase has lasted a second, a line "samlab: reading ... (3 s)" is drawn on stderr and redrawn
/// each second until the phase ends, then erased. Nothing is printed when stderr is not a terminal, or when the
/// phase ends within the second, so pipes, logs and tests stay clean.
enum Phase {
    /// Runs `body`, showing `label` on a terminal while it takes more than a second; with `untilInterrupted`, the
    /// line is no longer drawn once Ctrl-C or SIGTERM has come (another thread then has the terminal).
    static func run<T>(_ label: String, quiet: Bool = false, untilInterrupted: Bool = false, _ body: () throws -> T) rethrows -> T {
        guard !quiet, Terminal.stderrIsTerminal else { return try body() }
        let line = Line(label, untilInterrupted: untilInterrupted)
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { line.draw() }
        timer.resume()
        defer {
            timer.cancel()
            line.erase()
        }
        return try body()
    }

    /// The phase's line: drawn by the timer, erased once by the caller, never drawn after that.
    private final class Line: @unchecked Sendable {
        let label: String
        let untilInterrupted: Bool
        let start = Date()
        let lock = NSLock()
        var shown = false, finished = false

        init(_ label: String, untilInterrupted: Bool) {
            self.label = label
            self.untilInterrupted = untilInterrupted
        }

        func draw() {
            lock.lock()
            defer { lock.unlock() }
            guard !finished, !(untilInterrupted && Interrupt.requested) else { return }
            shown = true
            FileHandle.standardError.write(Data("\r\u{1B}[Ksamlab: \(label) ... (\(Int(Date().timeIntervalSince(start))) s)".utf8))
        }

        func erase() {
            lock.lock()
            defer { lock.unlock() }
            finished = true
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }
}
