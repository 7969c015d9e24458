import ArgumentParser
import Foundation
import SAMCore

/// `samlab serve`: starts `samlab-serve`, the explorer's server, from beside this binary with the same arguments.
///
/// The server is a program of its own (Hummingbird and SwiftNIO are large to build), so that `samlab` and
/// `make reproduce` stay quick to build; `make serve` builds both.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The interactive explorer in the browser (runs samlab-serve; build it with make serve).",
        discussion: "Options: --port P (default 8321, 0 for a free one), --host ADDRESS (default 127.0.0.1), --max-seconds S (the longest run one request may take, default 5). Ctrl-C or SIGTERM stops it."
    )

    @Argument(parsing: .captureForPassthrough, help: "Options for the server (see above).")
    var arguments: [String] = []

    /// The server's path: beside this executable, or SAMLAB_SERVE_BIN.
    static func serverPath() -> String {
        if let path = ProcessInfo.processInfo.environment["SAMLAB_SERVE_BIN"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("samlab-serve")
    }

    func run() throws {
        let path = Self.serverPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw InvalidInput("samlab serve needs the explorer's server at \(path): build it with `make serve` (or swift build -c release --product samlab-serve)")
        }
        let argv = [path] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        execv(path, &cArguments)
        throw InvalidInput("\(path): cannot start (\(String(cString: strerror(errno))))")
    }
}
