import ArgumentParser
import SAMVision
import Foundation
import SAMCore

/// `samlab`: GD and SAM on linear diagonal networks, from the command line.
struct SAMLabCommand: ParsableCommand {
    static let version = SAMLabVersion.current

    static let configuration = CommandConfiguration(
        commandName: "samlab",
        abstract: "Sharpness-Aware Minimization on linear diagonal networks: dynamics, flows and their implicit bias.",
        discussion: """
        Reproduces and extends "Minor First, Major Last: A Depth-Induced Implicit Bias of Sharpness-Aware \
        Minimization" (Moon, Si, Yun, ICLR 2026). Exit status: 0 on success (a diverged or collapsed run is a \
        result, not an error), 2 for bad input (also a file that cannot be read or written), 130 when interrupted by \
        Ctrl-C and 143 by SIGTERM.
        """,
        version: SAMLabVersion.description,
        subcommands: [ReproduceCommand.self, SweepCommand.self, VisionCommand.self, TrainCommand.self, FlowCommand.self, AnalyzeCommand.self, MaxMarginCommand.self, RegimeCommand.self, BenchCommand.self, ServeCommand.self]
    )
}

@main
enum Main {
    static func main() {
        // Before any thread exists: the OpenBLAS kernel re-selection must not race with BLAS calls (see BLAS).
        BLAS.prepare()
        do {
            var command = try SAMLabCommand.parseAsRoot()
            try command.run()
        } catch let error as InvalidInput {
            Terminal.fail(error.message)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            // A file operation that failed outside the library's checks: its path and the reason in words, never
            // Foundation's own sentence.
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
                let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
                Terminal.fail("\(path.map { "\($0): " } ?? "")a file operation failed (\(InputFile.reason(error)))")
            }
            let code = SAMLabCommand.exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(SAMLabCommand.fullMessage(for: error))
                exit(0)
            }
            // Every usage error exits 2, including those the argument parser finds itself (its own code is 64),
            // and says so in one line.
            Terminal.fail(oneLine(SAMLabCommand.message(for: error)) + " (see 'samlab --help')")
        }
    }

    /// The parser's message in one line: its first line, except that a list of six or more valid values, which the
    /// parser prints as "one of the following:" and one "  - value" line each, is folded into that line.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map(String.init)
        guard let first = lines.first else { return "invalid usage" }
        let values = lines.dropFirst().prefix { $0.hasPrefix("  - ") }.map { "'\($0.dropFirst(4))'" }
        guard first.hasSuffix("one of the following:"), let last = values.last else { return first }
        return String(first.dropLast("the following:".count)) + values.dropLast().joined(separator: ", ") + " or \(last)."
    }
}
