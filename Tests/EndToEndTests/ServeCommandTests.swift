import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `samlab serve` on a real socket: it prints its URL, serves the page, its assets and the API, refuses bad flags
/// with exit 2, and SIGTERM stops it cleanly.
@Suite(.serialized) struct ServeCommandTests {
    /// GET or POST `url` and wait for the answer.
    func fetch(_ url: URL, body: String? = nil) throws -> (status: Int, type: String, data: Data) {
        var request = URLRequest(url: url)
        if let body { request.httpMethod = "POST"; request.httpBody = Data(body.utf8) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String, Data)?
        URLSession.shared.dataTask(with: request) { data, response, _ in
            let http = response as? HTTPURLResponse
            result = (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type") ?? "", data ?? Data())
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 30)
        return try #require(result)
    }

    @Test func servesThePageAndTheAPIAndStopsOnSIGTERM() throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The URL line, within a few seconds.
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("SAMLab explorer: http://"), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("SAMLab explorer: ") })
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") })
        let base = try #require(URL(string: String(address)))

        let page = try fetch(base)
        #expect(page.status == 200 && page.type.hasPrefix("text/html"))
        #expect(String(decoding: page.data, as: UTF8.self).contains("/assets/explorer.js"))
        let script = try fetch(base.appendingPathComponent("assets/explorer.js"))
        #expect(script.status == 200 && script.type.hasPrefix("text/javascript") && script.data.count > 1000)
        #expect(try fetch(base.appendingPathComponent("assets/nothing.js")).status == 404)
        // Every script the page loads is served.
        let html = String(decoding: page.data, as: UTF8.self)
        for name in ["axes.js", "plots.js", "explorer.js", "explorer.css"] {
            let asset = try fetch(base.appendingPathComponent("assets/\(name)"))
            #expect(html.contains("/assets/\(name)") && asset.status == 200, "\(name)")
        }
        // The registry the page's selectors are built from, on GET.
        let registry = try fetch(base.appendingPathComponent("api/registry"))
        #expect(registry.status == 200 && registry.type.hasPrefix("application/json"))
        let rules = (try JSONSerialization.jsonObject(with: registry.data) as? [String: Any])?["rules"] as? [[String: Any]]
        #expect(rules?.compactMap { $0["name"] as? String }.contains("gsam") == true)
        let run = try fetch(URL(string: "api/run?part=summary", relativeTo: base)!,
                            body: #"{"data": {"kind": "single", "mu": [1, 2]}, "lr": 0.1, "steps": 20}"#)
        #expect(run.status == 200)
        let summary = try JSONSerialization.jsonObject(with: run.data) as? [String: Any]
        #expect(summary?["steps"] as? Int == 20)
        let bad = try fetch(base.appendingPathComponent("api/run"), body: #"{"lr": -1, "steps": 20}"#)
        #expect(bad.status == 400 && String(decoding: bad.data, as: UTF8.self).contains("lr must be positive"))

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(rest.contains("stopped"))
    }

    @Test func badFlagsExit2WithOneLine() throws {
        let result = try CLI.run(["serve", "--port", "70000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--port") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
