import ArgumentParser
import SAMVision
import Foundation
import SAMCore

/// `samlab`: GD and SAM on linear diagonal networks, from the command line.
struct SAMLabCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "samlab",
        abstract: "Sharpness-Aware Minimization on linear diagonal networks: dynamics, flows and their implicit bias.",
        discussion: """
        Reproduces and extends "Minor First, Major Last: A Depth-Induced Implicit Bias of Sharpness-Aware \
        Minimization" (Moon, Si, Yun, ICLR 2026). Exit status: 0 on success (a diverged or collapsed run is a \
        result, not an error), 2 for bad input, 130 when interrupted.
        """,
        version: version,
        subcommands: [ReproduceCommand.self, SweepCommand.self, VisionCommand.self, TrainCommand.self, FlowCommand.self, AnalyzeCommand.self, MaxMarginCommand.self, RegimeCommand.self, BenchCommand.self]
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
            let code = SAMLabCommand.exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(SAMLabCommand.fullMessage(for: error))
                exit(0)
            }
            // Every usage error exits 2, including those the argument parser finds itself (its own code is 64),
            // and says so in one line.
            let message = SAMLabCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "invalid usage"
            Terminal.fail(message + " (see 'samlab --help')")
        }
    }
}
