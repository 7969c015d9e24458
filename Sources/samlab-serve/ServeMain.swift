import ArgumentParser
import Foundation
import SAMCore
import SAMExplorer
import SAMServe

/// `samlab-serve`: the explorer's HTTP server, a program of its own so that `samlab` (and `make reproduce`) do not
/// build or link the server stack; `samlab serve` starts it with the same flags.
@main
struct ServeMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samlab serve",
        abstract: "An interactive explorer of SAM's dynamics in the browser, computed by SAMLab live.",
        discussion: "Serves the page and its JSON API (POST /api/run, /api/regime, /api/maxmargin) on loopback unless --host says otherwise. Ctrl-C or SIGTERM stops it.",
        version: SAMLabVersion.current
    )

    @Option(name: .customLong("port"), help: "The TCP port (0: a free one, printed).")
    var port: Int = 8321

    @Option(name: .customLong("host"), help: "The address to bind to (0.0.0.0 to serve other machines).")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("max-seconds"), help: "The longest run one request may take, in seconds.")
    var maximumSeconds: Double = ExplorerLimits().maximumSeconds

    /// Parses and runs; a usage error is one line on stderr and exit 2, as everywhere in samlab.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var server = command as? ServeMain {
                try await server.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            FileHandle.standardError.write(Data("samlab serve: \(line) (see 'samlab serve --help')\n".utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port))") }
        guard !host.isEmpty, !host.contains("/") else { throw ValidationError("--host must be an address such as 127.0.0.1 (got '\(host)')") }
        guard maximumSeconds.isFinite, maximumSeconds > 0 else { throw ValidationError("--max-seconds must be positive (got \(maximumSeconds))") }
    }

    func run() async throws {
        let server = ExplorerServer(host: host, port: port, api: ExplorerAPI(limits: ExplorerLimits(maximumSeconds: maximumSeconds)))
        do {
            try await server.run { url in
                // Unbuffered, so that a script reading the URL from a pipe gets it at once.
                FileHandle.standardOutput.write(Data("SAMLab explorer: \(url) (Ctrl-C to stop)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("samlab serve: \(host):\(port): \(error)\n".utf8))
            throw ExitCode(2)
        }
        print("samlab serve: stopped")
    }
}
