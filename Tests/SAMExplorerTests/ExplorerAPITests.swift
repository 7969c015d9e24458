import Foundation
@testable import SAMExplorer
import SAMCore
import Testing

/// The explorer's API without a socket: routes, strict input, limits, and answers in the CLI's bytes.
@Suite struct ExplorerAPITests {
    let api = ExplorerAPI()

    func post(_ path: String, _ body: String, query: [String: String] = [:]) -> ExplorerResponse {
        api.handle(method: "POST", path: path, query: query, body: Data(body.utf8))
    }

    func error(_ r: ExplorerResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: r.body) as? [String: String])?["error"]
    }

    @Test func aDiscreteRunAnswersItsSummaryAndTrajectory() throws {
        let spec = #"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "l2-sam", "rho": 0.5, "lr": 0.1, "steps": 50, "alpha": [0.5]}"#
        let r = post("/api/run", spec)
        #expect(r.status == 200 && r.contentType == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["status"] as? String == "completed" && summary["steps"] as? Int == 50)
        let csv = try #require(object["trajectory_csv"] as? String)
        #expect(csv.hasPrefix("step,") && csv.split(separator: "\n").count > 10)
        // The parts alone are the same bytes as inside the whole answer.
        let alone = post("/api/run", spec, query: ["part": "summary"])
        let whole = String(decoding: r.body, as: UTF8.self)
        #expect(whole.hasPrefix(#"{"summary":"# + String(decoding: alone.body, as: UTF8.self)))
        let trajectory = post("/api/run", spec, query: ["part": "trajectory"])
        #expect(trajectory.contentType == "text/csv" && String(decoding: trajectory.body, as: UTF8.self) == csv)
    }

    @Test func aFlowRunsToo() throws {
        let r = post("/api/run", #"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "linf-sam", "rho": 0.3, "time": 5, "rescaled": true, "alpha": [0.5]}"#,
                     query: ["part": "summary"])
        #expect(r.status == 200)
        let summary = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        #expect(summary["time"] != nil && summary["status"] as? String != nil)
    }

    @Test func badInputIs400WithOneLine() {
        for (body, fragment) in [
            (#"{"lr": 0.1, "steps": 10, "colour": 3}"#, "colour"),
            (#"{"lr": -1, "steps": 10}"#, "lr"),
            (#"{"lr": 0.1, "time": 3}"#, "time"),
            ("not json", "JSON"),
            (#"{"lr": 0.1, "steps": 10, "data": {"kind": "csv", "path": "/etc/passwd"}}"#, "reads no files"),
        ] {
            let r = post("/api/run", body)
            #expect(r.status == 400, "\(body)")
            let message = error(r) ?? ""
            #expect(!message.isEmpty && !message.contains("\n") && message.contains(fragment), "\(body): \(message)")
        }
        #expect(post("/api/run", "{}", query: ["part": "beta"]).status == 400)
        #expect(api.handle(method: "GET", path: "/api/run", body: Data()).status == 405)
        #expect(api.handle(method: "POST", path: "/api/nothing", body: Data()).status == 404)
    }

    @Test func runsOverTheLimitsAre413() {
        // Too many recorded rows, too much estimated work, and a flow stopped at its deadline.
        let rows = post("/api/run", #"{"lr": 0.1, "steps": 100000, "record": "every=1", "data": {"kind": "single", "mu": [1, 2]}}"#)
        #expect(rows.status == 413 && (error(rows) ?? "").contains("states"), "\(error(rows) ?? "")")
        let work = post("/api/run", #"{"lr": 0.001, "steps": 2000000000, "data": {"kind": "single", "mu": [1, 2]}}"#)
        #expect(work.status == 413 && (error(work) ?? "").contains("operations"), "\(error(work) ?? "")")
        let quick = ExplorerAPI(limits: ExplorerLimits(maximumSeconds: 0))
        let flow = quick.handle(method: "POST", path: "/api/run", query: [:],
                                body: Data(#"{"time": 1e6, "rtol": 1e-12, "atol": 1e-14, "data": {"kind": "single", "mu": [1, 2, 3, 4, 5, 6]}}"#.utf8))
        #expect(flow.status == 413 && (error(flow) ?? "").contains("longer than"), "\(error(flow) ?? "")")
    }

    @Test func regimeAndMaxMarginAnswer() throws {
        let regime = post("/api/regime", #"{"mu": [4, 5, 6, 7, 8], "rho": 1, "alpha": 0.5}"#)
        #expect(regime.status == 200)
        let report = try #require(try JSONSerialization.jsonObject(with: regime.body) as? [String: Any])
        let c = try #require(report["c"] as? [Double])
        // c_i = rho mu_i / (sqrt2 ||mu||), written out here.
        let norm = [4.0, 5, 6, 7, 8].map { $0 * $0 }.reduce(0, +).squareRoot()
        for (i, m) in [4.0, 5, 6, 7, 8].enumerated() { #expect(abs(c[i] - m / (2.0.squareRoot() * norm)) < 1e-14) }
        #expect(report["regime"] as? String != nil && report["alpha_c"] as? Double != nil)
        #expect(post("/api/regime", #"{"mu": [1, 2], "rho": -1}"#).status == 400)
        #expect((error(post("/api/regime", #"{"mu": [1, 2], "rho": 1, "beta": 2}"#)) ?? "").contains("beta"))

        let margin = post("/api/maxmargin", #"{"data": {"kind": "single", "mu": [1, 2]}, "norm": "l1"}"#)
        #expect(margin.status == 200)
        let solution = try #require(try JSONSerialization.jsonObject(with: margin.body) as? [String: Any])
        // The l1 max-margin solution of D_(1,2) puts everything on the larger coordinate: b = (0, 1/2).
        let b = try #require(solution["solution"] as? [Double])
        #expect(abs(b[0]) < 1e-9 && abs(b[1] - 0.5) < 1e-9)
        #expect(post("/api/maxmargin", #"{"data": {"kind": "single", "mu": [1, 2]}, "norm": "l3"}"#).status == 400)
    }
}
